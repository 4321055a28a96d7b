"""Feature selectors against scikit-learn's own transform (whatever score function or model chose
the columns), RFE and RFECV's predictions through their fitted estimator, and selectors inside
pipelines, on the bundled datasets."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_selection import (
    RFE,
    RFECV,
    GenericUnivariateSelect,
    SelectFdr,
    SelectFpr,
    SelectFromModel,
    SelectFwe,
    SelectKBest,
    SelectPercentile,
    SequentialFeatureSelector,
    VarianceThreshold,
    chi2,
    f_classif,
    f_regression,
    mutual_info_classif,
)
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import mle_runtime
from mle_runtime.errors import UnsupportedModelError

CASES = {
    "VarianceThreshold": ("breast_cancer", lambda: VarianceThreshold(threshold=0.01)),
    "VarianceThreshold-all": ("iris", lambda: VarianceThreshold()),
    "SelectKBest-f_classif": ("breast_cancer", lambda: SelectKBest(f_classif, k=7)),
    "SelectKBest-chi2": ("wine", lambda: SelectKBest(chi2, k=4)),
    "SelectKBest-f_regression": ("diabetes", lambda: SelectKBest(f_regression, k=3)),
    "SelectPercentile-mutual_info": ("breast_cancer", lambda: SelectPercentile(mutual_info_classif, percentile=20)),
    "SelectFpr": ("wine", lambda: SelectFpr(alpha=1e-10)),
    "SelectFdr": ("breast_cancer", lambda: SelectFdr(alpha=1e-20)),
    "SelectFwe": ("breast_cancer", lambda: SelectFwe(alpha=1e-20)),
    "GenericUnivariateSelect": ("wine", lambda: GenericUnivariateSelect(mode="k_best", param=5)),
    "SelectFromModel-forest": ("breast_cancer", lambda: SelectFromModel(RandomForestClassifier(n_estimators=10, random_state=0))),
    "SelectFromModel-lasso-max": ("diabetes", lambda: SelectFromModel(Lasso(alpha=0.1), max_features=4, threshold=-np.inf)),
    "SequentialFeatureSelector": ("iris", lambda: SequentialFeatureSelector(DecisionTreeClassifier(max_depth=2, random_state=0),
                                                                            n_features_to_select=2, cv=3)),
    "RFE-logistic": ("breast_cancer", lambda: RFE(make_pipeline(MinMaxScaler(), LogisticRegression(max_iter=1000)),
                                                  n_features_to_select=6, step=6, importance_getter="named_steps.logisticregression.coef_")),
    "RFE-tree": ("wine", lambda: RFE(DecisionTreeClassifier(max_depth=3, random_state=0), n_features_to_select=4, step=3)),
    "RFE-ridge": ("diabetes", lambda: RFE(Ridge(), n_features_to_select=5)),
    "RFECV-tree": ("iris", lambda: RFECV(DecisionTreeClassifier(random_state=0), cv=3)),
    "RFECV-linear_svc": ("wine", lambda: RFECV(LinearSVC(), step=3, cv=3)),
    "RFECV-forest-regressor": ("diabetes", lambda: RFECV(RandomForestRegressor(n_estimators=5, max_depth=3, random_state=0), step=2, cv=3)),
    "Pipeline-SelectKBest-LogisticRegression": ("breast_cancer", lambda: make_pipeline(
        StandardScaler(), SelectKBest(k=10), LogisticRegression(max_iter=500))),
    "Pipeline-VarianceThreshold-SelectPercentile-tree": ("wine", lambda: make_pipeline(
        VarianceThreshold(0.05), SelectPercentile(percentile=50), DecisionTreeRegressor(max_depth=3))),
}


@pytest.mark.parametrize("data, factory", [pytest.param(d, f, id=n) for n, (d, f) in CASES.items()])
def test_selector_matches_sklearn(datasets, export_load, data, factory):
    X, y = datasets[data]
    model = factory().fit(X, y)
    assert_methods_match(model, export_load(model), X)


def test_a_selector_that_keeps_nothing_is_refused(datasets, tmp_path):
    X, y = datasets["iris"]
    model = SelectKBest(k=0).fit(X, y)
    with pytest.raises(UnsupportedModelError, match="SelectKBest selects no feature"):
        mle_runtime.export_model(model, tmp_path / "none.mle")
