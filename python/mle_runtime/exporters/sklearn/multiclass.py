"""Converters for scikit-learn's OneVsRestClassifier, OneVsOneClassifier and OutputCodeClassifier over
any binary classifier.

This module owns the translation of the binary estimators' outputs into what `sklearn.multiclass`
computes from them: one-vs-rest scores, labels (the first maximum, or the threshold of a single
estimator, or the indicator rows of a multilabel problem) and row-normalised probabilities;
one-vs-one votes plus the confidences scikit-learn's `_ovr_decision_function` adds to break ties;
output codes, the class whose code-book row is nearest (scikit-learn's `pairwise_distances_argmin`,
Euclidean in its expanded form, the first of equals) to the estimators' scores.
Each binary estimator is converted by its registered converter, from the model's input as it is
(a Table of string and numeric columns included); over linear classifiers (see
linear.LINEAR_CLASSIFIERS) one-vs-rest stacks their coefficients into a single Gemm instead.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, SGDClassifier
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier, OutputCodeClassifier, _ConstantPredictor

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from .. import tables
from ..registry import ANYTHING, DECLARED, FLOAT64, IDENTICAL, register
from .common import class_labels, classifier_outputs, linear, normalized_rows, one_vs_rest_probabilities, require_finite
from .composition import (
    argmax,
    binary,
    binary_score,
    cast,
    column,
    convert,
    hstack,
    indicator,
    method_output,
    relabel,
    vector,
)
from .linear import LINEAR_CLASSIFIERS


def _has_logistic_proba(estimator) -> bool:
    """Whether the binary estimator's predict_proba is expit(decision_function), as for log loss."""
    if isinstance(estimator, (LogisticRegression, LogisticRegressionCV)):
        return True
    return isinstance(estimator, SGDClassifier) and estimator.loss == "log_loss"


def _threshold(estimator) -> float:
    """`_threshold_for_binary_predict`: 0 for a decision function, 0.5 for a probability."""
    return 0.0 if hasattr(estimator, "decision_function") and is_classifier(estimator) else 0.5


def _check_binary_classifiers(model) -> None:
    for e in model.estimators_:
        if not is_classifier(e):
            raise UnsupportedModelError(
                f"{type(model).__name__} over {type(e).__name__} cannot be exported: its estimators must be classifiers"
            )


@register(OneVsRestClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": IDENTICAL},
          composed=True, tables=True, note="over any binary classifier; multiclass, binary and multilabel targets")
def one_vs_rest(builder, model, x):
    if all(type(e) in LINEAR_CLASSIFIERS for e in model.estimators_) and model.label_binarizer_.y_type_ != "multilabel-indicator":
        return _one_vs_rest_linear(builder, model, x)
    _check_binary_classifiers(model)
    multilabel = model.label_binarizer_.y_type_ == "multilabel-indicator"
    first = model.estimators_[0]
    converted = [convert(builder, e, x, model) for e in model.estimators_]
    scores = [binary_score(builder, o, e, model) for o, e in zip(converted, model.estimators_)]
    outputs = {}
    threshold = builder.add_constant("threshold", np.float64(_threshold(first)))
    if multilabel:
        stacked = hstack(builder, scores)
        positive = Value(builder.add_node("Greater", [stacked.name, threshold], builder.unique_name("positive")), "bool", stacked.shape)
        outputs["label"] = cast(builder, positive, "int64")
        # The predictions are indicator rows, not labels.
        builder.class_labels = None
    elif len(scores) == 1:
        positive = Value(builder.add_node("Greater", [scores[0].name, threshold], builder.unique_name("positive")), "bool", (BATCH,))
        outputs["label"] = relabel(builder, positive, class_labels(builder, model.classes_), builder.class_labels[0])
    else:
        # The first estimator with the highest score, as the reversed scan of scikit-learn's predict.
        outputs["label"] = relabel(builder, argmax(builder, hstack(builder, scores)), class_labels(builder, model.classes_),
                                   builder.class_labels[0])
    if hasattr(model, "decision_function"):
        decisions = [method_output(o, e, "decision_function", model) for o, e in zip(converted, model.estimators_)]
        outputs["scores"] = decisions[0] if len(decisions) == 1 else hstack(builder, [vector(builder, d) for d in decisions])
    if hasattr(model, "predict_proba"):
        positives = [column(builder, method_output(o, e, "predict_proba", model), 1) for o, e in zip(converted, model.estimators_)]
        if len(positives) == 1:
            positives.insert(0, binary(builder, "Sub", 1.0, positives[0], "complement"))
        stacked = hstack(builder, positives)
        outputs["probabilities"] = stacked if multilabel else normalized_rows(builder, stacked)
    return outputs


def _one_vs_rest_linear(builder, model, x):
    # Stacking the binary estimators' coefficients gives each class's decision_function as a column,
    # which is what OneVsRestClassifier.decision_function returns; its predict is the first argmax
    # of those columns (or `> 0` with a single estimator), as LinearClassifierMixin's is.
    estimators = model.estimators_
    coef = np.vstack([np.asarray(e.coef_, dtype=np.float64).reshape(1, -1) for e in estimators])
    intercept = np.concatenate([np.asarray(e.intercept_, dtype=np.float64).reshape(-1) for e in estimators])
    # The estimators' own input validation, which the shortcut past their converters would skip.
    checked = require_finite(builder, estimators[0], tables.matrix(builder, x, "OneVsRestClassifier"), DECLARED)
    raw = linear(builder, checked, coef, intercept)
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


