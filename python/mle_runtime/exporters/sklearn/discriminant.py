"""Converters for scikit-learn's discriminant analysis: LinearDiscriminantAnalysis (every solver)
and QuadraticDiscriminantAnalysis, and the heads both QDA and NearestCentroid compute from their
per-class scores.

This module owns those translations in scikit-learn's order of operations: LDA's linear scores,
probabilities and projection, QDA's per-class rotated distances. It registers converters and
offers `discriminant_outputs`; it must not know other estimators' attributes.
"""

from __future__ import annotations

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis

from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import classifier_outputs, labels_from_scores, linear, ovr_probabilities, softmax_probabilities


def column_difference(builder: GraphBuilder, scores: Value) -> Value:
    """`scores[:, 1] − scores[:, 0]` of two columns, exactly: a Gemm with weights (−1, 1) adds
    −s0 and s1 to zero, which rounds as the subtraction does."""
    out = builder.add_node("Gemm", [scores.name, builder.add_constant("difference", np.array([[-1.0, 1.0]]))],
                           builder.unique_name("difference"), transB=1)
    vector = builder.add_node("Reshape", [out], builder.unique_name("decision"), shape=[BATCH])
    return Value(vector, "float64", (BATCH,))


def discriminant_outputs(builder: GraphBuilder, scores: Value, classes) -> dict[str, Value]:
    """scikit-learn's DiscriminantAnalysisPredictionMixin over per-class scores: decision_function
    (the difference of the two columns for two classes), predict (the first best class),
    predict_log_proba ((s − max) − log Σ exp(s − max)) and predict_proba (its exp)."""
    log_proba = Value(builder.add_node("LogSoftmax", [scores.name], builder.unique_name("log_probabilities")), "float64", scores.shape)
    return {
        "label": labels_from_scores(builder, scores, classes),
        "scores": column_difference(builder, scores) if len(classes) == 2 else scores,
        "log_probabilities": log_proba,
        "probabilities": Value(builder.add_node("Exp", [log_proba.name], builder.unique_name("probabilities")), "float64", scores.shape),
    }


@register(LinearDiscriminantAnalysis, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "predict_proba": FLOAT64,
                                               "predict_log_proba": FLOAT64, "transform": FLOAT64},
          note="every solver; transform for svd and eigen (scikit-learn has none for lsqr)")
def linear_discriminant_analysis(builder, model, x):
    raw = linear(builder, x, model.coef_, model.intercept_)
    outputs = classifier_outputs(builder, raw, model.classes_)
    proba = ovr_probabilities(builder, raw) if len(model.classes_) == 2 else softmax_probabilities(builder, raw)
    outputs["probabilities"] = proba
    # predict_log_proba: log(p), where a probability of exactly 0 gets the smallest normal float first.
    zero = builder.add_constant("zero", np.float64(0.0))
    positive = builder.add_node("Cast", [builder.add_node("Greater", [proba.name, zero], builder.unique_name("positive"))],
                                builder.unique_name("positive_float"), to="float64")
    is_zero = builder.add_node("Sub", [builder.add_constant("one", np.float64(1.0)), positive], builder.unique_name("is_zero"))
    tiny = builder.add_node("Mul", [is_zero, builder.add_constant("smallest_normal", np.float64(np.finfo(np.float64).smallest_normal))],
                            builder.unique_name("tiny"))
    lifted = builder.add_node("Add", [proba.name, tiny], builder.unique_name("lifted"))
    outputs["log_probabilities"] = Value(builder.add_node("Log", [lifted], builder.unique_name("log_probabilities")), "float64", proba.shape)
    if model.solver in ("svd", "eigen"):
        scalings = np.asarray(model.scalings_, dtype=np.float64)[:, : model._max_components]
        source = x.name
        if model.solver == "svd":
            source = builder.add_node("Sub", [x.name, builder.add_constant("xbar", model.xbar_)], builder.unique_name("centred"))
        out = builder.add_node("MatMul", [source, builder.add_constant("scalings", scalings)], builder.unique_name("projected"))
        outputs["transformed"] = Value(out, "float64", (BATCH, scalings.shape[1]))
    return outputs


@register(QuadraticDiscriminantAnalysis, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "predict_proba": FLOAT64,
                                                  "predict_log_proba": FLOAT64})
def quadratic_discriminant_analysis(builder, model, x):
    norms = []
    for mean, rotation, scaling in zip(model.means_, model.rotations_, model.scalings_, strict=True):
        centred = builder.add_node("Sub", [x.name, builder.add_constant("class_mean", mean)], builder.unique_name("centred"))
        weights = np.asarray(rotation * (scaling ** (-0.5)), dtype=np.float64)
        rotated = builder.add_node("MatMul", [centred, builder.add_constant("rotation", weights)], builder.unique_name("rotated"))
        squared = builder.add_node("Mul", [rotated, rotated], builder.unique_name("squared"))
        norms.append(builder.add_node("ReduceSum", [squared], builder.unique_name("norm2"), axis=-1, keepdims=1))
    norm2 = builder.add_node("Concat", norms, builder.unique_name("norm2"), axis=1)
    u = np.asarray([np.sum(np.log(s)) for s in model.scalings_])
    shifted = builder.add_node("Add", [norm2, builder.add_constant("log_det", u)], builder.unique_name("shifted"))
    halved = builder.add_node("Mul", [shifted, builder.add_constant("minus_half", np.float64(-0.5))], builder.unique_name("halved"))
    scores = builder.add_node("Add", [halved, builder.add_constant("log_prior", np.log(model.priors_))], builder.unique_name("scores"))
    return discriminant_outputs(builder, Value(scores, "float64", (BATCH, len(model.classes_))), model.classes_)
