"""Converter for scikit-learn's TransformedTargetRegressor, and the inverse transforms it needs.

This module owns `predict` of a TransformedTargetRegressor — the regressor's prediction, as a
column, through `transformer_.inverse_transform`, squeezed back to a vector for a 1-D target — and
the inverse_transform builders registered for transformers (`registry.register_inverse`): the
scalers, and FunctionTransformer whose inverse_func is one of the numpy functions in
`INVERSE_FUNCTIONS`. Any other function is refused: a model file never carries code.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler, MinMaxScaler, StandardScaler

from ...errors import UnsupportedModelError
from ...ir import Value
from .. import columns
from ..registry import ANYTHING, FLOAT64, inverse_converter_for, register, register_inverse
from .composition import as_column, binary, convert, method_output, vector

# numpy functions an exported graph can apply, each as the engine operator(s) computing it.
INVERSE_FUNCTIONS = {
    np.exp: "Exp",
    np.expm1: "Expm1",
    np.log: "Log",
    np.log1p: "Log1p",
    np.sqrt: "Sqrt",
    np.negative: "Neg",
    np.square: "Square",
    np.reciprocal: "Reciprocal",
}


def numpy_function(builder, function, value: Value) -> Value:
    """`function(value)` for a function of INVERSE_FUNCTIONS (None is the identity)."""
    if function is None:
        return value
    op = INVERSE_FUNCTIONS.get(function)
    if op is None:
        names = ", ".join(f"numpy.{f.__name__}" for f in INVERSE_FUNCTIONS)
        raise UnsupportedModelError(
            f"the function {getattr(function, '__module__', '')}.{getattr(function, '__qualname__', function)!s} cannot be exported "
            f"(a model file carries no code); supported numpy functions: {names}, or None for the identity"
        )
    if op == "Square":
        # np.square(x) is x · x, rounded once.
        return binary(builder, "Mul", value, value, "square")
    if op == "Reciprocal":
        return binary(builder, "Div", 1.0, value, "reciprocal")
    return Value(builder.add_node(op, [value.name], builder.unique_name(op.lower())), "float64", value.shape)


def _width(model, value: Value) -> None:
    if value.shape[1] != model.n_features_in_:
        raise UnsupportedModelError(
            f"{type(model).__name__} was fitted on {model.n_features_in_} columns but inverts {value.shape[1]}"
        )


def _scaled(builder, op, value, constants, **attributes) -> Value:
    names = [builder.add_constant(name, np.asarray(array, dtype=np.float64)) for name, array in constants]
    return Value(builder.add_node(op, [value.name, *names], builder.unique_name("inverse"), **attributes), "float64", value.shape)


@register_inverse(StandardScaler)
def standard_scaler_inverse(builder, model, value):
    # inverse_transform: X *= scale_ (with_std), then X += mean_ (with_mean).
    _width(model, value)
    if model.with_std and model.with_mean:
        return _scaled(builder, "Scaler", value, [("mean", model.mean_), ("scale", model.scale_)], mode="mul_add")
    if model.with_std:
        return _scaled(builder, "Mul", value, [("scale", model.scale_)])
    if model.with_mean:
        return _scaled(builder, "Add", value, [("mean", model.mean_)])
    return value


@register_inverse(MinMaxScaler)
def min_max_scaler_inverse(builder, model, value):
    # inverse_transform: X -= min_, then X /= scale_.
    _width(model, value)
    return _scaled(builder, "Scaler", value, [("min", model.min_), ("scale", model.scale_)], mode="sub_div")


@register_inverse(MaxAbsScaler)
def max_abs_scaler_inverse(builder, model, value):
    _width(model, value)
    return _scaled(builder, "Mul", value, [("scale", model.scale_)])


@register_inverse(FunctionTransformer)
def function_transformer_inverse(builder, model, value):
    if model.inv_kw_args:
        raise UnsupportedModelError("FunctionTransformer with inv_kw_args cannot be exported")
    return numpy_function(builder, model.inverse_func, value)


@columns.kinds(TransformedTargetRegressor)
def _transformed_target_kinds(model, n: int) -> list:
    """Only the regressor reads X (transformer_ transforms the target)."""
    return columns.input_kinds(model.regressor_, n)


@register(TransformedTargetRegressor, missing=ANYTHING, methods={"predict": FLOAT64}, composed=True, tables=True,
          note="transformer StandardScaler, MinMaxScaler, MaxAbsScaler or FunctionTransformer, or func/inverse_func, "
               "with inverse_func one of numpy exp, expm1, log, log1p, sqrt, square, negative, reciprocal")
def transformed_target_regressor(builder, model, x):
    regressor = model.regressor_
    prediction = method_output(convert(builder, regressor, x, model), regressor, "predict", model)
    # predict: inverse_transform of the prediction as a column (a 1-D prediction is reshaped), then
    # squeezed back to a vector when the target was 1-D.
    restored = inverse_converter_for(model.transformer_)(builder, model.transformer_, as_column(builder, prediction))
    if model._training_dim == 1 and restored.shape[1] == 1:
        restored = vector(builder, restored)
    return {"variable": restored}
