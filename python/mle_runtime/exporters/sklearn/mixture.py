"""Converters for scikit-learn's Gaussian mixtures: GaussianMixture and BayesianGaussianMixture, with
every covariance type (full, tied, diag, spherical).

This module owns the weighted log-likelihood of each component as `_estimate_log_gaussian_prob`
computes it for the covariance type (the Cholesky-whitened squared distance for full and tied, the
expanded quadratic form for diag and spherical, in scikit-learn's order of operations), the
constants the variational model adds, and the heads on it: predict (the first best component),
predict_proba (exp of the log responsibilities) and score_samples (scikit-learn's `_logsumexp`).
Everything that does not depend on X (log determinants, log weights, the Bayesian corrections) is
computed here with scikit-learn's own code. It registers converters only.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import digamma
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_log_det_cholesky

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import column_to_vector


def _node(builder: GraphBuilder, op: str, inputs: list[str], hint: str, shape, **attributes) -> Value:
    return Value(builder.add_node(op, inputs, builder.unique_name(hint), **attributes), "float64", shape)


def _constant(builder: GraphBuilder, hint: str, value) -> str:
    return builder.add_constant(hint, np.asarray(value, dtype=np.float64))


def _whitened_squared_norms(builder: GraphBuilder, x: Value, means: np.ndarray, choleskies: np.ndarray) -> Value:
    """Σ ((X · P_k) − (μ_k · P_k))² per component k, as scikit-learn's full and tied branches, with
    every component's product in one Gemm: X · [P_1 … P_K] − [μ_1·P_1 … μ_K·P_K]."""
    n_components, n_features = means.shape
    stacked = np.ascontiguousarray(np.concatenate(list(choleskies), axis=1))
    projected_means = np.concatenate([means[k] @ choleskies[k] for k in range(n_components)])
    width = (BATCH, n_components * n_features)
    # X·P + (−μ·P) is X·P − μ·P to the bit: negation is exact.
    whitened = _node(builder, "Gemm", [x.name, _constant(builder, "precision_choleskies", stacked),
                                       _constant(builder, "projected_means", -projected_means)], "whitened", width)
    squares = _node(builder, "Mul", [whitened.name, whitened.name], "squares", width)
    blocks = builder.add_node("Reshape", [squares.name], builder.unique_name("per_component"), shape=[BATCH, n_components, n_features])
    return _node(builder, "ReduceSum", [blocks], "squared_norms", (BATCH, n_components), axis=-1, keepdims=0)


def _diagonal_quadratic_form(builder: GraphBuilder, x: Value, means: np.ndarray, precisions: np.ndarray) -> Value:
    """Σ(μ²·p) − 2·(X · (μ·p)ᵀ) + X² · pᵀ, the diag branch's expanded form."""
    shape = (BATCH, means.shape[0])
    cross = _node(builder, "Gemm", [x.name, _constant(builder, "weighted_means", means * precisions)], "cross", shape, transB=1)
    twice = _node(builder, "Mul", [_constant(builder, "two", 2.0), cross.name], "twice_cross", shape)
    first = _node(builder, "Sub", [_constant(builder, "mean_terms", np.sum(means**2 * precisions, axis=1)), twice.name],
                  "mean_minus_cross", shape)
    squared_x = _node(builder, "Mul", [x.name, x.name], "squared_x", x.shape)
    last = _node(builder, "Gemm", [squared_x.name, _constant(builder, "precisions", precisions)], "square_terms", shape, transB=1)
    return _node(builder, "Add", [first.name, last.name], "quadratic_form", shape)


def _spherical_quadratic_form(builder: GraphBuilder, x: Value, means: np.ndarray, precisions: np.ndarray) -> Value:
    """Σμ²·p − 2·(X · μᵀ · p) + ‖x‖² ⊗ p, the spherical branch's expanded form."""
    shape = (BATCH, means.shape[0])
    product = _node(builder, "Gemm", [x.name, _constant(builder, "means", means)], "cross", shape, transB=1)
    scaled = _node(builder, "Mul", [product.name, _constant(builder, "precisions", precisions)], "scaled_cross", shape)
    twice = _node(builder, "Mul", [_constant(builder, "two", 2.0), scaled.name], "twice_cross", shape)
    first = _node(builder, "Sub", [_constant(builder, "mean_terms", np.sum(means**2, axis=1) * precisions), twice.name],
                  "mean_minus_cross", shape)
    squared_x = _node(builder, "Mul", [x.name, x.name], "squared_x", x.shape)
    norms = _node(builder, "ReduceSum", [squared_x.name], "squared_norms", (BATCH, 1), axis=-1, keepdims=1)
    outer = _node(builder, "Mul", [norms.name, _constant(builder, "precisions_row", precisions)], "norm_terms", shape)
    return _node(builder, "Add", [first.name, outer.name], "quadratic_form", shape)


