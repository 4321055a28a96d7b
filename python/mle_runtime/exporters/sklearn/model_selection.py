"""Converters for scikit-learn's model-selection wrappers and baseline estimators: fitted searches
(GridSearchCV, RandomizedSearchCV and the successive-halving searches), decision-threshold
classifiers (FixedThresholdClassifier, TunedThresholdClassifierCV), SelfTrainingClassifier, and
DummyClassifier and DummyRegressor.

This module owns what these wrappers add to the estimator they hold: a search predicts with its
refitted `best_estimator_`; a threshold classifier compares its estimator's positive-class score
(probability or decision, as scikit-learn's `_get_response_values_binary` picks and signs it) with
its threshold; a dummy estimator's outputs are constants. It must not convert the inner estimators
itself (their registered converters do), and it refuses what is random at inference (a dummy
classifier's stratified and uniform strategies) or was never refitted.
"""

from __future__ import annotations

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import (
    FixedThresholdClassifier,
    GridSearchCV,
    RandomizedSearchCV,
    TunedThresholdClassifierCV,
)
from sklearn.model_selection._search_successive_halving import HalvingGridSearchCV, HalvingRandomSearchCV
from sklearn.semi_supervised import SelfTrainingClassifier

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from ..registry import ANYTHING, FLOAT64, IDENTICAL, register
from .common import class_labels
from .composition import (
    argmax,
    as_column,
    column,
    convert,
    label_constant,
    method_output,
    relabel,
    vector,
    zeros_like,
)

_EVERY_METHOD = {"predict": IDENTICAL, "predict_proba": IDENTICAL, "predict_log_proba": IDENTICAL, "decision_function": IDENTICAL,
                 "transform": IDENTICAL}


@register(GridSearchCV, RandomizedSearchCV, HalvingGridSearchCV, HalvingRandomSearchCV, missing=ANYTHING, methods=_EVERY_METHOD, composed=True,
          tables=True, note="the methods of its refitted best_estimator_ (refit=True, the default)")
def search(builder, model, x):
    return convert(builder, model.best_estimator_, x, model)


@register(SelfTrainingClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL, "predict_log_proba": IDENTICAL,
                                           "decision_function": IDENTICAL}, composed=True, tables=True,
          note="the methods of its final estimator_")
def self_training(builder, model, x):
    return convert(builder, model.estimator_, x, model)


@register(FixedThresholdClassifier, TunedThresholdClassifierCV, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL,
                                                                        "predict_log_proba": IDENTICAL, "decision_function": IDENTICAL},
          composed=True, tables=True,
          note="predict compares the estimator's positive-class probability or decision with the threshold, as scikit-learn; "
               "the other methods are the estimator's")
def threshold_classifier(builder, model, x):
    estimator = model.estimator_
    outputs = convert(builder, estimator, x, model)
    method = _response_method(model, estimator)
    classes = list(model.classes_)
    if isinstance(model, TunedThresholdClassifierCV):
        pos_label, threshold = model._curve_scorer._get_pos_label(), float(model.best_threshold_)
    else:
        pos_label = model.pos_label
        threshold = float(model.threshold if model.threshold != "auto" else 0.5 if method == "predict_proba" else 0.0)
    positive = classes[-1] if pos_label is None else pos_label
    if positive not in classes:
        raise UnsupportedModelError(f"{type(model).__name__} has pos_label={pos_label!r}, not one of its classes {classes}")
    score = method_output(outputs, estimator, method, model)
    if method == "predict_proba":
        score = column(builder, score, classes.index(positive))
    else:
        score = vector(builder, score)
        if positive == classes[0]:
            score = Value(builder.add_node("Neg", [score.name], builder.unique_name("negated")), "float64", score.shape)
    above = Value(builder.add_node("GreaterOrEqual", [score.name, builder.add_constant("threshold", np.float64(threshold))],
                                   builder.unique_name("above_threshold")), "bool", (BATCH,))
    # scikit-learn maps False/True to the classes' first/second entries, or to the other class and
    # pos_label's when one is given.
    order = [0, 1] if pos_label is None else [classes.index(next(c for c in classes if c != pos_label)), classes.index(pos_label)]
    labels, dtype = label_constant(builder, [classes[i] for i in order])
    computed = {role: value for role, value in outputs.items() if role in ("probabilities", "log_probabilities", "scores")}
    computed["label"] = relabel(builder, above, labels, dtype)
    return computed


def _response_method(model, estimator) -> str:
    """The method scikit-learn's threshold classifier reads: the first of its response methods the estimator has."""
    wanted = model._get_response_method()
    candidates = [wanted] if isinstance(wanted, str) else list(wanted)
    for method in candidates:
        if hasattr(estimator, method):
            return method
    raise UnsupportedModelError(f"{type(model).__name__}'s estimator has none of {candidates}")


def _broadcast(builder, x: Value, row: np.ndarray, hint: str) -> Value:
    """The constant `row` repeated for each input row: [N, len(row)]."""
    zeros = as_column(builder, zeros_like(builder, column(builder, x, 0)))
    out = builder.add_node("Add", [zeros.name, builder.add_constant(hint, np.asarray(row, dtype=np.float64))], builder.unique_name(hint))
    return Value(out, "float64", (BATCH, len(row)))


@register(DummyClassifier, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL}, missing=ANYTHING,
          note="strategies prior, most_frequent and constant (stratified and uniform draw at random, and are refused); one output")
def dummy_classifier(builder, model, x):
    if model.strategy not in ("prior", "most_frequent", "constant"):
        raise UnsupportedModelError(f"DummyClassifier(strategy={model.strategy!r}) draws its predictions at random, which no model "
                                    "file reproduces; supported strategies: prior, most_frequent, constant")
    if model.n_outputs_ != 1:
        raise UnsupportedModelError("DummyClassifier fitted on several target columns cannot be exported; fit one per column")
    classes = list(model.classes_)
    prior = np.asarray(model.class_prior_, dtype=np.float64)
    if model.strategy == "prior":
        row = prior
    else:
        chosen = classes.index(model.constant) if model.strategy == "constant" else int(np.argmax(prior))
        row = np.eye(len(classes))[chosen]
    probabilities = _broadcast(builder, x, row, "probabilities")
    label = relabel(builder, argmax(builder, probabilities), class_labels(builder, model.classes_), builder.class_labels[0])
    return {"label": label, "probabilities": probabilities}


@register(DummyRegressor, methods={"predict": FLOAT64}, missing=ANYTHING, note="every strategy (mean, median, quantile, constant); one or more outputs")
def dummy_regressor(builder, model, x):
    constant = np.asarray(model.constant_, dtype=np.float64).reshape(-1)
    values = _broadcast(builder, x, constant, "constant")
    return {"variable": vector(builder, values) if model.n_outputs_ == 1 else values}
