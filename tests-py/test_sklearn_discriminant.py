"""Discriminant analysis against scikit-learn: LinearDiscriminantAnalysis with every solver
(predict, decision_function, predict_proba, predict_log_proba, transform) and
QuadraticDiscriminantAnalysis."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CLASSIFICATION, assert_proven
from sklearn.base import clone
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis

CLASSIFIER_METHODS = ("predict", "decision_function", "predict_proba", "predict_log_proba")




LDA = {
    "svd": LinearDiscriminantAnalysis(),
    "svd-2": LinearDiscriminantAnalysis(n_components=1),
    "lsqr": LinearDiscriminantAnalysis(solver="lsqr"),
    "lsqr-shrinkage": LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"),
    "eigen": LinearDiscriminantAnalysis(solver="eigen"),
    "eigen-shrinkage": LinearDiscriminantAnalysis(solver="eigen", shrinkage=0.3),
}


@pytest.mark.parametrize("name", CLASSIFICATION + ("digits",))
@pytest.mark.parametrize("variant", LDA)
def test_linear_discriminant_analysis(all_datasets, export_load, name, variant):
    X, y = all_datasets[name]
    if name == "digits" and variant.startswith("eigen") and "shrinkage" not in variant:
        pytest.skip("digits has constant pixels: the eigen solver's within-class covariance is singular")
    model = clone(LDA[variant]).fit(X, y)
    loaded = export_load(model)
    methods = CLASSIFIER_METHODS + (() if variant.startswith("lsqr") else ("transform",))
    assert sorted(loaded.methods) == sorted(methods)
    for method in methods:
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))


@pytest.mark.parametrize("name", CLASSIFICATION + ("digits",))
@pytest.mark.parametrize("reg_param", [0.0, 0.2])
def test_quadratic_discriminant_analysis(all_datasets, export_load, name, reg_param):
    X, y = all_datasets[name]
    if name in ("breast_cancer", "digits") and reg_param == 0:
        reg_param = 0.01  # their class covariances are singular without regularisation
    model = QuadraticDiscriminantAnalysis(reg_param=reg_param).fit(X, y)
    loaded = export_load(model)
    assert sorted(loaded.methods) == sorted(CLASSIFIER_METHODS)
    for method in CLASSIFIER_METHODS:
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))


def test_binary_string_labels(all_datasets, export_load):
    X, y = all_datasets["breast_cancer"]
    labels = np.array(["benign", "malignant"])[y]
    for model in (LinearDiscriminantAnalysis().fit(X, labels), QuadraticDiscriminantAnalysis(reg_param=0.1).fit(X, labels)):
        loaded = export_load(model)
        for method in CLASSIFIER_METHODS:
            assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))