def _log_gaussian_prob(builder: GraphBuilder, model, x: Value) -> Value:
    """`_estimate_log_gaussian_prob`: −½·(F·log 2π + quadratic form) + log det of the precision's Cholesky."""
    kind = model.covariance_type
    means = np.asarray(model.means_, dtype=np.float64)
    choleskies = np.asarray(model.precisions_cholesky_, dtype=np.float64)
    n_components, n_features = means.shape
    if kind == "full":
        form = _whitened_squared_norms(builder, x, means, choleskies)
    elif kind == "tied":
        form = _whitened_squared_norms(builder, x, means, np.repeat(choleskies[np.newaxis], n_components, axis=0))
    elif kind == "diag":
        form = _diagonal_quadratic_form(builder, x, means, choleskies**2)
    elif kind == "spherical":
        form = _spherical_quadratic_form(builder, x, means, choleskies**2)
    else:
        raise UnsupportedModelError(f"{type(model).__name__}(covariance_type={kind!r}) cannot be exported; "
                                    "supported: full, tied, diag, spherical")
    shape = form.shape
    shifted = _node(builder, "Add", [_constant(builder, "log_two_pi_terms", n_features * math.log(2 * math.pi)), form.name],
                    "shifted", shape)
    halved = _node(builder, "Mul", [_constant(builder, "minus_half", -0.5), shifted.name], "halved", shape)
    log_det = _compute_log_det_cholesky(choleskies, kind, n_features)
    return _node(builder, "Add", [halved.name, _constant(builder, "log_det_cholesky", log_det)], "log_gaussian", shape)


def _add_row(builder: GraphBuilder, value: Value, row, hint: str, op: str = "Add") -> Value:
    return _node(builder, op, [value.name, _constant(builder, hint, row)], hint + "_applied", value.shape)


def _heads(builder: GraphBuilder, weighted: Value) -> dict[str, Value]:
    """predict, predict_proba and score_samples from the weighted log probabilities, as BaseMixture."""
    log_norm = _node(builder, "LogSumExp", [weighted.name], "log_prob_norm", (BATCH, 1))
    log_resp = _node(builder, "Sub", [weighted.name, log_norm.name], "log_resp", weighted.shape)
    label = builder.add_node("ArgMax", [weighted.name], builder.unique_name("component"), axis=-1, keepdims=0)
    return {
        "label": Value(label, "int64", (BATCH,)),
        "probabilities": _node(builder, "Exp", [log_resp.name], "responsibilities", weighted.shape),
        "score_samples": column_to_vector(builder, log_norm),
    }


_METHODS = {"predict": IDENTICAL, "predict_proba": FLOAT64, "score_samples": FLOAT64}
_NOTE = "covariance types full, tied, diag, spherical"


@register(GaussianMixture, methods=_METHODS, note=_NOTE)
def gaussian_mixture(builder, model, x):
    weighted = _add_row(builder, _log_gaussian_prob(builder, model, x), np.log(model.weights_), "log_weights")
    return _heads(builder, weighted)


@register(BayesianGaussianMixture, methods=_METHODS, note=_NOTE + "; both weight concentration prior types")
def bayesian_gaussian_mixture(builder, model, x):
    n_features = model.means_.shape[1]
    degrees = np.asarray(model.degrees_of_freedom_, dtype=np.float64)
    # BayesianGaussianMixture._estimate_log_prob, its constants computed as it computes them.
    log_gauss = _add_row(builder, _log_gaussian_prob(builder, model, x), 0.5 * n_features * np.log(degrees), "log_dof_terms", "Sub")
    log_lambda = n_features * np.log(2.0) + np.sum(digamma(0.5 * (degrees - np.arange(0, n_features)[:, np.newaxis])), 0)
    log_prob = _add_row(builder, log_gauss, 0.5 * (log_lambda - n_features / model.mean_precision_), "lambda_terms")
    weighted = _add_row(builder, log_prob, model._estimate_log_weights(), "log_weights")
    return _heads(builder, weighted)
