"""CalibratedClassifierCV (sigmoid and isotonic, ensemble or not, over every family of
base_estimators) and IsotonicRegression (increasing or not, every out_of_bounds) against
scikit-learn's own outputs on the bundled datasets."""

from __future__ import annotations

import numpy as np
import pytest
from base_estimators import CLASSIFIERS
from conftest import assert_methods_match, assert_proven
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import mle_runtime
from mle_runtime.errors import InputError, UnsupportedModelError


def _cases():
    for name, base in CLASSIFIERS.items():
        yield f"sigmoid-{name}", "iris", lambda base=base: CalibratedClassifierCV(base(), method="sigmoid", cv=3)
    for method in ("sigmoid", "isotonic"):
        for ensemble in (True, False):
            for data in ("wine", "breast_cancer"):
                yield f"{method}-ensemble={ensemble}-{data}", data, lambda method=method, ensemble=ensemble: CalibratedClassifierCV(
                    make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)), method=method, ensemble=ensemble, cv=3)
        yield f"{method}-tree-breast_cancer", "breast_cancer", lambda method=method: CalibratedClassifierCV(
            DecisionTreeClassifier(max_depth=3, random_state=0), method=method, cv=4)
        yield f"{method}-linear_svc-wine", "wine", lambda method=method: CalibratedClassifierCV(CLASSIFIERS["LinearSVC"](), method=method, cv=3)


@pytest.mark.parametrize("data, factory", [pytest.param(d, f, id=n) for n, d, f in _cases()])
def test_calibrated_classifier_matches_sklearn(datasets, export_load, data, factory):
    X, y = datasets[data]
    model = factory().fit(X, np.array(["a", "b", "c"])[y])
    assert_methods_match(model, export_load(model), X)


def test_calibrating_a_frozen_prefitted_classifier(datasets, export_load):
    X, y = datasets["breast_cancer"]
    prefitted = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X[:300], y[:300])
    model = CalibratedClassifierCV(FrozenEstimator(prefitted), method="isotonic").fit(X[300:], y[300:])
    assert_methods_match(model, export_load(model), X)
    for fitted in (prefitted, StandardScaler().fit(X)):
        frozen = FrozenEstimator(fitted)
        assert_methods_match(frozen, export_load(frozen), X)


def test_temperature_scaling_is_refused_by_name(datasets, tmp_path):
    X, y = datasets["iris"]
    model = CalibratedClassifierCV(DecisionTreeClassifier(max_depth=3), method="temperature", cv=3).fit(X, y)
    with pytest.raises(UnsupportedModelError, match="method='temperature'.*supported methods: sigmoid, isotonic"):
        mle_runtime.export_model(model, tmp_path / "t.mle")


@pytest.mark.parametrize("increasing", [True, False, "auto"])
@pytest.mark.parametrize("out_of_bounds", ["clip", "nan", "raise"])
def test_isotonic_regression_interpolates_as_scipy(datasets, export_load, increasing, out_of_bounds):
    X, y = datasets["diabetes"]
    feature = 2 if increasing is not False else 8
    model = IsotonicRegression(increasing=increasing, out_of_bounds=out_of_bounds).fit(X[:300, feature], y[:300])
    loaded = export_load(model)
    # Rows inside the fitted range, on the thresholds themselves, and midway between them.
    thresholds = model.X_thresholds_
    inside = np.concatenate([X[:300, feature], thresholds, (thresholds[1:] + thresholds[:-1]) / 2]).reshape(-1, 1)
    for method in ("predict", "transform"):
        assert_proven(model, method, getattr(loaded, method)(inside), getattr(model, method)(inside))
    outside = np.array([[thresholds[0] - 1.0], [thresholds[-1] + 0.5]])
    if out_of_bounds == "raise":
        with pytest.raises(ValueError):
            model.predict(outside)
        with pytest.raises(InputError, match="outside the interpolation range"):
            loaded.predict(outside)
    else:
        np.testing.assert_array_equal(loaded.predict(outside), model.predict(outside))


def test_isotonic_regression_with_one_threshold_is_constant(export_load):
    model = IsotonicRegression(out_of_bounds="nan").fit(np.ones(5), np.arange(5.0))
    X = np.array([[0.0], [1.0], [7.0]])
    np.testing.assert_array_equal(export_load(model).predict(X), model.predict(X))


def test_isotonic_regression_fitted_on_float32_is_refused(tmp_path):
    model = IsotonicRegression().fit(np.arange(10, dtype=np.float32), np.arange(10, dtype=np.float32))
    with pytest.raises(UnsupportedModelError, match="fitted on float32"):
        mle_runtime.export_model(model, tmp_path / "f32.mle")
