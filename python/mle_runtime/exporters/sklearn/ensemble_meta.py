"""Converters for scikit-learn's ensembles of arbitrary estimators: voting, stacking, bagging, AdaBoost.

This module owns how each of these combines its fitted estimators' outputs, reproducing the order of
operations of `sklearn.ensemble`'s own code (weighted averages summed estimator by estimator, votes
as indicator rows, SAMME's decision function, AdaBoost.R2's weighted median). Each estimator is
converted by the converter the registry holds for it, so any registered estimator can be a member.
Each converter takes its input as it is, a matrix or a Table of string and numeric columns, and
hands it on to its estimators (bagging: the columns each estimator reads), so that an ensemble of
pipelines over a ColumnTransformer reads a mixed DataFrame. Shared fragments live in
composition.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from .. import columns, tables
from ..registry import ANYTHING, FINITE, FLOAT64, IDENTICAL, register
from .common import class_labels
from .composition import (
    argmax,
    binary,
    cast,
    as_column,
    column,
    convert,
    hstack,
    indicator,
    method_output,
    relabel,
    running_sum,
    vector,
)


def _weighted_average(builder, values, weights, axis):
    """np.average of the estimators' outputs stacked along `axis` (0 for VotingClassifier's
    (m, N, K) probabilities, 1 for VotingRegressor's (N, m) predictions), which numpy sums estimator
    by estimator: Σ v·w / Σ w with weights, Σ v / m without."""
    if weights is None:
        return binary(builder, "Div", running_sum(builder, values), float(len(values)), "average")
    # Σ w as np.average computes it for that layout, so that the divisor is the same float.
    layout = (len(weights), 1, 1) if axis == 0 else (1, len(weights))
    _, total = np.average(np.ones(layout), axis=axis, weights=np.asarray(weights), returned=True)
    products = [binary(builder, "Mul", v, float(w), "weighted") for v, w in zip(values, weights)]
    return binary(builder, "Div", running_sum(builder, products), float(np.asarray(total).reshape(-1)[0]), "average")


def _encoded_labels(builder, model, index):
    """classes_[index] with classes_ as the model's labels."""
    labels = class_labels(builder, model.classes_)
    return relabel(builder, index, labels, builder.class_labels[0])


@register(VotingClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL, "transform": IDENTICAL}, composed=True,
          tables=True, note="hard and soft voting, weights, dropped estimators; transform needs flatten_transform=True for soft voting")
def voting_classifier(builder, model, x):
    # The estimators were fitted on le_-encoded labels 0..K-1, which are their predictions.
    encoded = np.arange(len(model.classes_))
    weights = model._weights_not_none
    outputs = {}
    if model.voting == "soft":
        probabilities = [method_output(convert(builder, e, x, model), e, "predict_proba", model) for e in model.estimators_]
        outputs["probabilities"] = _weighted_average(builder, probabilities, weights, axis=0)
        index = argmax(builder, outputs["probabilities"])
        if model.flatten_transform:
            outputs["transformed"] = hstack(builder, probabilities)
        else:
            warnings.warn("VotingClassifier(flatten_transform=False): transform returns a 3-D array, which is not exported; "
                          "the exported model has predict and predict_proba", stacklevel=2)
    else:
        labels = [method_output(convert(builder, e, x, model), e, "predict", model) for e in model.estimators_]
        # np.bincount(predictions, weights): each estimator adds its weight to the class it predicts.
        votes = [indicator(builder, label, encoded, 1.0 if weights is None else float(w), 0.0)
                 for label, w in zip(labels, weights or [None] * len(labels))]
        index = argmax(builder, running_sum(builder, votes))
        outputs["transformed"] = hstack(builder, labels)
    outputs["label"] = _encoded_labels(builder, model, index)
    return outputs


@register(VotingRegressor, missing=ANYTHING, methods={"predict": IDENTICAL, "transform": IDENTICAL}, composed=True, tables=True,
          note="weights, dropped estimators")
def voting_regressor(builder, model, x):
    predictions = [vector(builder, method_output(convert(builder, e, x, model), e, "predict", model)) for e in model.estimators_]
    return {
        "variable": _weighted_average(builder, predictions, model._weights_not_none, axis=1),
        "transformed": hstack(builder, predictions),
    }


