"""Graph fragments shared by the scikit-learn meta-estimator converters: converting a part through the
registry, picking and stacking columns, sums in a given order, votes and class labels.

This module owns what voting, stacking, bagging, boosting, one-vs-rest/one-vs-one, multi-output,
calibration, target transformation and feature selection have in common: each part is converted by
whatever converter the registry holds for it (so a meta-estimator accepts every estimator any module
registers), its outputs are read by role, and they are combined with operators whose order of
floating-point operations is the one scikit-learn's code uses. A meta-estimator's input, a matrix or
a `tables.Table` of string and numeric columns, reaches each part as it is (or as the columns the
part reads, by `tables.select`), so parts that are pipelines over a ColumnTransformer read strings.
It registers no converter and must not know any particular base estimator.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from .. import ROLE_METHODS, tables
from ..labels import label_strings
from ..registry import converter_for, public_name


def roles_of(method: str) -> list[str]:
    """The output roles a converter returns `method`'s result under ("predict": label or variable)."""
    return [role for role, bound in ROLE_METHODS.items() if bound == method]


def convert(builder: GraphBuilder, estimator: Any, x: tables.Input, owner: Any) -> dict[str, Any]:
    """The outputs of a fitted part of `owner`, by role, computed from `x` (a matrix or a Table) by its registered converter."""
    try:
        converter = converter_for(estimator)
    except UnsupportedModelError as exc:
        raise UnsupportedModelError(f"{type(owner).__name__} over {type(estimator).__name__} cannot be exported: {exc}") from None
    return converter(builder, estimator, x)


def method_output(outputs: dict[str, Any], estimator: Any, method: str, owner: Any) -> Value:
    """What `estimator.method(X)` returns, from its converted outputs; refuses when the converter
    does not produce it (e.g. a predict_proba that is not exported)."""
    value = next((outputs[role] for role in roles_of(method) if role in outputs), None)
    if value is None or isinstance(value, list):
        raise UnsupportedModelError(
            f"{type(owner).__name__} needs {method} of {public_name(type(estimator))}, which its exported form does not provide"
        )
    return value


def binary_score(builder: GraphBuilder, outputs: dict[str, Any], estimator: Any, owner: Any) -> Value:
    """scikit-learn's `_predict_binary` of a binary classifier, as a vector: its decision_function
    where it has one, else the probability of its second class."""
    if hasattr(estimator, "decision_function"):
        return vector(builder, method_output(outputs, estimator, "decision_function", owner))
    return column(builder, method_output(outputs, estimator, "predict_proba", owner), 1)


def as_column(builder: GraphBuilder, value: Value) -> Value:
    """[N] → [N, 1]; a matrix is returned as it is."""
    if len(value.shape) == 2:
        return value
    out = builder.add_node("Reshape", [value.name], builder.unique_name("column"), shape=[BATCH, 1])
    return Value(out, value.dtype, (BATCH, 1))


def vector(builder: GraphBuilder, value: Value) -> Value:
    """[N, 1] → [N], as numpy's ravel of one column; a vector is returned as it is."""
    if len(value.shape) == 1:
        return value
    out = builder.add_node("Reshape", [value.name], builder.unique_name("vector"), shape=[BATCH])
    return Value(out, value.dtype, (BATCH,))


def column(builder: GraphBuilder, value: Value, index: int) -> Value:
    """value[:, index] as a vector [N]."""
    return vector(builder, tables.select(builder, value, [index]))


def hstack(builder: GraphBuilder, values: Sequence[Value]) -> Value:
    """numpy's hstack of vectors (as columns) and matrices of one dtype."""
    stacked = [as_column(builder, v) for v in values]
    dtypes = {c.dtype for c in stacked}
    if len(dtypes) != 1:
        raise UnsupportedModelError(f"cannot stack outputs of different dtypes {sorted(dtypes)} into one array")
    return tables.hstack(builder, stacked)


def cast(builder: GraphBuilder, value: Value, dtype: str) -> Value:
    if value.dtype == dtype:
        return value
    out = builder.add_node("Cast", [value.name], builder.unique_name(f"as_{dtype}"), to=dtype)
    return Value(out, dtype, value.shape)


def binary(builder: GraphBuilder, op: str, a: Value | float, b: Value | float, hint: str) -> Value:
    """a `op` b for Add, Sub, Mul, Div, float64, where either side may be a float (a scalar constant)."""
    names = [v.name if isinstance(v, Value) else builder.add_constant(hint, np.float64(v)) for v in (a, b)]
    shapes = [v.shape for v in (a, b) if isinstance(v, Value)]
    return Value(builder.add_node(op, names, builder.unique_name(hint)), "float64", max(shapes, key=len))


def running_sum(builder: GraphBuilder, values: Sequence[Value]) -> Value:
    """((v0 + v1) + v2) + …, the order of a Python `sum` or of numpy's reduction over stacked arrays."""
    total = values[0]
    for v in values[1:]:
        total = binary(builder, "Add", total, v, "sum")
    return total


def zeros_like(builder: GraphBuilder, value: Value) -> Value:
    """float64 zeros of value's shape: `value > value` is false for every number, NaN included."""
    never = builder.add_node("Greater", [value.name, value.name], builder.unique_name("never"))
    return cast(builder, Value(never, "bool", value.shape), "float64")


def label_constant(builder: GraphBuilder, classes: Any) -> tuple[str, str]:
    """Class labels as a constant of the engine's label dtype, without making them the model's
    labels (common.class_labels does that); returns the constant's name and dtype."""
    dtype, rendered = label_strings(classes)
    values = rendered if dtype == "string" else np.asarray(classes).astype({"int64": np.int64, "float64": np.float64, "bool": np.bool_}[dtype])
    return builder.add_constant("labels", values), dtype


def indicator(builder: GraphBuilder, labels: Value, classes: Any, on: float, off: float) -> Value:
    """[N, K]: `on` where labels[i] == classes[k], else `off` (one estimator's vote)."""
    constant, dtype = label_constant(builder, classes)
    if dtype != labels.dtype:
        raise UnsupportedModelError(f"labels of dtype {labels.dtype} cannot be compared with classes {list(classes)!r}")
    values = builder.add_constant("vote_values", np.array([off, on], dtype=np.float64))
    out = builder.add_node("ClassIndicator", [labels.name, constant, values], builder.unique_name("vote"))
    return Value(out, "float64", (BATCH, len(classes)))


def argmax(builder: GraphBuilder, value: Value) -> Value:
    """Index of the first maximum of each row (NaN counts as the maximum), as numpy's argmax."""
    return Value(builder.add_node("ArgMax", [value.name], builder.unique_name("argmax"), axis=-1, keepdims=0), "int64", (BATCH,))


def relabel(builder: GraphBuilder, index: Value, labels: str, dtype: str) -> Value:
    """labels[index] for int64 or bool indices."""
    return Value(builder.add_node("LabelMap", [index.name, labels], builder.unique_name("label")), dtype, (BATCH,))
