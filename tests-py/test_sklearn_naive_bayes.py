"""Naive Bayes classifiers against scikit-learn's own predict, predict_proba and predict_log_proba on
the bundled datasets (all non-negative, as the discrete models need), and CategoricalNB on their
features cut into categories."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from mle_runtime import export_model, load_model
from mle_runtime.errors import MleError
from sklearn.base import clone
from sklearn.naive_bayes import BernoulliNB, CategoricalNB, ComplementNB, GaussianNB, MultinomialNB

METHODS = ("predict", "predict_proba", "predict_log_proba")




def _compare(model, loaded, X):
    assert sorted(loaded.methods) == sorted(METHODS)
    for method in METHODS:
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))


MODELS = {
    "GaussianNB": GaussianNB(),
    "GaussianNB-priors": GaussianNB(var_smoothing=1e-3),
    "MultinomialNB": MultinomialNB(),
    "MultinomialNB-alpha": MultinomialNB(alpha=0.1, fit_prior=False),
    "ComplementNB": ComplementNB(),
    "ComplementNB-norm": ComplementNB(norm=True),
    "BernoulliNB": BernoulliNB(),
    "BernoulliNB-threshold": BernoulliNB(binarize=4.0),
    "BernoulliNB-none": BernoulliNB(binarize=None),
}


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
@pytest.mark.parametrize("variant", MODELS)
def test_naive_bayes(all_datasets, export_load, name, variant):
    X, y = all_datasets[name]
    if variant == "BernoulliNB-none":
        X = (X > np.median(X, axis=0)).astype(np.float64)
    model = clone(MODELS[variant]).fit(X, y)
    _compare(model, export_load(model), X)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
def test_gaussian_nb_string_labels_and_float32(all_datasets, export_load, name):
    X, y = all_datasets[name]
    model = GaussianNB().fit(X, np.array(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])[y])
    loaded = export_load(model)
    _compare(model, loaded, X)
    X32 = X.astype(np.float32)
    assert_proven(model, "predict_proba", loaded.predict_proba(X32), model.predict_proba(X32.astype(np.float64)))


def _categories(X, bins):
    """Each feature cut into `bins` categories by its quantiles: category numbers 0..bins-1."""
    edges = np.quantile(X, np.linspace(0, 1, bins + 1)[1:-1], axis=0)
    return np.stack([np.searchsorted(edges[:, j], X[:, j], side="right") for j in range(X.shape[1])], axis=1)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
def test_categorical_nb(all_datasets, export_load, name):
    X, y = all_datasets[name]
    C = _categories(X, 5)
    model = CategoricalNB(min_categories=6).fit(C, y)
    _compare(model, export_load(model), C)
    # Category numbers given as floats are truncated, as scikit-learn's cast to int does.
    assert_proven(model, "predict_proba", export_load(model).predict_proba(C + 0.5), model.predict_proba(C))


def test_categorical_nb_refuses_unknown_categories(all_datasets, model_dir):
    X, y = all_datasets["iris"]
    C = _categories(X, 3)
    model = CategoricalNB().fit(C, y)
    path = model_dir / "categorical.mle"
    export_model(model, path)
    loaded = load_model(path)
    for bad in (3, -1):
        rows = C[:2].astype(np.float64)
        rows[1, 2] = bad
        with pytest.raises(MleError, match="row 1 feature 2"):
            loaded.predict(rows)
    # NaN is refused before, by the input validation CategoricalNB shares with scikit-learn's estimators.
    rows[1, 2] = np.nan
    with pytest.raises(MleError, match=r"NaN \(in column 2; 1 value in all\), which CategoricalNB refuses.*rows 1 of the input"):
        loaded.predict(rows)