@columns.kinds(StackingClassifier, StackingRegressor)
def _stacking_kinds(model, n: int) -> list:
    """The estimators read X; with passthrough, the final estimator reads it too, as its last n columns."""
    found = columns.merge(*(columns.input_kinds(e, n) for e in model.estimators_))
    if model.passthrough:
        final = model.final_estimator_
        found = columns.merge(found, columns.input_kinds(final, final.n_features_in_)[-n:])
    return found


def _stacked_features(builder, model, x, classifier):
    """StackingClassifier/Regressor.transform: each estimator's stack_method output as columns (a
    binary problem's probabilities without their first column), then X when passthrough. As
    np.hstack, integer predictions (encoded labels) become float64 beside float columns; string
    columns of X make a Table, which the final estimator reads column by column."""
    features = []
    for estimator, method in zip(model.estimators_, model.stack_method_):
        value = method_output(convert(builder, estimator, x, model), estimator, method, model)
        if method == "predict_proba" and classifier and len(model.classes_) == 2:
            value = tables.select(builder, value, range(1, value.shape[1]))
        features.append(as_column(builder, value))
    if model.passthrough:
        features.append(x)
    return tables.hstack(builder, features)


def _final_outputs(builder, model, stacked):
    """The final estimator's outputs on the stacked features (which it reads as float64)."""
    final = model.final_estimator_
    return convert(builder, final, stacked if isinstance(stacked, tables.Table) else cast(builder, stacked, "float64"), model)


@register(StackingClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL, "decision_function": IDENTICAL,
                                       "transform": IDENTICAL}, composed=True,
          tables=True, note="stack_method auto, predict_proba, decision_function, predict; passthrough; the methods of its final estimator")
def stacking_classifier(builder, model, x):
    if isinstance(model.classes_, list):
        raise UnsupportedModelError("StackingClassifier fitted on multilabel targets cannot be exported")
    stacked = _stacked_features(builder, model, x, classifier=True)
    final = _final_outputs(builder, model, stacked)
    outputs = {"transformed": stacked}
    for method, role in (("predict_proba", "probabilities"), ("decision_function", "scores")):
        if hasattr(model, method):
            outputs[role] = method_output(final, model.final_estimator_, method, model)
    # The final estimator predicts the encoded labels 0..K-1, which index classes_.
    encoded = method_output(final, model.final_estimator_, "predict", model)
    outputs["label"] = _encoded_labels(builder, model, cast(builder, encoded, "int64"))
    return outputs


@register(StackingRegressor, missing=ANYTHING, methods={"predict": IDENTICAL, "transform": IDENTICAL}, composed=True, tables=True, note="passthrough")
def stacking_regressor(builder, model, x):
    stacked = _stacked_features(builder, model, x, classifier=False)
    final = _final_outputs(builder, model, stacked)
    return {"transformed": stacked, "variable": method_output(final, model.final_estimator_, "predict", model)}


@columns.kinds(BaggingClassifier, BaggingRegressor)
def _bagging_kinds(model, n: int) -> list:
    """Each estimator reads its feature subset (a column drawn twice is read twice)."""
    return columns.merge(*(columns.spread(columns.input_kinds(e, len(features)), features, n)
                           for e, features in zip(model.estimators_, model.estimators_features_)))


def _bagged_inputs(builder, model, x):
    """X[:, features] for each estimator's feature subset."""
    return [tables.select(builder, x, features) for features in model.estimators_features_]


def _bagged_probabilities(builder, model, estimator, outputs):
    """One estimator's share of `_parallel_predict_proba`: its probabilities spread onto the
    ensemble's classes, or, without predict_proba, a vote for the class it predicts."""
    n_classes = model.n_classes_
    if not hasattr(estimator, "predict_proba"):
        label = method_output(outputs, estimator, "predict", model)
        return indicator(builder, label, np.arange(n_classes), 1.0, 0.0)
    proba = method_output(outputs, estimator, "predict_proba", model)
    if len(estimator.classes_) == n_classes:
        return proba
    # A bootstrap sample that missed classes: proba[:, classes_] += p. Multiplying by a 0/1 matrix
    # moves each (finite) probability to its column exactly.
    spread = np.zeros((len(estimator.classes_), n_classes))
    spread[np.arange(len(estimator.classes_)), np.asarray(estimator.classes_, dtype=np.int64)] = 1.0
    out = builder.add_node("MatMul", [proba.name, builder.add_constant("spread", spread)], builder.unique_name("spread"))
    return Value(out, "float64", (BATCH, n_classes))


@register(BaggingClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64}, composed=True,
          tables=True, note="feature subsets; voting when the estimator has no predict_proba")
