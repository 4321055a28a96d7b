"""Converters for scikit-learn's cross decomposition: PLSRegression, PLSCanonical, CCA and PLSSVD.

This module owns the translation of their `transform` (centre, scale by the training standard
deviations, rotate: `(X − x_mean) / x_std · x_rotations_`, or `x_weights_` for PLSSVD) and of the
PLS models' `predict` (centre only, then `· coef_ᵀ + intercept_`: the coefficients already hold the
scaling), each in scikit-learn's order of operations. Only the X side converts: a model file takes
one input, so the `y` argument of `transform` has no counterpart. It registers converters only.
"""

from __future__ import annotations

import numpy as np
from sklearn.cross_decomposition import CCA, PLSSVD, PLSCanonical, PLSRegression

from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, register
from .common import column_to_vector, linear


def _centred(builder: GraphBuilder, model, x: Value) -> Value:
    out = builder.add_node("Sub", [x.name, builder.add_constant("x_mean", np.asarray(model._x_mean, dtype=np.float64))],
                           builder.unique_name("centred"))
    return Value(out, "float64", x.shape)


def _scores(builder: GraphBuilder, model, x: Value, rotations) -> Value:
    """`(X − x_mean) / x_std · rotations`: scikit-learn subtracts, divides, then multiplies."""
    standardised = builder.add_node("Div", [_centred(builder, model, x).name,
                                            builder.add_constant("x_std", np.asarray(model._x_std, dtype=np.float64))],
                                    builder.unique_name("standardised"))
    rotations = np.asarray(rotations, dtype=np.float64)
    out = builder.add_node("MatMul", [standardised, builder.add_constant("x_rotations", rotations)], builder.unique_name("x_scores"))
    return Value(out, "float64", (BATCH, rotations.shape[1]))


@register(PLSRegression, PLSCanonical, CCA, methods={"predict": FLOAT64, "transform": FLOAT64},
          note="transform of X alone (a model file has one input, so no y scores)")
def partial_least_squares(builder, model, x):
    predicted = linear(builder, _centred(builder, model, x), model.coef_, model.intercept_)
    # scikit-learn ravels the prediction of a model fitted on a 1-D target.
    return {"variable": column_to_vector(builder, predicted) if model._predict_1d else predicted,
            "transformed": _scores(builder, model, x, model.x_rotations_)}


@register(PLSSVD, methods={"transform": FLOAT64}, note="transform of X alone (a model file has one input, so no y scores)")
def pls_svd(builder, model, x):
    return {"transformed": _scores(builder, model, x, model.x_weights_)}
