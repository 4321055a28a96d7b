"""A model's inputs as columns: the graph signature chosen at export, and the `Table` that carries
columns of different dtypes through the converters.

A model whose every input column is numeric keeps one float64 input `input` [N, F]. A model that
reads string columns (categories), or that ignores some columns, takes one graph input per column
it reads instead, named by the column ([N, 1], float64 or string), so that a DataFrame goes in by
column name and strings never share a buffer with numbers. Which kind each column is comes from
the fitted model itself (an encoder's categories, an imputer's statistics), through the functions
registered here with `@kinds`; docs/ARCHITECTURE.md states the conventions.

This module owns that signature and the Table operations (`select`, `hstack`, `matrix`,
`by_dtype`); it knows no framework (frameworks register their kinds functions) and must not
convert any model itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import ModelError
from ..ir import BATCH, GraphBuilder, Value

INPUT_NAME = "input"

FLOAT = "float64"
STRING = "string"
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


@dataclass(frozen=True)
class Table:
    """Columns side by side in blocks: each block a value [N, k] of one dtype, in column order; a
    None block is one column the model never reads (it has no graph input)."""

    blocks: tuple[Value | None, ...]

    @property
    def width(self) -> int:
        return sum(1 if b is None else b.shape[1] for b in self.blocks)

    @property
    def shape(self) -> tuple[int, int]:
        return (BATCH, self.width)

    def column_dtypes(self) -> list[str | None]:
        return [None if b is None else b.dtype for b in self.blocks for _ in range(1 if b is None else b.shape[1])]

    def _cells(self) -> list[tuple[Value | None, int]]:
        return [(b, k) for b in self.blocks for k in range(1 if b is None else b.shape[1])]


Input = Value | Table

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
        from .registry import parts

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


def select(builder: GraphBuilder, x: Input, indices: Sequence[int]) -> Input:
    """Columns `indices` of x: a sub-table of a Table, a GatherColumns of a matrix (nothing when all, in order)."""
    indices = [int(i) for i in indices]
    if not isinstance(x, Table):
        if indices == list(range(x.shape[1])):
            return x
        out = builder.add_node("GatherColumns", [x.name], builder.unique_name("columns"), indices=indices)
        return Value(out, x.dtype, (BATCH, len(indices)))
    cells = x._cells()
    blocks: list[Value | None] = []
    i = 0
    while i < len(indices):
        block, _ = cells[indices[i]]
        j = i + 1
        while block is not None and j < len(indices) and cells[indices[j]][0] is block:
            j += 1
        blocks.append(None if block is None else select(builder, block, [cells[k][1] for k in indices[i:j]]))
        i = j
    return Table(tuple(blocks))


def hstack(builder: GraphBuilder, parts: Sequence[Input]) -> Input:
    """Parts side by side, as numpy's hstack: one matrix when they share a dtype (booleans become
    float64 beside numbers), a Table when strings and numbers meet."""
    blocks = [b for p in parts for b in (p.blocks if isinstance(p, Table) else (p,))]
    if any(b is None for b in blocks):
        return Table(tuple(blocks))
    dtypes = {b.dtype for b in blocks}
    if len(blocks) == 1:
        return blocks[0]
    if dtypes == {STRING} or STRING not in dtypes:
        if len(dtypes) > 1:
            blocks = [_as_float(builder, b) for b in blocks]
        width = sum(b.shape[1] for b in blocks)
        out = builder.add_node("Concat", [b.name for b in blocks], builder.unique_name("hstack"), axis=1)
        return Value(out, blocks[0].dtype, (BATCH, width))
    return Table(tuple(blocks))


def _as_float(builder: GraphBuilder, value: Value) -> Value:
    if value.dtype == FLOAT:
        return value
    out = builder.add_node("Cast", [value.name], builder.unique_name("as_float64"), to=FLOAT)
    return Value(out, FLOAT, value.shape)


def matrix(builder: GraphBuilder, x: Input, reader: str) -> Value:
    """x as one numeric or string matrix, for `reader` (named in the error when it cannot be)."""
    if not isinstance(x, Table):
        return x
    if any(b is None for b in x.blocks):
        raise ModelError(f"{reader} reads columns the model's input signature leaves out")
    dtypes = {b.dtype for b in x.blocks}
    if STRING in dtypes and len(dtypes) > 1:
        raise ModelError(f"{reader} reads strings and numbers together as one matrix, which it cannot compute on")
    stacked = hstack(builder, x.blocks)
    if isinstance(stacked, Table):
        raise ModelError(f"{reader} cannot read columns of dtypes {sorted(dtypes)} as one matrix")
    return stacked


def numeric(builder: GraphBuilder, x: Input, reader: str) -> Value:
    """x as one float64 matrix, for a converter that computes on numbers."""
    value = matrix(builder, x, reader)
    if value.dtype == STRING:
        raise ModelError(f"{reader} computes on numbers, but its input holds strings")
    return _as_float(builder, value)


def by_dtype(builder: GraphBuilder, x: Input) -> list[tuple[Value, list[int]]]:
    """x's columns grouped by dtype: each group one matrix, with the positions its columns have in x."""
    dtypes = x.column_dtypes() if isinstance(x, Table) else [x.dtype] * x.shape[1]
    if None in dtypes:
        raise ModelError("a transformer reads columns the model's input signature leaves out")
    groups = []
    for dtype in dict.fromkeys(dtypes):
        positions = [i for i, d in enumerate(dtypes) if d == dtype]
        groups.append((matrix(builder, select(builder, x, positions), "a column group"), positions))
    return groups


def reorder(builder: GraphBuilder, parts: Sequence[tuple[Value, list[int]]], widths: Sequence[int]) -> Value:
    """Per-group results back in column order: `parts` pairs a result with its columns' positions,
    and column i contributed `widths[i]` consecutive result columns."""
    if len(parts) == 1:
        return parts[0][0]
    stacked = hstack(builder, [value for value, _ in parts])
    starts: dict[int, int] = {}
    at = 0
    for _, positions in parts:
        for i in positions:
            starts[i] = at
            at += widths[i]
    order = [starts[i] + k for i in range(len(widths)) for k in range(widths[i])]
    return select(builder, stacked, order)
