"""Converters for scikit-learn's scalers: StandardScaler, MinMaxScaler, MaxAbsScaler.

This module owns the translation of fitted scalers into the element-wise operators, in the order of
operations scikit-learn's `transform` uses (so float64 results agree to the last bit). It must not
export a configuration it cannot reproduce exactly (MinMaxScaler with clip=True) but refuse it.
"""

from __future__ import annotations

from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler

from ..errors import UnsupportedModelError
from ..ir import Value
from .registry import FLOAT64, register


def _transformed(builder, op, inputs, x, **attributes):
    out = builder.add_node(op, inputs, builder.unique_name("scaled"), **attributes)
    return {"transformed": Value(out, "float64", x.shape)}


@register(StandardScaler, methods={"transform": FLOAT64})
def standard_scaler(builder, model, x):
    # transform does `X -= mean_` only with with_mean and `X /= scale_` only with with_std.
    if model.with_mean and model.with_std:
        mean, scale = builder.add_constant("mean", model.mean_), builder.add_constant("scale", model.scale_)
        return _transformed(builder, "Scaler", [x.name, mean, scale], x, mode="sub_div")
    if model.with_mean:
        return _transformed(builder, "Sub", [x.name, builder.add_constant("mean", model.mean_)], x)
    if model.with_std:
        return _transformed(builder, "Div", [x.name, builder.add_constant("scale", model.scale_)], x)
    return _transformed(builder, "Identity", [x.name], x)


@register(MinMaxScaler, methods={"transform": FLOAT64}, note="clip=False")
def min_max_scaler(builder, model, x):
    if model.clip:
        raise UnsupportedModelError("MinMaxScaler(clip=True) cannot be exported yet: operator set 1 has no Clip; refit with clip=False")
    scale, offset = builder.add_constant("scale", model.scale_), builder.add_constant("min", model.min_)
    return _transformed(builder, "Scaler", [x.name, offset, scale], x, mode="mul_add")


@register(MaxAbsScaler, methods={"transform": FLOAT64})
def max_abs_scaler(builder, model, x):
    return _transformed(builder, "Div", [x.name, builder.add_constant("scale", model.scale_)], x)