@register(OneVsOneClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "decision_function": IDENTICAL}, composed=True, tables=True,
          note="over any binary classifier; votes plus scikit-learn's normalised confidences")
def one_vs_one(builder, model, x):
    if model.pairwise_indices_ is not None:
        raise UnsupportedModelError("OneVsOneClassifier over an estimator with a precomputed kernel (pairwise) cannot be exported")
    _check_binary_classifiers(model)
    n_classes = len(model.classes_)
    pairs = [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]
    converted = [convert(builder, e, x, model) for e in model.estimators_]
    # Each pairwise estimator was fitted on 0 (class i) and 1 (class j); votes[:, i] counts its 0s,
    # votes[:, j] its 1s. The counts are small integers, exact in any order of summation.
    ballots = hstack(builder, [indicator(builder, method_output(o, e, "predict", model), np.array([0, 1]), 1.0, 0.0)
                               for o, e in zip(converted, model.estimators_)])
    tally = np.zeros((2 * len(pairs), n_classes))
    for k, (i, j) in enumerate(pairs):
        tally[2 * k, i] = 1.0
        tally[2 * k + 1, j] = 1.0
    votes = Value(builder.add_node("MatMul", [ballots.name, builder.add_constant("tally", tally)], builder.unique_name("votes")),
                  "float64", (BATCH, n_classes))
    confidences = [binary_score(builder, o, e, model) for o, e in zip(converted, model.estimators_)]
    # sum_of_confidences[:, i] −= c_k and [:, j] += c_k, pair by pair, each column in pair order.
    sums = []
    for c in range(n_classes):
        total = None
        for k, (i, j) in enumerate(pairs):
            if c not in (i, j):
                continue
            term = confidences[k]
            if total is None:
                total = term if c == j else Value(builder.add_node("Neg", [term.name], builder.unique_name("negated")), "float64", (BATCH,))
            else:
                total = binary(builder, "Add" if c == j else "Sub", total, term, "confidence")
        sums.append(total)
    confidence = hstack(builder, sums)
    # votes + s / (3 · (|s| + 1))
    magnitude = Value(builder.add_node("Abs", [confidence.name], builder.unique_name("magnitude")), "float64", confidence.shape)
    scale = binary(builder, "Mul", binary(builder, "Add", magnitude, 1.0, "magnitude"), 3.0, "scale")
    decision = binary(builder, "Add", votes, binary(builder, "Div", confidence, scale, "transformed"), "decision")
    labels = class_labels(builder, model.classes_)
    if n_classes == 2:
        scores = column(builder, decision, 1)
        threshold = builder.add_constant("threshold", np.float64(_threshold(model.estimators_[0])))
        positive = Value(builder.add_node("Greater", [scores.name, threshold], builder.unique_name("positive")), "bool", (BATCH,))
        return {"scores": scores, "label": relabel(builder, positive, labels, builder.class_labels[0])}
    return {"scores": decision, "label": relabel(builder, argmax(builder, decision), labels, builder.class_labels[0])}


def _code_scores(builder, model, x) -> list[Value | float]:
    """scikit-learn's `_predict_binary` of each estimator: its decision values or its second class's
    probability, or the label a `_ConstantPredictor` (fitted where a code column held one value) repeats."""
    scores = []
    for estimator in model.estimators_:
        if isinstance(estimator, _ConstantPredictor):
            scores.append(float(np.asarray(estimator.y_).reshape(-1)[0]))
        else:
            scores.append(binary_score(builder, convert(builder, estimator, x, model), estimator, model))
    return scores


@register(OutputCodeClassifier, missing=ANYTHING, methods={"predict": IDENTICAL}, composed=True, tables=True,
          note="over any binary classifier; rows whose two nearest codes rounding decides may differ from "
               "scikit-learn by CPU, as for brute-force euclidean neighbours")
def output_code(builder, model, x):
    scores = _code_scores(builder, model, x)
    varying = next((s for s in scores if isinstance(s, Value)), None)
    if varying is None:
        raise UnsupportedModelError("OutputCodeClassifier whose every estimator is constant (each code column held one value "
                                    "at fit, as with a single class) cannot be exported: its input decides nothing")
    # A constant estimator's column is 0 · (a varying score) + its value, which is exact for finite scores.
    zeros = binary(builder, "Mul", varying, 0.0, "zero_score")
    stacked = hstack(builder, [s if isinstance(s, Value) else binary(builder, "Add", zeros, s, "constant_score") for s in scores])
    code_book = np.asarray(model.code_book_, dtype=np.float64)
    _, nearest = builder.add_node(
        "Neighbors", [stacked.name, builder.add_constant("code_book", code_book)],
        [builder.unique_name("code_distance"), builder.unique_name("nearest_code")],
        metric="euclidean", p=2.0, algorithm="brute", expanded=1, k=1,
    )
    index = vector(builder, Value(nearest, "int64", (BATCH, 1)))
    return {"label": relabel(builder, index, class_labels(builder, model.classes_), builder.class_labels[0])}
