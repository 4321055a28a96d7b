"""Converter for scikit-learn's covariance-based outlier detector, EllipticEnvelope.

This module owns score_samples (minus the squared Mahalanobis distance to `location_`, computed as
scipy's `cdist(metric="mahalanobis")` does: the differences, the precision times them row by row,
their dot product, its square root, squared again), decision_function (minus `offset_`) and predict
(1 where the decision is ≥ 0, −1 elsewhere). It registers converters only and must not convert the
covariance estimators themselves, whose only per-row output is `mahalanobis`, which no exported
method returns.
"""

from __future__ import annotations

import numpy as np
from sklearn.covariance import EllipticEnvelope

from ...ir import BATCH, Value
from ..registry import FLOAT64, IDENTICAL, register


@register(EllipticEnvelope, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "score_samples": FLOAT64})
def elliptic_envelope(builder, model, x):
    def node(op, inputs, hint, shape, **attributes):
        return Value(builder.add_node(op, inputs, builder.unique_name(hint), **attributes), "float64", shape)

    precision = np.asarray(model.get_precision(), dtype=np.float64)
    differences = node("Sub", [x.name, builder.add_constant("location", np.asarray(model.location_, dtype=np.float64))],
                       "differences", x.shape)
    # scipy multiplies the differences by each row of the precision in turn: differences · precisionᵀ.
    transformed = node("Gemm", [differences.name, builder.add_constant("precision", precision)], "transformed", x.shape, transB=1)
    products = node("Mul", [differences.name, transformed.name], "products", x.shape)
    squared = node("ReduceSum", [products.name], "squared_distance", (BATCH,), axis=-1, keepdims=0)
    distance = node("Sqrt", [squared.name], "distance", (BATCH,))
    # scikit-learn squares cdist's distance again rather than using the sum itself.
    resquared = node("Mul", [distance.name, distance.name], "mahalanobis", (BATCH,))
    scores = node("Neg", [resquared.name], "score_samples", (BATCH,))
    decision = node("Sub", [scores.name, builder.add_constant("offset", np.float64(model.offset_))], "decision", (BATCH,))
    inlier = builder.add_node("GreaterOrEqual", [decision.name, builder.add_constant("zero", np.float64(0.0))],
                              builder.unique_name("inlier"))
    label = builder.add_node("LabelMap", [inlier, builder.add_constant("outlier_labels", np.array([-1, 1], dtype=np.int64))],
                             builder.unique_name("label"))
    return {"score_samples": scores, "scores": decision, "label": Value(label, "int64", (BATCH,))}
