"""Kernel approximations and KernelCenterer against scikit-learn's transform on the bundled datasets:
Nystroem with every kernel the engine computes (parameters given, left to each kernel's defaults, or
passed in kernel_params), the random Fourier maps RBFSampler and SkewedChi2Sampler, AdditiveChi2Sampler
with one to four sample steps (zeros included), and the refusals of what scikit-learn itself refuses."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match
from sklearn.kernel_approximation import AdditiveChi2Sampler, Nystroem, RBFSampler, SkewedChi2Sampler
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


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("steps, interval", [(2, None), (3, None), (3, 0.6), (4, 0.3)])
def test_additive_chi2_sampler_with_more_steps_transforms(all_datasets, export_load, name, steps, interval):
    X = MinMaxScaler().fit_transform(all_datasets[name][0])
    # MinMaxScaler leaves a zero in every column, where scikit-learn's further steps are 0.
    assert (X == 0).any(axis=0).all()
    model = AdditiveChi2Sampler(sample_steps=steps, sample_interval=interval).fit(X)
    loaded = export_load(model)
    for rows in (X, _held_out(X, "chi2"), X * 1e-6 + 1e-300):
        assert_methods_match(model, loaded, rows)


def test_additive_chi2_sampler_with_more_steps_refuses_a_negative_value(all_datasets, export_load):
    X = MinMaxScaler().fit_transform(all_datasets["wine"][0])
    loaded = export_load(AdditiveChi2Sampler(sample_steps=2).fit(X))
    negative = X[:3].copy()
    negative[2, 5] = -1e-3
    with pytest.raises(Exception, match="negative"):
        loaded.transform(negative)


def test_additive_chi2_sampler_without_an_interval_beyond_three_steps_is_refused(all_datasets, model_dir):
    # scikit-learn's fit refuses this setting; set after fitting, its transform raises too.
    model = AdditiveChi2Sampler(sample_steps=3).fit(MinMaxScaler().fit_transform(all_datasets["iris"][0]))
    model.set_params(sample_steps=4)
    with pytest.raises(UnsupportedModelError, match="sample_interval"):
        mle_runtime.export_model(model, model_dir / "additive_chi2_4.mle")


RBF_SAMPLERS = {
    "default": dict(),
    "gamma": dict(gamma=0.05, n_components=300),
    "scale": dict(gamma="scale", n_components=64),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", RBF_SAMPLERS)
def test_rbf_sampler_transforms(all_datasets, export_load, name, variant):
    X = StandardScaler().fit_transform(all_datasets[name][0])
    model = RBFSampler(random_state=0, **RBF_SAMPLERS[variant]).fit(X)
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    for rows in (X, _held_out(X, "rbf"), X * 40.0):
        assert_methods_match(model, loaded, rows)


def test_rbf_sampler_fitted_on_float32_keeps_its_float32_weights(all_datasets, export_load):
    X = StandardScaler().fit_transform(all_datasets["wine"][0])
    model = RBFSampler(n_components=50, random_state=1).fit(X.astype(np.float32))
    assert model.random_weights_.dtype == np.float32
    assert_methods_match(model, export_load(model), X)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("skewedness, n_components", [(1.0, 100), (0.01, 40), (5.0, 250)])
def test_skewed_chi2_sampler_transforms(all_datasets, export_load, name, skewedness, n_components):
    X = MinMaxScaler().fit_transform(all_datasets[name][0])
    model = SkewedChi2Sampler(skewedness=skewedness, n_components=n_components, random_state=0).fit(X)
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    for rows in (X, _held_out(X, "chi2"), X - 0.9 * skewedness):
        assert_methods_match(model, loaded, rows)


def test_skewed_chi2_sampler_refuses_a_value_at_minus_skewedness_as_scikit_learn_does(all_datasets, export_load):
    X = MinMaxScaler().fit_transform(all_datasets["iris"][0])
    model = SkewedChi2Sampler(skewedness=0.5, n_components=20, random_state=0).fit(X)
    loaded = export_load(model)
    at_the_edge = X[:4].copy()
    at_the_edge[3, 1] = -0.5
    with pytest.raises(ValueError, match="skewedness"):
        model.transform(at_the_edge)
    with pytest.raises(Exception, match="column 1 plus skewedness"):
        loaded.transform(at_the_edge)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_kernel_centerer_transforms_kernel_matrices(all_datasets, export_load, name, kernel):
    X = StandardScaler().fit_transform(all_datasets[name][0])
    fit_rows, query_rows = X[::2], X[1::2]
    model = KernelCenterer().fit(pairwise_kernels(fit_rows, metric=kernel))
    loaded = export_load(model)
    assert_methods_match(model, loaded, pairwise_kernels(query_rows, fit_rows, metric=kernel))
    assert_methods_match(model, loaded, pairwise_kernels(fit_rows, metric=kernel))
