"""Linear transforms and regressors against scikit-learn's own outputs on the bundled datasets: the
cross decompositions (PLSRegression, PLSCanonical, CCA, PLSSVD), NeighborhoodComponentsAnalysis,
the multi-task Lasso and elastic net with their cross-validated forms, and BernoulliRBM."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_methods_match
from sklearn.base import clone
from sklearn.cross_decomposition import CCA, PLSSVD, PLSCanonical, PLSRegression
from sklearn.linear_model import MultiTaskElasticNet, MultiTaskElasticNetCV, MultiTaskLasso, MultiTaskLassoCV
from sklearn.neighbors import NeighborhoodComponentsAnalysis
from sklearn.neural_network import BernoulliRBM
from sklearn.preprocessing import MinMaxScaler, StandardScaler

DATA = ("iris", "wine", "breast_cancer", "diabetes", "digits")


def _targets(name, X, y):
    """Two real-valued targets per dataset: the label (or the regression target) and a mix of features."""
    mix = X[:, : min(3, X.shape[1])] @ np.linspace(1.0, -1.0, min(3, X.shape[1]))
    return np.column_stack([np.asarray(y, dtype=np.float64), mix + 0.1 * np.asarray(y, dtype=np.float64)])


def _held_out(X):
    """Rows the model never saw: the training rows moved by a tenth of each feature's spread."""
    return X + np.random.default_rng(0).normal(0.0, 0.1, X.shape) * X.std(axis=0)


CROSS_DECOMPOSITIONS = {
    "PLSRegression": PLSRegression(n_components=2),
    "PLSRegression-unscaled": PLSRegression(n_components=3, scale=False),
    "PLSCanonical": PLSCanonical(n_components=2),
    "PLSCanonical-unscaled": PLSCanonical(n_components=1, scale=False),
    "CCA": CCA(n_components=2, max_iter=1000),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", CROSS_DECOMPOSITIONS)
def test_cross_decompositions_predict_and_transform(all_datasets, export_load, name, variant):
    X, y = all_datasets[name]
    with warnings.catch_warnings():
        # CCA on digits' constant pixels converges slowly and says so; the fitted model is still a model.
        warnings.simplefilter("ignore")
        model = clone(CROSS_DECOMPOSITIONS[variant]).fit(X, _targets(name, X, y))
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["predict", "transform"]
    for rows in (X, _held_out(X)):
        assert_methods_match(model, loaded, rows)


@pytest.mark.parametrize("name", ["diabetes", "wine"])
def test_pls_regression_on_one_target_predicts_a_vector(all_datasets, export_load, name):
    X, y = all_datasets[name]
    model = PLSRegression(n_components=4).fit(X, np.asarray(y, dtype=np.float64))
    loaded = export_load(model)
    assert loaded.predict(X).shape == (len(X),)
    assert_methods_match(model, loaded, X)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("scale", [True, False])
def test_pls_svd_transforms(all_datasets, export_load, name, scale):
    X, y = all_datasets[name]
    model = PLSSVD(n_components=2, scale=scale).fit(X, _targets(name, X, y))
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    for rows in (X, _held_out(X)):
        assert_methods_match(model, loaded, rows)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
@pytest.mark.parametrize("n_components", [None, 2])
def test_neighborhood_components_analysis_transforms(all_datasets, export_load, name, n_components):
    X, y = all_datasets[name]
    X = StandardScaler().fit_transform(X)
    model = NeighborhoodComponentsAnalysis(n_components=n_components, max_iter=10, random_state=0).fit(X, y)
    loaded = export_load(model)
    for rows in (X, _held_out(X)):
        assert_methods_match(model, loaded, rows)


MULTI_TASK = {
    "MultiTaskLasso": MultiTaskLasso(alpha=0.05),
    "MultiTaskElasticNet": MultiTaskElasticNet(alpha=0.05, l1_ratio=0.3),
    "MultiTaskLassoCV": MultiTaskLassoCV(cv=3, alphas=8),
    "MultiTaskElasticNetCV": MultiTaskElasticNetCV(cv=3, alphas=8, l1_ratio=[0.2, 0.8]),
    "MultiTaskLasso-no-intercept": MultiTaskLasso(alpha=0.05, fit_intercept=False),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", MULTI_TASK)
def test_multi_task_regressors_predict(all_datasets, export_load, name, variant):
    X, y = all_datasets[name]
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence on digits' many columns
        model = clone(MULTI_TASK[variant]).fit(X, _targets(name, X, y))
    loaded = export_load(model)
    assert list(loaded.methods) == ["predict"]
    for rows in (X, _held_out(X)):
        assert_methods_match(model, loaded, rows)


@pytest.mark.parametrize("name", DATA)
def test_bernoulli_rbm_transforms(all_datasets, export_load, name):
    X, _ = all_datasets[name]
    X = MinMaxScaler().fit_transform(X)
    model = BernoulliRBM(n_components=8, n_iter=5, random_state=0).fit(X)
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    for rows in (X, _held_out(X)):
        assert_methods_match(model, loaded, rows)
