"""Converters for scikit-learn's neural networks: MLPClassifier, MLPRegressor and BernoulliRBM.

This module owns the translation of the forward pass (`_forward_pass_fast`: a Gemm per layer, the
hidden activation between layers, the output activation last) and of the heads scikit-learn puts on
it: labels through the label binarizer's inverse (the first best class, `p > 0.5` for one output,
an indicator matrix for multilabel targets), predict_proba and predict_log_proba; and of
BernoulliRBM's `transform`, the hidden units' mean activations (`expit(X · components_ᵀ +
intercept_hidden_)`). It must not export the RBM's `score_samples`, which corrupts a random feature
of each row: no model file reproduces a draw. It registers converters only.
"""

from __future__ import annotations

import numpy as np
from sklearn.neural_network import BernoulliRBM, MLPClassifier, MLPRegressor

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import class_labels, column_to_vector, linear, softmax_probabilities

_ACTIVATIONS = {"identity": None, "logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def _activate(builder: GraphBuilder, value: Value, activation: str) -> Value:
    op = _ACTIVATIONS[activation]
    if op is None:
        return value
    return Value(builder.add_node(op, [value.name], builder.unique_name(activation)), "float64", value.shape)


def _forward(builder: GraphBuilder, model, x: Value) -> Value:
    """The last layer's values before the output activation; hidden layers activated."""
    if model.activation not in _ACTIVATIONS:
        raise UnsupportedModelError(f"{type(model).__name__} with activation={model.activation!r} cannot be exported; "
                                    f"supported: {', '.join(_ACTIVATIONS)}")
    value = x
    last = len(model.coefs_) - 1
    for i, (coef, intercept) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        weights = np.asarray(coef, dtype=np.float64)
        out = builder.add_node("Gemm", [value.name, builder.add_constant("coef", weights),
                                        builder.add_constant("intercept", np.asarray(intercept, dtype=np.float64))],
                               builder.unique_name(f"layer_{i}"))
        value = Value(out, "float64", (BATCH, weights.shape[1]))
        if i != last:
            value = _activate(builder, value, model.activation)
    return value


@register(MLPRegressor, methods={"predict": FLOAT64}, note="activations identity, logistic, tanh, relu")
def mlp_regressor(builder, model, x):
    out = _activate(builder, _forward(builder, model, x), model.out_activation_)
    return {"variable": column_to_vector(builder, out) if out.shape[1] == 1 else out}


@register(MLPClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "predict_log_proba": FLOAT64},
          note="activations identity, logistic, tanh, relu; binary, multiclass and multilabel targets")
def mlp_classifier(builder, model, x):
    raw = _forward(builder, model, x)
    kind = model._label_binarizer.y_type_
    if model.out_activation_ == "softmax":
        proba = softmax_probabilities(builder, raw)
    else:
        proba = _activate(builder, raw, "logistic")
    outputs = {}
    half = builder.add_constant("half", np.float64(0.5))
    if kind == "multilabel-indicator":
        # The binarizer's inverse: an int indicator matrix, 1 where the probability exceeds 0.5.
        above = builder.add_node("Greater", [proba.name, half], builder.unique_name("above"))
        outputs["label"] = Value(builder.add_node("Cast", [above], builder.unique_name("label"), to="int64"), "int64", proba.shape)
        outputs["probabilities"] = proba
    elif kind == "binary":
        positive = column_to_vector(builder, proba)
        index = builder.add_node("Greater", [positive.name, half], builder.unique_name("positive"))
        out = builder.add_node("LabelMap", [index, class_labels(builder, model.classes_)], builder.unique_name("label"))
        outputs["label"] = Value(out, builder.class_labels[0], (BATCH,))
        complement = builder.add_node("Sub", [builder.add_constant("one", np.float64(1.0)), proba.name], builder.unique_name("complement"))
        outputs["probabilities"] = Value(builder.add_node("Concat", [complement, proba.name], builder.unique_name("pair"), axis=1),
                                         "float64", (BATCH, 2))
    elif kind == "multiclass":
        index = builder.add_node("ArgMax", [proba.name], builder.unique_name("argmax"), axis=-1, keepdims=0)
        out = builder.add_node("LabelMap", [index, class_labels(builder, model.classes_)], builder.unique_name("label"))
        outputs["label"] = Value(out, builder.class_labels[0], (BATCH,))
        outputs["probabilities"] = proba
    else:
        raise UnsupportedModelError(f"MLPClassifier fitted on {kind} targets cannot be exported")
    probabilities = outputs["probabilities"]
    log = builder.add_node("Log", [probabilities.name], builder.unique_name("log_probabilities"))
    outputs["log_probabilities"] = Value(log, "float64", probabilities.shape)
    return outputs


@register(BernoulliRBM, methods={"transform": FLOAT64}, note="transform (the hidden units' mean activations) only")
def bernoulli_rbm(builder, model, x):
    return {"transformed": _activate(builder, linear(builder, x, model.components_, model.intercept_hidden_), "logistic")}
