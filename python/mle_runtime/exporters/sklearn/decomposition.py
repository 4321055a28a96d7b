"""Converters for scikit-learn's linear decompositions and projections: PCA, IncrementalPCA,
TruncatedSVD, FactorAnalysis, FastICA, SparsePCA, MiniBatchSparsePCA, GaussianRandomProjection,
SparseRandomProjection and NeighborhoodComponentsAnalysis (a learnt projection, `X · components_ᵀ`);
and the sparse coders DictionaryLearning, MiniBatchDictionaryLearning and SparseCoder where their
transform is a closed form (`transform_algorithm='threshold'`).

This module owns the translation of each `transform` into Gemm/MatMul and element-wise operators
in scikit-learn's order of operations (PCA projects first and subtracts the projected mean after,
FactorAnalysis and SparsePCA centre first); the constants scikit-learn derives at transform time
(PCA's whitening scale, FactorAnalysis's posterior covariance, SparsePCA's ridge system) are derived
here the same way. It registers converters only.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from sklearn.decomposition import (
    PCA,
    DictionaryLearning,
    FactorAnalysis,
    FastICA,
    IncrementalPCA,
    MiniBatchDictionaryLearning,
    MiniBatchSparsePCA,
    SparseCoder,
    SparsePCA,
    TruncatedSVD,
)
from sklearn.neighbors import NeighborhoodComponentsAnalysis
from sklearn.random_projection import GaussianRandomProjection, SparseRandomProjection

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, register


def _project(builder: GraphBuilder, x: Value, components, offset=None) -> Value:
    """`x · componentsᵀ`, minus `offset` (a row) when given, as one Gemm whose bias is −offset."""
    w = np.asarray(components, dtype=np.float64)
    inputs = [x.name, builder.add_constant("components", w)]
    if offset is not None:
        inputs.append(builder.add_constant("projected_mean", -np.asarray(offset, dtype=np.float64).reshape(-1)))
    out = builder.add_node("Gemm", inputs, builder.unique_name("projected"), transB=1)
    return Value(out, "float64", (BATCH, w.shape[0]))


@register(PCA, IncrementalPCA, methods={"transform": FLOAT64}, note="whiten too")
def pca(builder, model, x):
    components = np.asarray(model.components_, dtype=np.float64)
    projected = _project(builder, x, components, np.reshape(model.mean_, (1, -1)) @ components.T)
    if not model.whiten:
        return {"transformed": projected}
    scale = np.sqrt(model.explained_variance_)
    scale[scale < np.finfo(scale.dtype).eps] = np.finfo(scale.dtype).eps
    out = builder.add_node("Div", [projected.name, builder.add_constant("whitening_scale", scale)], builder.unique_name("whitened"))
    return {"transformed": Value(out, "float64", projected.shape)}


@register(TruncatedSVD, GaussianRandomProjection, NeighborhoodComponentsAnalysis, methods={"transform": FLOAT64})
def projection(builder, model, x):
    return {"transformed": _project(builder, x, model.components_)}


@register(SparseRandomProjection, methods={"transform": FLOAT64}, note="dense output")
def sparse_random_projection(builder, model, x):
    components = model.components_
    dense = components.toarray() if hasattr(components, "toarray") else np.asarray(components)
    return {"transformed": _project(builder, x, dense)}


@register(FactorAnalysis, methods={"transform": FLOAT64})
def factor_analysis(builder, model, x):
    components = np.asarray(model.components_, dtype=np.float64)
    wpsi = components / model.noise_variance_
    cov_z = linalg.inv(np.eye(len(components)) + np.dot(wpsi, components.T))
    centred = builder.add_node("Sub", [x.name, builder.add_constant("mean", model.mean_)], builder.unique_name("centred"))
    latent = _project(builder, Value(centred, "float64", x.shape), wpsi)
    out = builder.add_node("MatMul", [latent.name, builder.add_constant("cov_z", cov_z)], builder.unique_name("factors"))
    return {"transformed": Value(out, "float64", (BATCH, cov_z.shape[1]))}


@register(FastICA, methods={"transform": FLOAT64})
def fast_ica(builder, model, x):
    source = x
    if model.whiten:
        source = Value(builder.add_node("Sub", [x.name, builder.add_constant("mean", model.mean_)], builder.unique_name("centred")),
                       "float64", x.shape)
    return {"transformed": _project(builder, source, model.components_)}


@register(SparsePCA, MiniBatchSparsePCA, methods={"transform": FLOAT64},
          note="scikit-learn's ridge regression of the centred rows on the components, solved by its inverse")
def sparse_pca(builder, model, x):
    # transform is ridge_regression(components_ᵀ, (X − mean_)ᵀ, ridge_alpha): per row, the solution
    # of (C·Cᵀ + αI)·u = C·(x − mean_), which is (x − mean_)·Cᵀ·(C·Cᵀ + αI)⁻¹ (the system is symmetric).
    components = np.asarray(model.components_, dtype=np.float64)
    system = components @ components.T + model.ridge_alpha * np.eye(len(components))
    centred = builder.add_node("Sub", [x.name, builder.add_constant("mean", model.mean_)], builder.unique_name("centred"))
    right_hand = _project(builder, Value(centred, "float64", x.shape), components)
    out = builder.add_node("MatMul", [right_hand.name, builder.add_constant("ridge_inverse", linalg.inv(system))], builder.unique_name("codes"))
    return {"transformed": Value(out, "float64", (BATCH, len(components)))}


@register(DictionaryLearning, MiniBatchDictionaryLearning, SparseCoder, methods={"transform": FLOAT64},
          note="transform_algorithm='threshold' (a closed form); positive_code and split_sign too; the iterative algorithms "
               "(omp, lasso_lars, lasso_cd, lars) are refused")
def sparse_coder(builder, model, x):
    if model.transform_algorithm != "threshold":
        raise UnsupportedModelError(
            f"{type(model).__name__}(transform_algorithm={model.transform_algorithm!r}) cannot be exported: that algorithm solves an "
            "optimisation problem per row; transform_algorithm='threshold' converts")
    alpha = model.transform_alpha
    if alpha is None:
        alpha = getattr(model, "alpha", None)
    threshold = 1.0 if alpha is None else float(alpha)
    dictionary = model.dictionary if isinstance(model, SparseCoder) else model.components_
    # sign(c)·max(|c| − t, 0), scikit-learn's threshold coding of c = x·Dᵀ, is c − clip(c, −t, t) to the bit.
    correlation = _project(builder, x, dictionary)
    clipped = builder.add_node("Clip", [correlation.name, builder.add_constant("low", np.float64(-threshold)),
                                        builder.add_constant("high", np.float64(threshold))], builder.unique_name("clipped"))
    code = Value(builder.add_node("Sub", [correlation.name, clipped], builder.unique_name("code")), "float64", correlation.shape)
    if model.positive_code:
        code = Value(builder.add_node("Relu", [code.name], builder.unique_name("positive_code")), "float64", code.shape)
    if not model.split_sign:
        return {"transformed": code}
    negated = builder.add_node("Neg", [code.name], builder.unique_name("negated"))
    positive = builder.add_node("Relu", [code.name], builder.unique_name("positive_side"))
    negative = builder.add_node("Relu", [negated], builder.unique_name("negative_side"))
    both = builder.add_node("Concat", [positive, negative], builder.unique_name("split_code"), axis=1)
    return {"transformed": Value(both, "float64", (BATCH, 2 * code.shape[1]))}

