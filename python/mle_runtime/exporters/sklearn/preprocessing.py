"""Converters for scikit-learn's scalers and element-wise transformers: StandardScaler,
MinMaxScaler, MaxAbsScaler, RobustScaler, Normalizer and FunctionTransformer.

This module owns their translation into element-wise operators, in the order of operations each
`transform` uses (so float64 results agree to the last bit where the functions are the same).
FunctionTransformer converts only for the numpy functions listed in FUNCTIONS: a model file
never carries code, so any other callable, a lambda included, is refused.
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler, MinMaxScaler, Normalizer, RobustScaler, StandardScaler

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from .. import columns, tables
from ..columns import ANY
from ..tables import FLOAT
from ..registry import ANYTHING, FLOAT64, register

# The numpy functions a FunctionTransformer may apply, and the operator computing each.
FUNCTIONS = {
    np.log1p: "Log1p",
    np.expm1: "Expm1",
    np.log: "Log",
    np.exp: "Exp",
    np.sqrt: "Sqrt",
    np.abs: "Abs",
    np.negative: "Neg",
    np.tanh: "Tanh",
    np.square: "Mul",
}


def _node(builder: GraphBuilder, op: str, inputs: list[str], x: Value, **attributes) -> Value:
    return Value(builder.add_node(op, inputs, builder.unique_name("scaled"), **attributes), FLOAT, x.shape)


def center_and_scale(builder: GraphBuilder, x: Value, center, scale) -> Value:
    """`X -= center` (when given), then `X /= scale` (when given), as the scalers' transform does."""
    if center is not None and scale is not None:
        return _node(builder, "Scaler", [x.name, builder.add_constant("center", center), builder.add_constant("scale", scale)], x,
                     mode="sub_div")
    if center is not None:
        return _node(builder, "Sub", [x.name, builder.add_constant("center", center)], x)
    if scale is not None:
        return _node(builder, "Div", [x.name, builder.add_constant("scale", scale)], x)
    return x


@register(StandardScaler, methods={"transform": FLOAT64})
def standard_scaler(builder, model, x):
    return {"transformed": center_and_scale(builder, x, model.mean_ if model.with_mean else None, model.scale_ if model.with_std else None)}


@register(RobustScaler, methods={"transform": FLOAT64})
def robust_scaler(builder, model, x):
    return {"transformed": center_and_scale(builder, x, model.center_ if model.with_centering else None,
                                            model.scale_ if model.with_scaling else None)}


@register(MinMaxScaler, methods={"transform": FLOAT64}, note="clip=True too")
def min_max_scaler(builder, model, x):
    scale, offset = builder.add_constant("scale", model.scale_), builder.add_constant("min", model.min_)
    scaled = _node(builder, "Scaler", [x.name, offset, scale], x, mode="mul_add")
    if model.clip:
        low, high = (builder.add_constant(name, np.float64(bound)) for name, bound in zip(("low", "high"), model.feature_range, strict=True))
        scaled = _node(builder, "Clip", [scaled.name, low, high], x)
    return {"transformed": scaled}


@register(MaxAbsScaler, methods={"transform": FLOAT64})
def max_abs_scaler(builder, model, x):
    return {"transformed": center_and_scale(builder, x, None, model.scale_)}


@register(Normalizer, methods={"transform": FLOAT64}, note="l1, l2 and max norms")
def normalizer(builder, model, x):
    return {"transformed": _node(builder, "Normalizer", [x.name], x, norm=model.norm)}


@columns.kinds(FunctionTransformer)
def _function_kinds(model, n: int) -> list[str]:
    return [ANY if model.func is None else FLOAT] * n


@register(FunctionTransformer, methods={"transform": FLOAT64}, tables=True, missing=ANYTHING,
          note="func=None (identity) or one of np.log1p, np.expm1, np.log, np.exp, np.sqrt, np.abs, np.negative, np.tanh, "
               "np.square, without kw_args; any other function is refused")
def function_transformer(builder, model, x):
    if model.kw_args:
        raise UnsupportedModelError(f"FunctionTransformer with kw_args={model.kw_args!r} cannot be exported: a model file never carries code")
    if model.func is None:
        return {"transformed": x}
    op = FUNCTIONS.get(model.func)
    if op is None:
        names = ", ".join(f"np.{f.__name__}" for f in FUNCTIONS)
        raise UnsupportedModelError(
            f"FunctionTransformer(func={getattr(model.func, '__qualname__', model.func)!r}) cannot be exported: a model file never "
            f"carries code, so only these numpy functions are supported: {names} (or func=None)"
        )
    x = tables.numeric(builder, x, "FunctionTransformer")
    inputs = [x.name, x.name] if op == "Mul" else [x.name]
    return {"transformed": Value(builder.add_node(op, inputs, builder.unique_name(model.func.__name__)), FLOAT, (BATCH, x.shape[1]))}
