"""NaN and infinity, estimator by estimator, against scikit-learn's own behaviour: where the fitted
scikit-learn model refuses a row holding NaN (or infinity), the exported one raises InputError naming
the columns and rows; where scikit-learn takes it, so does the export, with the same outputs.

Every scikit-learn estimator the registry converts is fitted the way scikit-learn's own test suite
builds it (`_construct_instances`), on iris (classifiers, transformers, clusterers) or diabetes
(regressors)."""

from __future__ import annotations

import warnings

import mle_runtime
import numpy as np
import pytest
from conftest import assert_proven
from mle_runtime import InputError
from mle_runtime.exporters import registry
from sklearn.base import clone, is_regressor
from sklearn.datasets import load_diabetes, load_iris
from sklearn.decomposition import SparseCoder
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils._test_common.instance_generator import _construct_instances

METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform", "score_samples")

# Estimators that do not read a feature matrix (a kernel matrix, target labels, text documents:
# test_sklearn_text.py holds the vectorizers to scikit-learn's refusal of NaN and None documents).
_NOT_ON_FEATURES = {"KernelCenterer", "LabelEncoder", "LabelBinarizer", "CountVectorizer", "TfidfVectorizer", "HashingVectorizer"}
# Fitted on targets other than iris's three classes or diabetes's one column.
_BINARY = {"FixedThresholdClassifier", "TunedThresholdClassifierCV"}
_MULTI_OUTPUT = {"MultiOutputClassifier", "MultiOutputRegressor", "ClassifierChain", "RegressorChain", "MultiTaskLasso", "MultiTaskElasticNet", "MultiTaskLassoCV",
                 "MultiTaskElasticNetCV"}


def _sklearn_classes():
    registry._load("sklearn")
    return sorted((c for c in registry._CONVERTERS if c.__module__.startswith("sklearn")), key=lambda c: c.__name__)


# scikit-learn's test instances that the exporter refuses for another reason (random or sparse outputs).
_CONVERTIBLE = {"DummyClassifier": {"strategy": "prior"}, "KBinsDiscretizer": {"encode": "onehot-dense"},
                "OneHotEncoder": {"sparse_output": False}, "LocalOutlierFactor": {"novelty": True},
                "RandomTreesEmbedding": {"sparse_output": False}, "DictionaryLearning": {"transform_algorithm": "threshold"},
                "MiniBatchDictionaryLearning": {"transform_algorithm": "threshold"}}


def _instance(cls):
    if cls is SparseCoder:
        return SparseCoder(np.random.default_rng(0).normal(size=(5, 4)), transform_algorithm="threshold")
    if cls is FrozenEstimator:
        X, y = load_iris(return_X_y=True)
        return FrozenEstimator(LogisticRegression(max_iter=300).fit(X, y))
    return clone(next(iter(_construct_instances(cls)))).set_params(**_CONVERTIBLE.get(cls.__name__, {}))


def _fitted(cls):
    model = _instance(cls)
    X, y = load_diabetes(return_X_y=True) if is_regressor(model) else load_iris(return_X_y=True)
    name = cls.__name__
    if name in _BINARY:
        y = (y > 0).astype(int)
    elif name in _MULTI_OUTPUT:
        y = np.column_stack([y, y[::-1]])
    elif name == "IsotonicRegression":
        X = X[:, :1]
    if cls is not FrozenEstimator:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
    return model, X


def _outcome(call):
    """("refused", None) when the call raises ValueError, else ("taken", its output)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "taken", call()
    except ValueError as exc:
        return "refused", exc


@pytest.mark.parametrize("cls", [c for c in _sklearn_classes() if c.__name__ not in _NOT_ON_FEATURES], ids=lambda c: c.__name__)
def test_nan_and_infinity_are_refused_exactly_where_scikit_learn_refuses_them(cls, model_dir):
    model, X = _fitted(cls)
    path = model_dir / f"missing_{cls.__name__}.mle"
    mle_runtime.export_model(model, path)
    loaded = mle_runtime.load_model(path)
    methods = [m for m in METHODS if m in registry.support_of(cls).methods and hasattr(model, m) and hasattr(loaded, m)]
    assert methods
    for value, kind in ((np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")):
        rows = X[:4].copy()
        rows[2, min(1, X.shape[1] - 1)] = value
        for method in methods:
            expected, framework_result = _outcome(lambda: getattr(model, method)(rows))
            actual, ours = _outcome(lambda: getattr(loaded, method)(rows))
            assert actual == expected, f"{cls.__name__}.{method} on {kind}: scikit-learn {expected} it ({framework_result}), the export {actual} it ({ours})"
            if expected == "refused":
                assert isinstance(ours, InputError), repr(ours)
                # The engine's own check names the kind of value and the rows; an encoder's names the category.
                if str(ours).startswith("input contains"):
                    assert kind in str(ours) and "rows 2 of the input" in str(ours), str(ours)
            elif not isinstance(framework_result, list):
                assert_proven(model, method, ours, framework_result)
