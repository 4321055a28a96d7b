"""GaussianProcessRegressor's mean prediction against scikit-learn's predict on the bundled datasets,
for every kernel the engine computes (RBF isotropic and anisotropic, Matern with each closed-form ν,
RationalQuadratic, ExpSineSquared, DotProduct, WhiteKernel, ConstantKernel) and their sums, products
and powers, with and without normalize_y, one or several targets; and the refusals, by kernel name.

The mean is K(X, X_train) · alpha_, a sum whose terms cancel as much as the fit is ill conditioned;
every fit here has a fixed noise level, which bounds that."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_methods_match
from sklearn.base import clone
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import (
    RBF,
    ConstantKernel,
    DotProduct,
    ExpSineSquared,
    Matern,
    PairwiseKernel,
    RationalQuadratic,
    WhiteKernel,
)
from sklearn.preprocessing import StandardScaler

import mle_runtime
from mle_runtime import UnsupportedModelError


def _regression(all_datasets, name, rows=200):
    """Standardised inputs and a standardised target (diabetes' own; for the classification sets, a
    smooth function of the features), on at most `rows` rows to keep the fit quick."""
    X, y = all_datasets[name]
    X = StandardScaler().fit_transform(X)[:rows]
    target = (np.asarray(y, dtype=np.float64)[:rows] if name == "diabetes" else np.tanh(X[:, 0]) + 0.5 * X[:, -1] ** 2)
    return X, (target - target.mean()) / target.std()


# A fixed noise level keeps every fit well conditioned, so that the weights alpha_ do not cancel.
NOISE = WhiteKernel(0.1, noise_level_bounds="fixed")

KERNELS = {
    "rbf": ConstantKernel(1.0) * RBF(3.0) + NOISE,
    "rbf-anisotropic": RBF(np.linspace(2.0, 6.0, 4), length_scale_bounds="fixed") + NOISE,
    "matern-half": Matern(length_scale=4.0, nu=0.5) + NOISE,
    "matern-three-halves": ConstantKernel(2.0, constant_value_bounds=(0.1, 10.0)) * Matern(length_scale=3.0, nu=1.5) + NOISE,
    "matern-five-halves": Matern(length_scale=3.0, nu=2.5) + NOISE,
    "matern-infinite": Matern(length_scale=3.0, nu=np.inf) + NOISE,
    "rational-quadratic": RationalQuadratic(length_scale=2.0, alpha=0.7) + NOISE,
    # ExpSineSquared is positive definite in one dimension; a long period keeps it near enough on these data.
    "exp-sine-squared": ExpSineSquared(length_scale=3.0, periodicity=40.0, periodicity_bounds="fixed") * RBF(5.0) + NOISE,
    "dot-product": DotProduct(sigma_0=0.5) ** 2 + ConstantKernel(0.3) + NOISE,
    "sum-of-products": RBF(2.0) * DotProduct(1.0) + ConstantKernel(0.5) * Matern(3.0, nu=1.5) + NOISE,
}


def _fitted(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimiser bounds reached: no concern here
        return model.fit(X, y)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "diabetes", "digits"])
@pytest.mark.parametrize("variant", KERNELS)
def test_gaussian_process_regressor(all_datasets, export_load, name, variant):
    X, y = _regression(all_datasets, name)
    kernel = clone(KERNELS[variant])
    if variant == "rbf-anisotropic":
        kernel.k1.length_scale = np.linspace(2.0, 6.0, X.shape[1])
    model = _fitted(GaussianProcessRegressor(kernel=kernel, random_state=0), X, y)
    loaded = export_load(model)
    assert list(loaded.methods) == ["predict"]
    held_out = X + np.random.default_rng(0).normal(0.0, 0.3, X.shape)
    for rows in (X, held_out):
        assert_methods_match(model, loaded, rows)


@pytest.mark.parametrize("normalize_y", [False, True])
@pytest.mark.parametrize("targets", [1, 3])
def test_gaussian_process_regressor_targets_and_normalisation(all_datasets, export_load, normalize_y, targets):
    X, y = _regression(all_datasets, "wine")
    Y = np.column_stack([y * (k + 1) + k for k in range(targets)]) if targets > 1 else y.reshape(-1, 1) * 3 + 2
    model = _fitted(GaussianProcessRegressor(kernel=RBF(3.0) + NOISE, normalize_y=normalize_y, alpha=1e-6), X, Y)
    loaded = export_load(model)
    assert loaded.predict(X).shape == model.predict(X).shape
    assert_methods_match(model, loaded, X[::3])


@pytest.mark.parametrize("kernel, named", [
    (Matern(length_scale=2.0, nu=0.7), "Bessel"),
    (PairwiseKernel(metric="laplacian"), "PairwiseKernel"),
])
def test_gaussian_process_regressor_refusals(all_datasets, model_dir, kernel, named):
    X, y = _regression(all_datasets, "iris", rows=60)
    model = _fitted(GaussianProcessRegressor(kernel=kernel, optimizer=None), X, y)
    with pytest.raises(UnsupportedModelError, match=named):
        mle_runtime.export_model(model, model_dir / f"gpr_{type(kernel).__name__}.mle")