def bagging_classifier(builder, model, x):
    converted = [convert(builder, e, xi, model) for e, xi in zip(model.estimators_, _bagged_inputs(builder, model, x))]
    # Summed estimator by estimator, as one job of scikit-learn's does (n_jobs > 1 sums per job).
    shares = [_bagged_probabilities(builder, model, e, o) for e, o in zip(model.estimators_, converted)]
    proba = binary(builder, "Div", running_sum(builder, shares), float(model.n_estimators), "mean")
    outputs = {"probabilities": proba, "label": _encoded_labels(builder, model, argmax(builder, proba))}
    if hasattr(model, "decision_function"):
        decisions = [method_output(o, e, "decision_function", model) for e, o in zip(model.estimators_, converted)]
        if len({d.shape for d in decisions}) == 1:
            outputs["scores"] = binary(builder, "Div", running_sum(builder, decisions), float(model.n_estimators), "mean")
        else:
            warnings.warn("BaggingClassifier: its estimators saw different classes, so their decision functions have different "
                          "shapes and scikit-learn's own decision_function fails; the exported model has predict and predict_proba",
                          stacklevel=2)
    return outputs


@register(BaggingRegressor, missing=ANYTHING, methods={"predict": FLOAT64}, composed=True, tables=True, note="feature subsets")
def bagging_regressor(builder, model, x):
    predictions = [method_output(convert(builder, e, xi, model), e, "predict", model)
                   for e, xi in zip(model.estimators_, _bagged_inputs(builder, model, x))]
    return {"variable": binary(builder, "Div", running_sum(builder, predictions), float(model.n_estimators), "mean")}


@register(AdaBoostClassifier, missing=FINITE, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": IDENTICAL}, composed=True,
          tables=True, note="SAMME")
def adaboost_classifier(builder, model, x):
    n_classes = model.n_classes_
    if n_classes < 2:
        raise UnsupportedModelError("AdaBoostClassifier fitted on a single class cannot be exported")
    # decision_function: Σ where(prediction == class, w, −w / (K − 1)) / Σ weights, estimator by estimator.
    votes = []
    for estimator, weight in zip(model.estimators_, model.estimator_weights_):
        label = method_output(convert(builder, estimator, x, model), estimator, "predict", model)
        votes.append(indicator(builder, label, model.classes_, float(weight), float(-1 / (n_classes - 1) * weight)))
    pred = binary(builder, "Div", running_sum(builder, votes), float(model.estimator_weights_.sum()), "decision")
    labels = class_labels(builder, model.classes_)
    label_dtype = builder.class_labels[0]
    if n_classes == 2:
        # pred[:, 0] *= −1; pred.sum(axis=1), which is pred[:, 1] − pred[:, 0] exactly.
        scores = binary(builder, "Sub", column(builder, pred, 1), column(builder, pred, 0), "decision")
        positive = Value(builder.add_node("Greater", [scores.name, builder.add_constant("zero", np.float64(0.0))],
                                          builder.unique_name("positive")), "bool", (BATCH,))
        # predict_proba: softmax of [−d, d] / 2.
        logits = hstack(builder, [Value(builder.add_node("Neg", [scores.name], builder.unique_name("negated")), "float64", (BATCH,)), scores])
        logits = binary(builder, "Div", logits, 2.0, "logits")
        label = relabel(builder, positive, labels, label_dtype)
    else:
        scores = pred
        logits = binary(builder, "Div", pred, float(n_classes - 1), "logits")
        label = relabel(builder, argmax(builder, pred), labels, label_dtype)
    proba = builder.add_node("Softmax", [logits.name], builder.unique_name("probabilities"), axis=-1)
    return {"scores": scores, "label": label, "probabilities": Value(proba, "float64", (BATCH, n_classes))}


@register(AdaBoostRegressor, missing=FINITE, methods={"predict": IDENTICAL}, composed=True, tables=True,
          note="the weighted median of the estimators' predictions; equal predictions are ordered by estimator")
def adaboost_regressor(builder, model, x):
    predictions = [method_output(convert(builder, e, x, model), e, "predict", model) for e in model.estimators_]
    weights = np.asarray(model.estimator_weights_[: len(model.estimators_)], dtype=np.float64)
    stacked = hstack(builder, predictions)
    out = builder.add_node("WeightedMedian", [stacked.name, builder.add_constant("estimator_weights", weights)],
                           builder.unique_name("median"))
    return {"variable": Value(out, "float64", (BATCH,))}

