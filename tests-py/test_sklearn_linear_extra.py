"""The robust, Bayesian, least-angle, matching-pursuit, generalised and passive-aggressive linear
models, and RANSAC over its fitted estimator, against scikit-learn's own outputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import CLASSIFICATION, assert_proven
from mle_runtime import UnsupportedModelError, export_model
from sklearn import linear_model
from sklearn.base import clone
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import PairwiseKernel
from sklearn.linear_model import (
    ARDRegression,
    BayesianRidge,
    GammaRegressor,
    HuberRegressor,
    Lars,
    LarsCV,
    LassoLars,
    LassoLarsCV,
    LassoLarsIC,
    OrthogonalMatchingPursuit,
    OrthogonalMatchingPursuitCV,
    PoissonRegressor,
    QuantileRegressor,
    RANSACRegressor,
    TheilSenRegressor,
    TweedieRegressor,
)
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import StandardScaler

REGRESSORS = {
    "HuberRegressor": HuberRegressor(max_iter=500),
    "QuantileRegressor": QuantileRegressor(quantile=0.7, alpha=0.01),
    "TheilSenRegressor": TheilSenRegressor(random_state=0, max_subpopulation=500),
    "BayesianRidge": BayesianRidge(),
    "ARDRegression": ARDRegression(),
    "Lars": Lars(),
    "LarsCV": LarsCV(cv=3),
    "LassoLars": LassoLars(alpha=0.01),
    "LassoLarsCV": LassoLarsCV(cv=3),
    "LassoLarsIC": LassoLarsIC(),
    "OrthogonalMatchingPursuit": OrthogonalMatchingPursuit(n_nonzero_coefs=5),
    "OrthogonalMatchingPursuitCV": OrthogonalMatchingPursuitCV(cv=3),
    "PoissonRegressor": PoissonRegressor(alpha=0.1),
    "GammaRegressor": GammaRegressor(alpha=0.1),
    "TweedieRegressor-normal": TweedieRegressor(power=0),
    "TweedieRegressor-compound": TweedieRegressor(power=1.5, alpha=0.1),
    "TweedieRegressor-identity": TweedieRegressor(power=1.5, link="identity", alpha=0.1),
    "TweedieRegressor-log": TweedieRegressor(power=0, link="log", alpha=0.1),
    "RANSACRegressor": RANSACRegressor(random_state=0),
    "RANSACRegressor-knn": RANSACRegressor(KNeighborsRegressor(), min_samples=50, random_state=0),
}


@pytest.fixture(scope="module")
def diabetes(datasets):
    X, y = datasets["diabetes"]
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("variant", REGRESSORS)
def test_regressors(diabetes, export_load, variant):
    X, y = diabetes
    model = clone(REGRESSORS[variant]).fit(X, y)
    loaded = export_load(model)
    assert list(loaded.methods) == ["predict"]
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("variant", ["Lars", "LassoLars", "OrthogonalMatchingPursuit"])
def test_multi_target(diabetes, export_load, variant):
    X, y = diabetes
    model = clone(REGRESSORS[variant]).fit(X, np.column_stack([y, -y, np.sqrt(y)]))
    assert_proven(model, "predict", export_load(model).predict(X), model.predict(X))


def _passive_aggressive(name):
    cls = getattr(linear_model, name, None)
    if cls is None:
        pytest.skip(f"{name} was removed from this scikit-learn version")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return cls(random_state=0)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_passive_aggressive_classifier(datasets, export_load, name):
    X, y = datasets[name]
    X = StandardScaler().fit_transform(X)
    model = _passive_aggressive("PassiveAggressiveClassifier").fit(X, y)
    loaded = export_load(model)
    for method in ("predict", "decision_function"):
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))


def test_passive_aggressive_regressor(diabetes, export_load):
    X, y = diabetes
    model = _passive_aggressive("PassiveAggressiveRegressor").fit(X, y)
    assert_proven(model, "predict", export_load(model).predict(X), model.predict(X))


def test_ransac_over_an_unexportable_estimator_is_refused(diabetes, model_dir):
    X, y = diabetes
    # A Gaussian process over a kernel the engine does not compute.
    model = RANSACRegressor(GaussianProcessRegressor(kernel=PairwiseKernel(metric="laplacian")), min_samples=50, max_trials=2,
                            random_state=0).fit(X, y)
    with pytest.raises(UnsupportedModelError, match="GaussianProcessRegressor"):
        export_model(model, model_dir / "refused.mle")
