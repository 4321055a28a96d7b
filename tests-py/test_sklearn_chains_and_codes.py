"""Meta-estimators that feed one model's outputs to the next or decode them: ClassifierChain and
RegressorChain (every link reads the input and the earlier links' outputs, in chain order, with each
chain_method) and OutputCodeClassifier (the code-book row nearest the estimators' scores, constant
code columns included), against scikit-learn's own outputs on the bundled datasets, and the refusal
of an OutputCodeClassifier whose input decides nothing.

Labels that scikit-learn decides through BLAS (a linear link's sign, the nearest code by the expanded
Euclidean distance) are compared on the rows whose deciding margin is far above rounding, and the test
requires those to be nearly all rows, so that it holds on AVX2 and AVX-512 machines alike."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_methods_match, assert_proven
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.multiclass import OutputCodeClassifier, _ConstantPredictor, _predict_binary
from sklearn.multioutput import ClassifierChain, RegressorChain
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import mle_runtime
from mle_runtime import UnsupportedModelError

CLASSIFICATION = ("iris", "wine", "breast_cancer", "digits")
ROBUST_MARGIN = 1e-7
CODE_MARGIN = 100 * np.finfo(np.float64).eps


def _standardised(all_datasets, name):
    X, y = all_datasets[name]
    X = StandardScaler().fit_transform(X)
    return X, y, X + np.random.default_rng(0).normal(0.0, 0.1, X.shape)


def _multilabel(X, y):
    """Five binary targets from a dataset: up to three of its classes one against the rest, then varying
    features above their medians."""
    varying = np.flatnonzero(np.ptp(X, axis=0) > 0)
    columns = [(y == c) for c in np.unique(y)[:3]]
    columns += [X[:, j] > np.median(X[:, j]) for j in varying[[0, -1, len(varying) // 2]][: 5 - len(columns)]]
    return np.column_stack(columns).astype(np.int64)


def _link_margins(model, X):
    """Per row, the smallest |decision value| of any logistic link, each link reading scikit-learn's own chain."""
    features = np.zeros((X.shape[0], 0))
    margins = np.full(X.shape[0], np.inf)
    for estimator in model.estimators_:
        augmented = np.hstack([X, features])
        if hasattr(estimator, "decision_function"):
            margins = np.minimum(margins, np.abs(estimator.decision_function(augmented)))
        method = getattr(estimator, model.chain_method_)
        response = method(augmented)
        response = response[:, -1] if response.ndim == 2 else response
        features = np.hstack([features, response.reshape(-1, 1).astype(np.float64)])
    return margins


CLASSIFIER_CHAINS = {
    "logistic": ClassifierChain(LogisticRegression(max_iter=2000)),
    "logistic-random-order": ClassifierChain(LogisticRegression(max_iter=2000), order="random", random_state=0),
    "logistic-proba": ClassifierChain(LogisticRegression(max_iter=2000), chain_method="predict_proba", order=[4, 2, 0, 3, 1]),
    "logistic-decision": ClassifierChain(LogisticRegression(max_iter=2000), chain_method="decision_function"),
    "logistic-cv": ClassifierChain(LogisticRegression(max_iter=2000), cv=3, chain_method="predict_proba"),
    "tree-proba": ClassifierChain(DecisionTreeClassifier(max_depth=5, random_state=0), chain_method="predict_proba"),
    "naive-bayes": ClassifierChain(GaussianNB(), order=[3, 1, 4, 0, 2]),
}


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("variant", CLASSIFIER_CHAINS)
def test_classifier_chain(all_datasets, export_load, name, variant):
    X, y, held_out = _standardised(all_datasets, name)
    model = clone(CLASSIFIER_CHAINS[variant]).fit(X, _multilabel(X, y))
    loaded = export_load(model)
    expected_methods = ["predict", "predict_proba"] + (["decision_function"] if hasattr(model, "decision_function") else [])
    assert sorted(loaded.methods) == sorted(expected_methods)
    for rows in (X, held_out):
        keep = _link_margins(model, rows) > ROBUST_MARGIN
        assert keep.mean() > 0.99
        assert_methods_match(model, loaded, rows[keep])
        for method in expected_methods[1:]:
            assert_proven(model, method, getattr(loaded, method)(rows), getattr(model, method)(rows))


def test_classifier_chain_over_multiclass_links_predicts(all_datasets, export_load):
    X, y, held_out = _standardised(all_datasets, "wine")
    Y = np.column_stack([y, (X[:, 0] > 0).astype(int), np.digitize(X[:, 3], [-0.5, 0.5])])
    model = ClassifierChain(DecisionTreeClassifier(max_depth=4, random_state=0), order=[2, 0, 1]).fit(X, Y)
    loaded = export_load(model)
    # scikit-learn's predict_proba cannot store a link's three probabilities in one column; predict can.
    assert sorted(loaded.methods) == ["predict"]
    for rows in (X, held_out):
        assert_proven(model, "predict", loaded.predict(rows), model.predict(rows))


