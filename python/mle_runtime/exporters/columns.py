"""A model's inputs as columns: the graph signature chosen at export from what each column is.

A model whose every input column is numeric keeps one float64 input `input` [N, F]. A model that
reads string columns (categories), or that ignores some columns, takes one graph input per column
it reads instead, named by the column ([N, 1], float64 or string), so that a DataFrame goes in by
column name and strings never share a buffer with numbers. Which kind each column is comes from
the fitted model itself (an encoder's categories, an imputer's statistics), through the functions
registered here with `@kinds`; docs/ARCHITECTURE.md states the conventions.

This module owns that signature; the values that carry columns (`Table`) and their operations
are `tables`'. It knows no framework (frameworks register their kinds functions) and must not
convert any model itself.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..errors import ModelError
from ..ir import BATCH, GraphBuilder
from .registry import parts
from .tables import FLOAT, Input, Table

INPUT_NAME = "input"

# A column read only in a way any dtype allows (passed through, tested for missing values).
ANY = "any"
# `None` in a list of kinds: a column the model never reads.

Kinds = list  # per column: FLOAT, STRING, ANY or None


# Python's None in a string column, as the engine holds it (Tensor.NONE): scikit-learn tells None
# and NaN apart there, and NaN is the engine's null.
NONE_STRING = "\0"


def is_nan(value: Any) -> bool:
    """NaN or pandas' NA: the engine's missing value (null among strings)."""
    return (isinstance(value, float) and value != value) or type(value).__name__ == "NAType"


def is_missing(value: Any) -> bool:
    """A missing value of either kind: NaN (pandas' NA) or None."""
    return value is None or is_nan(value)


_KINDS: dict[type, Callable[[Any, int], Kinds]] = {}
_VECTOR_INPUTS: dict[type, Callable[[Any], str]] = {}


def kinds(*classes: type) -> Callable:
    """Registers the function that tells, for a fitted model of these classes and its number of
    input columns, what each column must be: FLOAT, STRING, ANY or None (never read)."""

    def decorate(function: Callable[[Any, int], Kinds]) -> Callable[[Any, int], Kinds]:
        for cls in classes:
            _KINDS[cls] = function
        return function

    return decorate


def vector_input(*classes: type) -> Callable:
    """Registers a function giving the dtype of the 1-D input [N] these models take (LabelEncoder's
    labels, a vectorizer's documents), or None for a fitted model that takes columns after all (a
    Pipeline whose first step does not take a vector)."""

    def decorate(function: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        for cls in classes:
            _VECTOR_INPUTS[cls] = function
        return function

    return decorate


def vector_dtype(model: Any) -> str | None:
    """The dtype of the 1-D input [N] the fitted model takes, or None when it takes columns."""
    function = _VECTOR_INPUTS.get(type(model))
    return None if function is None else function(model)


def takes_vector(model: Any) -> bool:
    return vector_dtype(model) is not None


def input_kinds(model: Any, n_features: int) -> Kinds:
    """What each of the model's n_features input columns must be. Unregistered models read every
    column as a number, unless they are made of fitted parts that take the same columns (an
    ensemble of pipelines, say), whose kinds are merged."""
    function = _KINDS.get(type(model))
    if function is not None:
        found = function(model, n_features)
    else:
        same_input = [p for p in parts(model) if getattr(p, "n_features_in_", None) == n_features]
        found = merge(*(input_kinds(p, n_features) for p in same_input)) if same_input else [FLOAT] * n_features
    if len(found) != n_features:
        raise ModelError(f"{type(model).__name__}: column kinds for {len(found)} columns, but the model takes {n_features}")
    return found


def merge(*lists: Kinds) -> Kinds:
    """Kinds of models that read the same columns: a column is read if any reads it, and its dtype
    must agree wherever it is fixed."""
    merged: Kinds = list(lists[0])
    for other in lists[1:]:
        for i, kind in enumerate(other):
            current = merged[i]
            if current is None or current == ANY:
                merged[i] = kind if kind is not None else current
            elif kind not in (None, ANY, current):
                raise ModelError(f"input column {i} is read both as {current} and as {kind}")
    return merged


def spread(part: Kinds, indices: Sequence[int], n_features: int) -> Kinds:
    """The kinds of a model reading columns `indices` of n_features, as kinds of all n_features."""
    out: Kinds = [None] * n_features
    for kind, i in zip(part, indices, strict=True):
        out[i] = merge([out[i]], [kind])[0]
    return out


def add_inputs(builder: GraphBuilder, model: Any, n_features: int, feature_names: list[str] | None) -> tuple[Input, list[str] | None]:
    """The model's graph inputs, by the conventions above, and the feature names to record.

    A model fitted on a numpy array with string columns has its columns named x0, x1, ... as
    scikit-learn's `get_feature_names_out` names them.
    """
    vector = vector_dtype(model)
    if vector is not None:
        return builder.add_input(INPUT_NAME, vector, (BATCH,)), feature_names
    found = [FLOAT if k == ANY else k for k in input_kinds(model, n_features)]
    if all(k == FLOAT for k in found):
        return builder.add_input(INPUT_NAME, FLOAT, (BATCH, n_features)), feature_names
    names = feature_names or [f"x{i}" for i in range(n_features)]
    blocks = tuple(None if k is None else builder.add_input(names[i], k, (BATCH, 1)) for i, k in enumerate(found))
    return Table(blocks), names


