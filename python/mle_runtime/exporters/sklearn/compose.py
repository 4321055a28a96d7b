"""Converters for scikit-learn's column-wise composition: ColumnTransformer and FeatureUnion.

This module owns how their parts meet: which input columns each transformer reads (the indices
ColumnTransformer resolved at fit from names, positions, slices, masks or callables), the weights
applied to each output, and the side-by-side stacking of the outputs (a Table when strings pass
through beside numbers). It also tells which kind of value each input column must be, from its
parts. It converts no transformer itself; the registry finds each part's converter. A
ColumnTransformer that returns a sparse matrix (its output density fell below sparse_threshold)
is refused where that matrix would be the model's output.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import FeatureUnion

from ...errors import ModelError, UnsupportedModelError
from ...ir import Value
from .. import columns, tables
from ..columns import ANY
from ..registry import ANYTHING, IDENTICAL, SPARSE_OUTPUT, converter_for, register


def _fitted_parts(model: ColumnTransformer):
    """(name, transformer, input column indices) of every transformer that reads columns."""
    for name, transformer, selected in model.transformers_:
        indices = [int(i) for i in model._transformer_to_input_indices[name]]
        if not (isinstance(transformer, str) and transformer == "drop") and indices:
            if columns.takes_vector(transformer) and not np.isscalar(selected):
                # scikit-learn hands a text vectorizer a 1-D column only for a scalar selection; given
                # a frame it reads the column names as documents.
                raise UnsupportedModelError(f"ColumnTransformer part {name!r} ({type(transformer).__name__}) selects "
                                            f"{selected!r}: it reads one column, which must be named by a scalar ('text', "
                                            "not ['text'])")
            yield name, transformer, indices


def _part_kinds(transformer, n: int) -> list:
    return [ANY] * n if isinstance(transformer, str) and transformer == "passthrough" else columns.input_kinds(transformer, n)


@columns.kinds(ColumnTransformer)
def _column_transformer_kinds(model, n: int) -> list:
    found = [None] * n
    for _, transformer, indices in _fitted_parts(model):
        found = columns.merge(found, columns.spread(_part_kinds(transformer, len(indices)), indices, n))
    return found


@columns.kinds(FeatureUnion)
def _feature_union_kinds(model, n: int) -> list:
    parts = [_part_kinds(t, n) for _, t in model.transformer_list if not (isinstance(t, str) and t == "drop")]
    return columns.merge(*parts) if parts else [None] * n


def _transform(builder, name: str, transformer, x, weight) -> tuple[tables.Input, bool]:
    """A part's output (times its weight) and whether the part itself returns a sparse matrix."""
    if isinstance(transformer, str) and transformer == "passthrough":
        out, sparse = x, False
    else:
        outputs = converter_for(transformer)(builder, transformer, x)
        if "transformed" not in outputs:
            raise ModelError(f"part {name!r} ({type(transformer).__name__}) is not a transformer")
        out, sparse = outputs["transformed"], SPARSE_OUTPUT in outputs
    if weight is not None:
        value = tables.numeric(builder, out, f"the weighted part {name!r}")
        scaled = builder.add_node("Mul", [value.name, builder.add_constant("weight", np.float64(weight))], builder.unique_name("weighted"))
        out = Value(scaled, value.dtype, value.shape)
    return out, sparse


@register(ColumnTransformer, methods={"transform": IDENTICAL}, composed=True, tables=True, missing=ANYTHING,
          note="columns by name, position, slice, mask or callable; remainder; transformer_weights; dense output")
def column_transformer(builder, model, x):
    weights = model.transformer_weights or {}
    parts = [_transform(builder, name, t, tables.select(builder, x, indices), weights.get(name))[0]
             for name, t, indices in _fitted_parts(model)]
    if not parts:
        raise UnsupportedModelError("ColumnTransformer whose transformers read no columns (its output has no columns) is not supported")
    outputs = {"transformed": tables.hstack(builder, parts)}
    if model.sparse_output_:
        outputs[SPARSE_OUTPUT] = (f"ColumnTransformer returns a sparse matrix (its output's density is below sparse_threshold="
                                  f"{model.sparse_threshold}): refit with sparse_threshold=0")
    return outputs


@register(FeatureUnion, methods={"transform": IDENTICAL}, composed=True, tables=True, missing=ANYTHING, note="transformer_weights; dense output")
def feature_union(builder, model, x):
    weights = model.transformer_weights or {}
    results = [_transform(builder, name, t, x, weights.get(name)) for name, t in model.transformer_list
               if not (isinstance(t, str) and t == "drop")]
    if not results:
        raise UnsupportedModelError("FeatureUnion whose transformers are all dropped (its output has no columns) is not supported")
    outputs = {"transformed": tables.hstack(builder, [out for out, _ in results])}
    if any(sparse for _, sparse in results):
        outputs[SPARSE_OUTPUT] = "FeatureUnion returns a sparse matrix because one of its parts does: refit that part with dense output"
    return outputs