def _regression_targets(all_datasets, name):
    """Inputs and several targets: a dataset's first columns predict its last ones (and diabetes' own target)."""
    X, y = all_datasets[name]
    X = StandardScaler().fit_transform(X)
    half = X.shape[1] // 2
    targets = [X[:, -1], X[:, -2], X[:, half]] + ([y / 100.0] if name == "diabetes" else [])
    return X[:, :half], np.column_stack(targets)


REGRESSOR_CHAINS = {
    "ridge": RegressorChain(Ridge(alpha=0.5)),
    "linear-reversed": RegressorChain(LinearRegression()),
    "tree-random-order": RegressorChain(DecisionTreeRegressor(max_depth=6, random_state=0), order="random", random_state=3),
    "ridge-cv": RegressorChain(Ridge(), cv=4),
}


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "diabetes", "digits"])
@pytest.mark.parametrize("variant", REGRESSOR_CHAINS)
def test_regressor_chain(all_datasets, export_load, name, variant):
    X, Y = _regression_targets(all_datasets, name)
    model = clone(REGRESSOR_CHAINS[variant])
    if variant.endswith("reversed"):
        model.set_params(order=list(reversed(range(Y.shape[1]))))
    model.fit(X, Y)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["predict"]
    for rows in (X, X + np.random.default_rng(1).normal(0.0, 0.1, X.shape)):
        assert_methods_match(model, loaded, rows)


def _decided_rows(model, X):
    """Rows whose nearest code no rounding decides: the squared distances to the nearest and the
    second-nearest distinct code differ by more than the rounding of the expanded form ‖s‖² − 2s·c + ‖c‖²
    (a hundred units in the last place of its terms), or every score is a multiple of 2⁻¹⁰ (a
    probability of 0, ½, 1 or a tree leaf's), so that every distance, expanded or not, is exact and
    equal codes tie exactly in both implementations, resolved to the first."""
    scores = np.array([_predict_binary(e, X) for e in model.estimators_], dtype=np.float64).T
    codes = np.unique(model.code_book_, axis=0)
    distances = np.sort(((scores[:, None, :] - codes[None, :, :]) ** 2).sum(axis=2), axis=1)
    terms = (scores**2).sum(axis=1) + (codes**2).sum(axis=1).max()
    margin = (distances[:, 1] - distances[:, 0]) / np.maximum(terms, 1.0) if len(codes) > 1 else np.inf
    exact = np.all(scores * 1024 == np.round(scores * 1024), axis=1)
    keep = (margin > CODE_MARGIN) | exact
    assert keep.mean() > 0.98
    return keep


OUTPUT_CODES = {
    "logistic": OutputCodeClassifier(LogisticRegression(max_iter=2000), code_size=2, random_state=0),
    "logistic-short": OutputCodeClassifier(LogisticRegression(max_iter=2000), code_size=0.7, random_state=1),
    "naive-bayes": OutputCodeClassifier(GaussianNB(), code_size=1.5, random_state=2),
    "tree": OutputCodeClassifier(DecisionTreeClassifier(max_depth=4, random_state=0), code_size=1.5, random_state=0),
    "logistic-long": OutputCodeClassifier(LogisticRegression(max_iter=2000), code_size=3, random_state=4),
}


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("variant", OUTPUT_CODES)
def test_output_code_classifier(all_datasets, export_load, name, variant):
    X, y, held_out = _standardised(all_datasets, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a tree's code column may hold one class
        model = clone(OUTPUT_CODES[variant]).fit(X, y)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["predict"]
    for rows in (X, held_out):
        keep = _decided_rows(model, rows)
        assert_methods_match(model, loaded, rows[keep])


def test_output_code_classifier_with_a_constant_code_column(all_datasets, export_load):
    X, y, held_out = _standardised(all_datasets, "iris")
    # With three classes and a random code book, some seeds give a column that is the same for every
    # class, which scikit-learn fits with a _ConstantPredictor.
    seed = next(s for s in range(100) if np.any(np.ptp(
        OutputCodeClassifier(GaussianNB(), code_size=2, random_state=s).fit(X[:6], np.repeat([0, 1, 2], 2)).code_book_, axis=0) == 0))
    model = OutputCodeClassifier(GaussianNB(), code_size=2, random_state=seed).fit(X, np.asarray(y).astype(str))
    assert any(isinstance(e, _ConstantPredictor) for e in model.estimators_)
    loaded = export_load(model)
    for rows in (X, held_out):
        keep = _decided_rows(model, rows)
        assert_proven(model, "predict", loaded.predict(rows[keep]), model.predict(rows[keep]))


def test_output_code_classifier_of_constant_estimators_is_refused(all_datasets, model_dir):
    X, y, _ = _standardised(all_datasets, "iris")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = OutputCodeClassifier(LogisticRegression(), random_state=0).fit(X, np.zeros(len(X), dtype=int))
    assert all(isinstance(e, _ConstantPredictor) for e in model.estimators_)
    with pytest.raises(UnsupportedModelError, match="constant"):
        mle_runtime.export_model(model, model_dir / "output_code_constant.mle")
