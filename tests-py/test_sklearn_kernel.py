"""KernelRidge and KernelPCA against scikit-learn's own outputs, for every kernel of
`sklearn.metrics.pairwise` each accepts, on the bundled datasets; and the refusals of kernels a model
file cannot hold (callables, precomputed matrices, Gaussian-process kernel objects)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import KernelPCA
from sklearn.gaussian_process.kernels import RBF
from sklearn.kernel_ridge import KernelRidge
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import mle_runtime
from mle_runtime import InputError, UnsupportedModelError

# Small alphas on low-rank kernels make scikit-learn fall back to least squares, and say so.
pytestmark = pytest.mark.filterwarnings("ignore:Singular matrix in solving dual problem:UserWarning")

# chi2 kernels need non-negative features, and a fractional power a non-negative base, so every
# dataset is also offered scaled to [0, 1].
NON_NEGATIVE = ("chi2", "additive_chi2")

RIDGE_KERNELS = {
    "linear": dict(kernel="linear", alpha=0.5),
    "poly": dict(kernel="poly", degree=3, coef0=1.0, alpha=1.0),
    "polynomial-float-degree": dict(kernel="polynomial", degree=2.5, gamma=0.2, coef0=2.0, alpha=1.0),
    "rbf": dict(kernel="rbf", alpha=0.1),
    "rbf-gamma": dict(kernel="rbf", gamma=0.05, alpha=0.3),
    "sigmoid": dict(kernel="sigmoid", gamma=0.01, coef0=0.5, alpha=1.0),
    "laplacian": dict(kernel="laplacian", gamma=0.1, alpha=0.2),
    "laplacian-default-gamma": dict(kernel="laplacian", alpha=0.2),
    "chi2": dict(kernel="chi2", gamma=0.5, alpha=0.2),
    "additive_chi2": dict(kernel="additive_chi2", alpha=0.5),
    "cosine": dict(kernel="cosine", alpha=0.05),
}

PCA_KERNELS = {
    "linear": dict(kernel="linear"),
    "poly": dict(kernel="poly", degree=2, coef0=1.0),
    "rbf": dict(kernel="rbf"),
    "rbf-gamma": dict(kernel="rbf", gamma=0.3),
    "sigmoid": dict(kernel="sigmoid", gamma=0.02, coef0=0.1),
    "cosine": dict(kernel="cosine"),
}


@pytest.fixture(scope="module")
def prepared(datasets):
    """(name, "standard" | "unit") → (scaled X, y), with every third digit (a kernel method's cost grows
    with the square of its training rows)."""
    data = dict(datasets)
    X, y = load_digits(return_X_y=True)
    data["digits"] = (X[::3], y[::3])
    out = {}
    for name, (X, y) in data.items():
        out[name, "standard"] = (StandardScaler().fit_transform(X), y)
        out[name, "unit"] = (MinMaxScaler().fit_transform(X), y)
    return out


def _scaling(params):
    fractional = params.get("degree", 3) % 1 != 0
    return "unit" if params["kernel"] in NON_NEGATIVE or fractional else "standard"


@pytest.mark.parametrize("data", ["diabetes", "wine"])
@pytest.mark.parametrize("name", list(RIDGE_KERNELS))
def test_kernel_ridge_matches_sklearn(prepared, export_load, name, data):
    params = RIDGE_KERNELS[name]
    X, y = prepared[data, _scaling(params)]
    model = KernelRidge(**params).fit(X, y.astype(np.float64))
    loaded = export_load(model)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    held_out = X[::7] * 0.9 + 0.05
    assert_proven(model, "predict", loaded.predict(held_out), model.predict(held_out))


@pytest.mark.parametrize("name", ["rbf", "chi2", "cosine"])
def test_kernel_ridge_with_several_targets(prepared, export_load, name):
    params = RIDGE_KERNELS[name]
    X, y = prepared["diabetes", _scaling(params)]
    for target in (np.column_stack([y, np.sqrt(y), -0.5 * y]), y.reshape(-1, 1)):
        model = KernelRidge(**params).fit(X, target)
        predicted = export_load(model).predict(X)
        assert predicted.shape == target.shape
        assert_proven(model, "predict", predicted, model.predict(X))


def test_kernel_ridge_on_a_larger_dataset_and_float32_input(prepared, export_load):
    X, y = prepared["breast_cancer", "standard"]
    model = KernelRidge(kernel="rbf", alpha=0.1).fit(X, y)
    loaded = export_load(model)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    X32 = X.astype(np.float32)
    assert_proven(model, "predict", loaded.predict(X32), model.predict(X32))


@pytest.mark.parametrize("data", ["iris", "wine", "digits"])
@pytest.mark.parametrize("name", list(PCA_KERNELS))
def test_kernel_pca_matches_sklearn(prepared, export_load, name, data):
    X, _ = prepared[data, "standard"]
    # A copy: scikit-learn zeroes the diagonal of the distance matrix when X is the very array it was fitted on.
    model = KernelPCA(n_components=4, **PCA_KERNELS[name]).fit(X)
    loaded = export_load(model)
    rows = X.copy()
    assert_proven(model, "transform", loaded.transform(rows), model.transform(rows))
    shifted = X[::5] + 0.25
    assert_proven(model, "transform", loaded.transform(shifted), model.transform(shifted))


def test_kernel_pca_with_every_component(prepared, export_load):
    X, _ = prepared["wine", "standard"]
    for template in (KernelPCA(kernel="rbf", gamma=0.05), KernelPCA(kernel="poly", degree=3, remove_zero_eig=True),
                     KernelPCA(kernel="linear", n_components=20, eigen_solver="dense")):
        model = clone(template).fit(X)
        rows = X.copy()
        assert_proven(model, "transform", export_load(model).transform(rows), model.transform(rows))


def test_chi2_refuses_negative_features_as_sklearn_does(prepared, export_load):
    X, y = prepared["iris", "unit"]
    model = KernelRidge(kernel="chi2", gamma=1.0).fit(X, y)
    bad = X[:3].copy()
    bad[2, 1] = -0.5
    with pytest.raises(ValueError, match="negative"):
        model.predict(bad)
    with pytest.raises(InputError, match="chi2 kernel needs non-negative features; row 2 has -0.5 in feature 1"):
        export_load(model).predict(bad)


@pytest.mark.parametrize("make", [
    lambda X, y: KernelRidge(kernel=lambda a, b: float(a @ b)).fit(X, y),
    lambda X, y: KernelRidge(kernel="precomputed").fit(X @ X.T, y),
    lambda X, y: KernelRidge(kernel=RBF(1.0)).fit(X, y),
    lambda X, y: KernelPCA(kernel=lambda a, b: float(a @ b), n_components=2).fit(X),
    lambda X, y: KernelPCA(kernel="precomputed", n_components=2).fit(X @ X.T),
], ids=["KernelRidge-callable", "KernelRidge-precomputed", "KernelRidge-gaussian_process_kernel", "KernelPCA-callable",
        "KernelPCA-precomputed"])
def test_kernels_a_file_cannot_hold_are_refused(prepared, tmp_path, make):
    X, y = prepared["iris", "standard"]
    model = make(X[::5], y[::5].astype(np.float64))
    with pytest.raises(UnsupportedModelError, match=rf"{type(model).__name__}\(kernel=.*\) cannot be exported"):
        mle_runtime.export_model(model, tmp_path / "m.mle")
    assert not (tmp_path / "m.mle").exists()
