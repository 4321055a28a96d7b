"""Values that are columns of different dtypes side by side, as converters pass them: a `Table`
of blocks (each one matrix of one dtype) where strings and numbers meet, a plain matrix elsewhere,
and the graph fragments that select, stack, regroup and reorder their columns.

This module owns those values and operations; it knows nothing of models, frameworks or the
registry, so that both the registry and the column signature (`columns`) can build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import ModelError
from ..ir import BATCH, GraphBuilder, Value

FLOAT = "float64"
STRING = "string"


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
