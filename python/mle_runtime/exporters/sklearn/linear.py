"""Converters for scikit-learn's linear models: regressors and linear classifiers.

This module owns one converter per family of `sklearn.linear_model` / `sklearn.svm` linear
estimators whose prediction is `X·coef_ᵀ + intercept_` followed by a head (nothing, labels,
probabilities), reproducing what each class's predict, decision_function and predict_proba return.
It registers converters only; graph fragments shared with other converters live in common.
"""

from __future__ import annotations

import warnings

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
from sklearn.svm import LinearSVC, LinearSVR

from ...errors import UnsupportedModelError
from ..registry import FLOAT64, IDENTICAL, register
from .common import (
    classifier_outputs,
    column_to_vector,
    linear,
    ovr_probabilities,
    softmax_probabilities,
)

# Binary members of these have coef_ of shape (1, n_features) and are what OneVsRestClassifier
# may wrap; see multiclass.
LINEAR_CLASSIFIERS = (
    LogisticRegression,
    LogisticRegressionCV,
    LinearSVC,
    SGDClassifier,
    RidgeClassifier,
    RidgeClassifierCV,
    Perceptron,
)


@register(LinearRegression, Ridge, RidgeCV, Lasso, LassoCV, ElasticNet, ElasticNetCV, LinearSVR, SGDRegressor,
          methods={"predict": FLOAT64})
def linear_regressor(builder, model, x):
    raw = linear(builder, x, model.coef_, model.intercept_)
    # scikit-learn returns (n,) for a 1-D coef_ and (n, n_targets) otherwise, even for one target.
    return {"variable": column_to_vector(builder, raw) if model.coef_.ndim == 1 else raw}


@register(LogisticRegression, LogisticRegressionCV,
          methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64})
def logistic_regression(builder, model, x):
    raw = linear(builder, x, model.coef_, model.intercept_)
    outputs = classifier_outputs(builder, raw, model.classes_)
    if len(model.classes_) <= 2:
        outputs["probabilities"] = ovr_probabilities(builder, raw)
    else:
        outputs["probabilities"] = softmax_probabilities(builder, raw)
    return outputs


@register(SGDClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64},
          note="predict_proba for loss='log_loss' only")
def sgd_classifier(builder, model, x):
    raw = linear(builder, x, model.coef_, model.intercept_)
    outputs = classifier_outputs(builder, raw, model.classes_)
    if model.loss == "log_loss":
        outputs["probabilities"] = ovr_probabilities(builder, raw)
    elif model.loss == "modified_huber":
        warnings.warn(
            "SGDClassifier(loss='modified_huber'): predict_proba is not exported (it needs clipping, which "
            "operator set 1 lacks); the exported model has predict and decision_function",
            stacklevel=2,
        )
    return outputs


@register(LinearSVC, RidgeClassifier, RidgeClassifierCV, Perceptron, methods={"predict": IDENTICAL, "decision_function": FLOAT64})
def linear_classifier(builder, model, x):
    binarizer = getattr(model, "_label_binarizer", None)
    if binarizer is not None and binarizer.y_type_.startswith("multilabel"):
        raise UnsupportedModelError(f"{type(model).__name__} fitted on multilabel targets cannot be exported yet")
    return classifier_outputs(builder, linear(builder, x, model.coef_, model.intercept_), model.classes_)
