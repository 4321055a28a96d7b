"""Every supported scikit-learn estimator, on the bundled datasets, in float64 and float32: the loaded
.mle model's predict / predict_proba / decision_function / transform equal scikit-learn's own."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CLASSIFICATION, assert_methods_match, assert_proven
from sklearn.base import clone
from sklearn.linear_model import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    LogisticRegression,
    LogisticRegressionCV,
    Perceptron,
    Ridge,
    RidgeClassifier,
    RidgeClassifierCV,
    RidgeCV,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC, LinearSVR

CLASSIFIERS = {
    "LogisticRegression": LogisticRegression(max_iter=300),
    "LogisticRegressionCV": LogisticRegressionCV(
        Cs=3, cv=3, max_iter=300, l1_ratios=(0.0,), scoring="accuracy", use_legacy_attributes=False
    ),
    "LinearSVC": LinearSVC(max_iter=3000),
    "LinearSVC-crammer_singer": LinearSVC(multi_class="crammer_singer", max_iter=3000),
    "SGDClassifier-hinge": SGDClassifier(random_state=0),
    "SGDClassifier-log_loss": SGDClassifier(loss="log_loss", random_state=0),
    "SGDClassifier-perceptron": SGDClassifier(loss="perceptron", random_state=0),
    "RidgeClassifier": RidgeClassifier(),
    "RidgeClassifierCV": RidgeClassifierCV(),
    "Perceptron": Perceptron(random_state=0),
    "OvR-LogisticRegression": OneVsRestClassifier(LogisticRegression(max_iter=300)),
    "OvR-LinearSVC": OneVsRestClassifier(LinearSVC(max_iter=3000)),
    "OvR-SGDClassifier-log_loss": OneVsRestClassifier(SGDClassifier(loss="log_loss", random_state=0)),
    "OvR-RidgeClassifier": OneVsRestClassifier(RidgeClassifier()),
}

REGRESSORS = {
    "LinearRegression": LinearRegression(),
    "LinearRegression-no_intercept": LinearRegression(fit_intercept=False),
    "Ridge": Ridge(alpha=0.5),
    "RidgeCV": RidgeCV(),
    "Lasso": Lasso(alpha=0.05),
    "LassoCV": LassoCV(cv=3),
    "ElasticNet": ElasticNet(alpha=0.01),
    "ElasticNetCV": ElasticNetCV(cv=3),
    "LinearSVR": LinearSVR(max_iter=5000),
    "SGDRegressor": SGDRegressor(random_state=0),
}

MULTI_OUTPUT_REGRESSORS = {
    "LinearRegression": LinearRegression(),
    "Ridge": Ridge(),
    "RidgeCV": RidgeCV(),
    "Lasso": Lasso(alpha=0.05),
    "ElasticNet": ElasticNet(alpha=0.01),
}

TRANSFORMERS = {
    "StandardScaler": StandardScaler(),
    "StandardScaler-no_mean": StandardScaler(with_mean=False),
    "StandardScaler-no_std": StandardScaler(with_std=False),
    "StandardScaler-neither": StandardScaler(with_mean=False, with_std=False),
    "MinMaxScaler": MinMaxScaler(),
    "MinMaxScaler-range": MinMaxScaler(feature_range=(-1.0, 2.0)),
    "MaxAbsScaler": MaxAbsScaler(),
    "Pipeline-StandardScaler-MinMaxScaler": make_pipeline(StandardScaler(), MinMaxScaler()),
    "Pipeline-passthrough-MaxAbsScaler": Pipeline([("skip", "passthrough"), ("scale", MaxAbsScaler())]),
    "Pipeline-MaxAbsScaler-passthrough": Pipeline([("scale", MaxAbsScaler()), ("skip", "passthrough")]),
}

SCALERS = {"StandardScaler": StandardScaler, "MinMaxScaler": MinMaxScaler, "MaxAbsScaler": MaxAbsScaler}


def _cases():
    for name, estimator in CLASSIFIERS.items():
        for data in CLASSIFICATION:
            yield pytest.param(data, estimator, None, id=f"{name}-{data}")
            yield pytest.param(data, make_pipeline(StandardScaler(), estimator), None, id=f"StandardScaler+{name}-{data}")
    for scaler_name, scaler in SCALERS.items():
        classifier = make_pipeline(scaler(), LogisticRegression(max_iter=300))
        yield pytest.param("wine", classifier, None, id=f"{scaler_name}+LogisticRegression-wine")
        yield pytest.param("diabetes", make_pipeline(scaler(), Ridge()), None, id=f"{scaler_name}+Ridge-diabetes")
    for name, estimator in REGRESSORS.items():
        yield pytest.param("diabetes", estimator, None, id=f"{name}-diabetes")
        yield pytest.param("diabetes", make_pipeline(MinMaxScaler(), estimator), None, id=f"MinMaxScaler+{name}-diabetes")
    for name, estimator in MULTI_OUTPUT_REGRESSORS.items():
        yield pytest.param("diabetes", estimator, "multi", id=f"{name}-multi_output-diabetes")
        yield pytest.param("diabetes", estimator, "column", id=f"{name}-one_column-diabetes")
    for name, estimator in TRANSFORMERS.items():
        for data in ("iris", "wine", "breast_cancer", "diabetes"):
            yield pytest.param(data, estimator, None, id=f"{name}-{data}")


def _target(y, kind):
    if kind == "multi":
        return np.column_stack([y, np.sqrt(y), -0.5 * y])
    if kind == "column":
        return y.reshape(-1, 1)
    return y


CASES = list(_cases())


@pytest.fixture(scope="module")
def fitted(datasets, export_load):
    """(dataset, estimator template, target kind) → (fitted scikit-learn model, loaded .mle model)."""
    cache = {}

    def fitted(data, template, target):
        key = (data, id(template), target)
        if key not in cache:
            X, y = datasets[data]
            model = clone(template).fit(X, _target(y, target))
            cache[key] = (model, export_load(model))
        return cache[key]

    return fitted


@pytest.mark.parametrize("data, template, target", CASES)
def test_float64_matches_sklearn(fitted, datasets, data, template, target):
    model, loaded = fitted(data, template, target)
    X = datasets[data][0]
    assert_methods_match(model, loaded, X)


@pytest.mark.parametrize("data, template, target", CASES)
def test_float32_matches_sklearn(fitted, datasets, data, template, target):
    """float32 input is widened to float64, as scikit-learn's linear models do: the outputs equal
    scikit-learn's on the widened data exactly, and on the float32 data to float32 precision."""
    model, loaded = fitted(data, template, target)
    X32 = datasets[data][0].astype(np.float32)
    assert_methods_match(model, loaded, X32, X32.astype(np.float64))
    for method in ("predict_proba", "decision_function", "transform"):
        if hasattr(model, method):
            expected = getattr(model, method)(X32)
            scale = max(float(np.max(np.abs(expected))), 1.0)
            np.testing.assert_allclose(getattr(loaded, method)(X32), expected, rtol=1e-4, atol=1e-5 * scale)
