"""Converters for scikit-learn's MultiOutputClassifier and MultiOutputRegressor, ClassifierChain and
RegressorChain.

This module owns the stacking of one fitted estimator per target: predict is their predictions as
the columns of one array, as `np.asarray([...]).T` makes it, and MultiOutputClassifier's
predict_proba is the list of each estimator's probabilities (the exported method returns them as a
tuple). Each estimator is converted by its registered converter, from the model's input as it is
(a Table of string and numeric columns included). A chain's links read the input's columns followed
by the previous links' outputs of its `chain_method_` (float64, as `_BaseChain._get_predictions`
stores them; the positive class's column of a binary link's probabilities), and its outputs are
put back from chain order into the targets' order.
"""

from __future__ import annotations

import numpy as np
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier, MultiOutputRegressor, RegressorChain

from ...errors import UnsupportedModelError
from ...ir import Value
from .. import tables
from ..registry import ANYTHING, FINITE, IDENTICAL, register
from .composition import as_column, cast, column, convert, hstack, method_output, vector


def _predictions(builder, model, converted):
    predictions = [vector(builder, method_output(o, e, "predict", model)) for o, e in zip(converted, model.estimators_)]
    dtypes = sorted({p.dtype for p in predictions})
    if len(dtypes) > 1:
        raise UnsupportedModelError(
            f"{type(model).__name__} whose estimators predict labels of different kinds ({', '.join(dtypes)}) cannot be exported: "
            "numpy would turn them all into strings"
        )
    return hstack(builder, predictions)


@register(MultiOutputRegressor, missing=ANYTHING, methods={"predict": IDENTICAL}, composed=True, tables=True)
def multi_output_regressor(builder, model, x):
    converted = [convert(builder, e, x, model) for e in model.estimators_]
    return {"variable": _predictions(builder, model, converted)}


@register(MultiOutputClassifier, missing=ANYTHING, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL}, composed=True, tables=True,
          note="predict_proba returns one array per output (a tuple)")
def multi_output_classifier(builder, model, x):
    converted = [convert(builder, e, x, model) for e in model.estimators_]
    outputs = {"label": _predictions(builder, model, converted)}
    if hasattr(model, "predict_proba"):
        outputs["probabilities"] = [method_output(o, e, "predict_proba", model) for o, e in zip(converted, model.estimators_)]
    # Each output has its own classes; the model as a whole has no single list of labels.
    builder.class_labels = None
    return outputs


def _link_response(builder, outputs, estimator, method, owner) -> Value:
    """scikit-learn's `_get_response_values(estimator, X, response_method=method)` as a float64 vector:
    a binary classifier's probabilities (or their logs) narrowed to its last class's column; labels,
    decision values and predicted values as they are, converted to float64 as the chain stores them."""
    value = method_output(outputs, estimator, method, owner)
    if method in ("predict_proba", "predict_log_proba"):
        return column(builder, value, len(estimator.classes_) - 1)
    return cast(builder, vector(builder, value), "float64")


def _is_binary(estimator) -> bool:
    return len(getattr(estimator, "classes_", ())) == 2


def _chain(builder, model, x, output_methods):
    """Per output method, the chain's [N, n_outputs] result in the targets' order, every link reading
    x followed by the earlier links' responses to the chain method."""
    chain_method = getattr(model, "chain_method_", "predict")
    for estimator in model.estimators_:
        if chain_method != "predict" and not _is_binary(estimator):
            raise UnsupportedModelError(
                f"{type(model).__name__}(chain_method={chain_method!r}) over links with more than two classes cannot be "
                "exported: scikit-learn's chain cannot store such a link's output in one column"
            )
    features = []
    results = {method: [] for method in output_methods}
    for estimator in model.estimators_:
        augmented = x if not features else tables.hstack(builder, [x, *features])
        outputs = convert(builder, estimator, augmented, model)
        features.append(as_column(builder, _link_response(builder, outputs, estimator, chain_method, model)))
        for method in output_methods:
            results[method].append(_link_response(builder, outputs, estimator, method, model))
    targets_order = np.argsort(np.asarray(model.order_))
    return {method: tables.select(builder, hstack(builder, values), [int(i) for i in targets_order])
            for method, values in results.items()}


@register(ClassifierChain, missing=FINITE, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL, "decision_function": IDENTICAL},
          composed=True, note="predict_proba and decision_function where every link is binary, as "
                              "scikit-learn computes them; every chain_method its links' exported forms provide")
def classifier_chain(builder, model, x):
    binary_links = all(_is_binary(e) for e in model.estimators_)
    methods = ["predict"] + [m for m in ("predict_proba", "decision_function") if hasattr(model, m) and binary_links]
    chained = _chain(builder, model, x, methods)
    # Each link has its own classes; the chain's float64 output has no single list of labels.
    builder.class_labels = None
    roles = {"predict": "variable", "predict_proba": "probabilities", "decision_function": "scores"}
    return {roles[method]: value for method, value in chained.items()}


@register(RegressorChain, missing=FINITE, methods={"predict": IDENTICAL}, composed=True)
def regressor_chain(builder, model, x):
    return {"variable": _chain(builder, model, x, ["predict"])["predict"]}
