"""Kernel approximations and KernelCenterer against scikit-learn's transform on the bundled datasets:
Nystroem with every kernel the engine computes (parameters given, left to each kernel's defaults, or
passed in kernel_params), AdditiveChi2Sampler with one sample step, and the refusals of what the
engine cannot compute (cosines and sines)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match
from sklearn.kernel_approximation import AdditiveChi2Sampler, Nystroem
from sklearn.metrics.pairwise import pairwise_kernels
from sklearn.preprocessing import KernelCenterer, MinMaxScaler, StandardScaler

import mle_runtime
from mle_runtime import UnsupportedModelError

DATA = ("iris", "wine", "breast_cancer", "diabetes", "digits")

# chi2 kernels need non-negative features, so they are fitted on data scaled to [0, 1].
NON_NEGATIVE = ("chi2", "additive_chi2")

NYSTROEM = {
    "rbf": dict(kernel="rbf"),
    "rbf-gamma": dict(kernel="rbf", gamma=0.05),
    "linear": dict(kernel="linear"),
    "poly": dict(kernel="poly"),
    "poly-set": dict(kernel="poly", degree=2, gamma=0.1, coef0=0.5),
    "polynomial-kernel_params": dict(kernel="polynomial", kernel_params={"degree": 2, "coef0": 2.0, "unused": 1}),
    "sigmoid": dict(kernel="sigmoid", gamma=0.01, coef0=0.2),
    "laplacian": dict(kernel="laplacian"),
    "chi2": dict(kernel="chi2"),
    "chi2-gamma": dict(kernel="chi2", gamma=0.3),
    "additive_chi2": dict(kernel="additive_chi2"),
    "cosine": dict(kernel="cosine"),
}


def _prepared(X, kernel):
    return (MinMaxScaler() if kernel in NON_NEGATIVE else StandardScaler()).fit_transform(X)


def _components(params, n_features):
    """Landmarks no more than the kernel's rank: beyond it, Nystroem clips the basis kernel's zero singular
    values to 1e-12, and normalization_ then multiplies rounding differences in the kernel by about 1e6."""
    if params["kernel"] in ("linear", "cosine"):
        return min(40, n_features)
    if params["kernel"] in ("poly", "polynomial"):
        return min(40, 3 * n_features)
    return 40


def _held_out(X, kernel):
    moved = X + np.random.default_rng(0).normal(0.0, 0.05, X.shape) * X.std(axis=0)
    return np.abs(moved) if kernel in NON_NEGATIVE else moved


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", NYSTROEM)
def test_nystroem_transforms(all_datasets, export_load, name, variant):
    params = NYSTROEM[variant]
    X = _prepared(all_datasets[name][0], params["kernel"])
    model = Nystroem(n_components=_components(params, X.shape[1]), random_state=0, **params).fit(X)
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    for rows in (X, _held_out(X, params["kernel"])):
        assert_methods_match(model, loaded, rows)


def test_nystroem_refuses_a_precomputed_kernel(all_datasets, model_dir):
    X = all_datasets["iris"][0]
    model = Nystroem(kernel="precomputed", n_components=len(X), random_state=0).fit(pairwise_kernels(X, metric="rbf"))
    with pytest.raises(UnsupportedModelError, match="precomputed"):
        mle_runtime.export_model(model, model_dir / "nystroem_precomputed.mle")


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("interval", [None, 0.3])
def test_additive_chi2_sampler_with_one_step_transforms(all_datasets, export_load, name, interval):
    X = MinMaxScaler().fit_transform(all_datasets[name][0])
    model = AdditiveChi2Sampler(sample_steps=1, sample_interval=interval).fit(X)
    loaded = export_load(model)
    for rows in (X, _held_out(X, "chi2")):
        assert_methods_match(model, loaded, rows)


def test_additive_chi2_sampler_refuses_a_negative_value_as_scikit_learn_does(all_datasets, export_load):
    X = MinMaxScaler().fit_transform(all_datasets["iris"][0])
    model = AdditiveChi2Sampler(sample_steps=1).fit(X)
    loaded = export_load(model)
    negative = X[:3].copy()
    negative[1, 2] = -0.5
    with pytest.raises(ValueError):
        model.transform(negative)
    with pytest.raises(Exception, match="negative"):
        loaded.transform(negative)


@pytest.mark.parametrize("steps", [2, 3])
def test_additive_chi2_sampler_with_more_steps_is_refused(all_datasets, model_dir, steps):
    model = AdditiveChi2Sampler(sample_steps=steps).fit(MinMaxScaler().fit_transform(all_datasets["iris"][0]))
    with pytest.raises(UnsupportedModelError, match="cosine and sine"):
        mle_runtime.export_model(model, model_dir / f"additive_chi2_{steps}.mle")


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_kernel_centerer_transforms_kernel_matrices(all_datasets, export_load, name, kernel):
    X = StandardScaler().fit_transform(all_datasets[name][0])
    fit_rows, query_rows = X[::2], X[1::2]
    model = KernelCenterer().fit(pairwise_kernels(fit_rows, metric=kernel))
    loaded = export_load(model)
    assert_methods_match(model, loaded, pairwise_kernels(query_rows, fit_rows, metric=kernel))
    assert_methods_match(model, loaded, pairwise_kernels(fit_rows, metric=kernel))
