"""Model-selection wrappers and baselines against scikit-learn's own outputs: fitted searches,
decision-threshold classifiers, self-training, and dummy estimators."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match, assert_proven
from mle_runtime import UnsupportedModelError, export_model
from sklearn.decomposition import PCA
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    FixedThresholdClassifier,
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    TunedThresholdClassifierCV,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier
from sklearn.svm import LinearSVC


SEARCHES = [GridSearchCV, RandomizedSearchCV, HalvingGridSearchCV, HalvingRandomSearchCV]


def _log_proba(model, loaded, X):
    assert_proven(model, "predict_log_proba", loaded.predict_log_proba(X), model.predict_log_proba(X))


def _search(search, estimator, grid):
    options = {"n_iter": 2, "random_state": 0} if search is RandomizedSearchCV else {"random_state": 0} if "Halving" in search.__name__ else {}
    return search(estimator, grid, cv=3, **options)


@pytest.mark.parametrize("search", SEARCHES)
def test_a_search_predicts_with_its_best_estimator(datasets, export_load, search):
    X, y = datasets["wine"]
    model = _search(search, make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)), {"logisticregression__C": [0.1, 1.0, 10.0]}).fit(X, y)
    assert_methods_match(model, export_load(model), X)
    bayes = _search(search, GaussianNB(), {"var_smoothing": [1e-9, 1e-6, 1e-3]}).fit(X, y)
    loaded = export_load(bayes)
    assert_methods_match(bayes, loaded, X)
    _log_proba(bayes, loaded, X)


@pytest.mark.parametrize("search", SEARCHES)
def test_a_search_over_a_transformer_transforms(datasets, export_load, search):
    X, y = datasets["iris"]
    model = _search(search, make_pipeline(StandardScaler(), PCA()), {"pca__n_components": [2, 3]}).fit(X, y)
    assert_methods_match(model, export_load(model), X)


def test_a_search_without_refit_is_refused(datasets, model_dir):
    X, y = datasets["iris"]
    model = GridSearchCV(LogisticRegression(max_iter=300), {"C": [0.1, 1.0]}, cv=3, refit=False).fit(X, y)
    with pytest.raises(UnsupportedModelError, match="refit=False"):
        export_model(model, model_dir / "norefit.mle")


@pytest.mark.parametrize("threshold", ["auto", 0.3, 0.8])
@pytest.mark.parametrize("pos_label", [None, 0])
def test_a_fixed_threshold_on_probabilities(datasets, export_load, threshold, pos_label):
    X, y = datasets["breast_cancer"]
    inner = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    model = FixedThresholdClassifier(inner, threshold=threshold, pos_label=pos_label).fit(X, y)
    assert_methods_match(model, export_load(model), X)
    assert (model.predict(X) != inner.predict(X)).any() or threshold == "auto"
    bayes = FixedThresholdClassifier(GaussianNB().fit(X, y), threshold=threshold, pos_label=pos_label).fit(X, y)
    loaded = export_load(bayes)
    assert_methods_match(bayes, loaded, X)
    _log_proba(bayes, loaded, X)


@pytest.mark.parametrize("pos_label", [None, "benign", "malignant"])
def test_a_fixed_threshold_on_decisions_with_string_labels(datasets, export_load, pos_label):
    X, y = datasets["breast_cancer"]
    labels = np.array(["malignant", "benign"])[y]
    inner = make_pipeline(StandardScaler(), LinearSVC()).fit(X, labels)
    model = FixedThresholdClassifier(inner, threshold=-0.5, pos_label=pos_label, response_method="decision_function").fit(X, labels)
    assert_methods_match(model, export_load(model), X)


def test_a_tuned_threshold(datasets, export_load):
    X, y = datasets["breast_cancer"]
    model = TunedThresholdClassifierCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)), cv=3,
                                       scoring="balanced_accuracy").fit(X, y)
    assert_methods_match(model, export_load(model), X)
    bayes = TunedThresholdClassifierCV(GaussianNB(), cv=3, scoring="f1").fit(X, y)
    loaded = export_load(bayes)
    assert_methods_match(bayes, loaded, X)
    _log_proba(bayes, loaded, X)


@pytest.mark.parametrize("estimator", [LogisticRegression(max_iter=500), GaussianNB()])
def test_self_training_predicts_with_its_final_estimator(datasets, export_load, estimator):
    X, y = datasets["iris"]
    unlabelled = y.copy()
    unlabelled[np.random.default_rng(0).random(len(y)) < 0.5] = -1
    model = SelfTrainingClassifier(estimator).fit(X, unlabelled)
    loaded = export_load(model)
    assert_methods_match(model, loaded, X)
    if hasattr(model.estimator_, "predict_log_proba") and isinstance(estimator, GaussianNB):
        _log_proba(model, loaded, X)


@pytest.mark.parametrize("strategy", ["prior", "most_frequent", "constant"])
def test_dummy_classifier(datasets, export_load, strategy):
    X, y = datasets["wine"]
    labels = np.array(["a", "b", "c"])[y]
    model = DummyClassifier(strategy=strategy, constant="c" if strategy == "constant" else None).fit(X, labels)
    assert_methods_match(model, export_load(model), X)


@pytest.mark.parametrize("strategy", ["stratified", "uniform"])
def test_random_dummy_strategies_are_refused(datasets, model_dir, strategy):
    X, y = datasets["iris"]
    with pytest.raises(UnsupportedModelError, match="at random"):
        export_model(DummyClassifier(strategy=strategy).fit(X, y), model_dir / "dummy.mle")


@pytest.mark.parametrize("strategy, options", [("mean", {}), ("median", {}), ("quantile", {"quantile": 0.9}), ("constant", {"constant": 3.5})])
def test_dummy_regressor(datasets, export_load, strategy, options):
    X, y = datasets["diabetes"]
    model = DummyRegressor(strategy=strategy, **options).fit(X, y)
    assert_methods_match(model, export_load(model), X)
    two = DummyRegressor(strategy=strategy, **({"constant": [1.0, 2.0]} if strategy == "constant" else options)).fit(X, np.column_stack([y, -y]))
    assert_methods_match(two, export_load(two), X)
