"""Converter for scikit-learn's OneVsRestClassifier over binary linear classifiers.

This module owns the translation of a fitted `OneVsRestClassifier` whose `estimators_` are linear
classifiers (see sklearn_linear.LINEAR_CLASSIFIERS): the per-class scores become one Gemm over the
stacked coefficients, followed by the heads scikit-learn's `multiclass.py` computes. It must not
accept multilabel targets or other base estimators, whose semantics it does not reproduce.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, SGDClassifier
from sklearn.multiclass import OneVsRestClassifier

from ..errors import UnsupportedModelError
from .registry import FLOAT64, IDENTICAL, register
from .sklearn_common import classifier_outputs, linear, one_vs_rest_probabilities
from .sklearn_linear import LINEAR_CLASSIFIERS


def _has_logistic_proba(estimator) -> bool:
    """Whether the binary estimator's predict_proba is expit(decision_function), as for log loss."""
    if isinstance(estimator, (LogisticRegression, LogisticRegressionCV)):
        return True
    return isinstance(estimator, SGDClassifier) and estimator.loss == "log_loss"


@register(OneVsRestClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64},
          note="over linear classifiers; predict_proba when they are logistic")
def one_vs_rest(builder, model, x):
    if model.label_binarizer_.y_type_ not in ("binary", "multiclass"):
        raise UnsupportedModelError(f"OneVsRestClassifier fitted on {model.label_binarizer_.y_type_} targets cannot be exported yet")
    estimators = model.estimators_
    for e in estimators:
        if type(e) not in LINEAR_CLASSIFIERS:
            supported = ", ".join(c.__name__ for c in LINEAR_CLASSIFIERS)
            raise UnsupportedModelError(
                f"OneVsRestClassifier over {type(e).__name__} cannot be exported; supported base estimators: {supported}"
            )
    # Stacking the binary estimators' coefficients gives each class's decision_function as a column,
    # which is what OneVsRestClassifier.decision_function returns; its predict is the first argmax
    # of those columns (or `> 0` with a single estimator), as LinearClassifierMixin's is.
    coef = np.vstack([np.asarray(e.coef_, dtype=np.float64).reshape(1, -1) for e in estimators])
    intercept = np.concatenate([np.asarray(e.intercept_, dtype=np.float64).reshape(-1) for e in estimators])
    raw = linear(builder, x, coef, intercept)
    outputs = classifier_outputs(builder, raw, model.classes_)
    if all(_has_logistic_proba(e) for e in estimators):
        outputs["probabilities"] = one_vs_rest_probabilities(builder, raw)
    elif hasattr(model, "predict_proba"):
        warnings.warn(
            f"OneVsRestClassifier over {type(estimators[0]).__name__}: predict_proba is not exported (only "
            "logistic probabilities are); the exported model has predict and decision_function",
            stacklevel=2,
        )
    return outputs
