"""Converters for scikit-learn's categorical encoders: OneHotEncoder, OrdinalEncoder, TargetEncoder,
LabelEncoder and LabelBinarizer, on string or numeric categories.

This module owns the translation of a fitted encoder into CategoryMap (each value → the codes of
its category) followed, for one-hot output, by OneHot. The codes are not re-derived from the
encoder's options: they are read off the encoder's own `transform` of a probe that holds every
category of every column once, plus one value it has never seen, so that infrequent categories,
dropped ones, missing-value categories and unknown handling come out exactly as scikit-learn
computes them. In string columns None and NaN are two categories, as scikit-learn has them (see
docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.preprocessing import LabelBinarizer, LabelEncoder, OneHotEncoder, OrdinalEncoder, TargetEncoder

from ...errors import ModelError, UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from .. import columns, tables
from ..columns import ANY, is_missing, is_nan
from ..tables import FLOAT, STRING
from ..registry import IDENTICAL, SPARSE_OUTPUT, register
from .common import column_labels


def _kind(categories: np.ndarray) -> str:
    """STRING for string categories, FLOAT for numbers, ANY for a column that only ever was missing."""
    values = [v for v in np.asarray(categories, dtype=object).tolist() if not is_missing(v)]
    if not values:
        return ANY
    if all(isinstance(v, (str, bytes)) for v in values):
        return STRING
    if not any(isinstance(v, (str, bytes)) for v in values):
        return FLOAT
    raise UnsupportedModelError(f"categories mixing strings and numbers in one column ({values[:5]!r}...) are not supported")


@columns.kinds(OneHotEncoder, OrdinalEncoder, TargetEncoder)
def _encoder_kinds(model, n: int) -> list[str]:
    return [_kind(c) for c in model.categories_]


def _keys(categories: np.ndarray, name: str) -> tuple[str, Any, int, int]:
    """A column's categories as CategoryMap keys: their dtype, the keys, and the indices of the NaN
    and None categories (-1 for none), whose keys are placeholders. Numbers hold one missing value
    (None reaches the engine as NaN there; scikit-learn fits no numeric column holding both)."""
    values = np.asarray(categories, dtype=object).tolist()
    nan = [i for i, v in enumerate(values) if is_nan(v)]
    none = [i for i, v in enumerate(values) if v is None]
    kind = _kind(categories)
    if kind == STRING:
        keys = ["" if is_missing(v) else v.decode() if isinstance(v, bytes) else v for v in values]
        return kind, keys, nan[0] if nan else -1, none[0] if none else -1
    keys = np.array([np.nan if is_missing(v) else float(v) for v in values], dtype=np.float64)
    return kind, keys, (nan + none)[0] if nan or none else -1, -1


def category_map(builder: GraphBuilder, x: tables.Input, categories: list, codes: list[np.ndarray], unknown: list | None,
                 names: list[str]) -> Value:
    """CategoryMap nodes (one per dtype among x's columns) giving each value of column j the row of
    codes[j] (shape [categories, W]) for its category, or unknown[j] (None: an error) for any other."""
    width = codes[0].shape[1] if codes else 1
    parts = []
    for group, positions in tables.by_dtype(builder, x):
        keyed = [_keys(categories[j], names[j]) for j in positions]
        for (kind, _, _, _), j in zip(keyed, positions, strict=True):
            if (kind == STRING) != (group.dtype == STRING) and kind != ANY:
                raise ModelError(f"{names[j]} has {kind} categories but receives {group.dtype} values")
        key_type = STRING if group.dtype == STRING else FLOAT
        all_keys = [k for _, keys, _, _ in keyed for k in (list(keys) if key_type == STRING else keys.tolist())]
        key_constant = all_keys if key_type == STRING else np.asarray(all_keys, dtype=np.float64)
        sizes = [len(keys) for _, keys, _, _ in keyed]
        attributes: dict[str, Any] = {
            "width": width,
            "missing_keys": [nan for _, _, nan, _ in keyed],
            "none_keys": [none for _, _, _, none in keyed],
            "column_names": [names[j] for j in positions],
        }
        if unknown is not None:
            attributes["on_unknown"] = "code"
            attributes["unknown_codes"] = np.concatenate([np.asarray(unknown[j], dtype=np.float64).reshape(-1) for j in positions])
        out = builder.add_node(
            "CategoryMap",
            [
                group.name,
                builder.add_constant("category_keys", np.array(key_constant, dtype=object) if key_type == STRING else key_constant),
                builder.add_constant("category_codes", np.concatenate([codes[j].reshape(-1) for j in positions])),
                builder.add_constant("category_offsets", np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)),
            ],
            builder.unique_name("codes"),
            **attributes,
        )
        parts.append((Value(out, FLOAT, (BATCH, len(positions) * width)), positions))
    return tables.reorder(builder, parts, [width] * len(categories))


def _probe(model, allow_unknown: bool) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The encoder's transform of every category of every column (the other columns at their first
    category), plus one unseen value per column when unknown values are allowed; returns the
    output and, per column, the first probe row and the number of its rows."""
    cats = [np.asarray(c, dtype=object) for c in model.categories_]
    n = len(cats)
    rows: list[list[Any]] = []
    spans = []
    for j, c in enumerate(cats):
        spans.append((len(rows), len(c) + allow_unknown))
        for value in c.tolist() + ([_unseen(c)] if allow_unknown else []):
            row = [cats[i][0] for i in range(n)]
            row[j] = value
            rows.append(row)
    probe = _container(model, rows, cats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = model.transform(probe)
    out = out.toarray() if hasattr(out, "toarray") else np.asarray(out)
    return out.astype(np.float64), spans


def _unseen(categories: np.ndarray) -> Any:
    """A value of the column's kind that is none of its categories."""
    if _kind(categories) == STRING:
        known = set(categories.tolist())
        value = "\x01unseen"
        while value in known:
            value += "\x01"
        return value
    finite = [float(v) for v in categories.tolist() if not is_missing(v)]
    return max(finite, default=0.0) + 1.0


def _container(model, rows: list[list[Any]], cats: list[np.ndarray]) -> Any:
    """The probe rows as the encoder was fitted: a DataFrame with its columns, else an array."""
    names = getattr(model, "feature_names_in_", None)
    data = np.array(rows, dtype=object).reshape(len(rows), len(cats))
    if names is None:
        return data if any(_kind(c) != FLOAT for c in cats) else data.astype(np.float64)
    import pandas as pd

    # Object columns stay object: pandas would otherwise read None among strings as NaN.
    return pd.DataFrame({name: pd.Series(data[:, j], dtype=object) if _kind(cats[j]) != FLOAT else data[:, j].astype(np.float64)
                         for j, name in enumerate(names)})


def _one_hot_codes(model, out: np.ndarray, spans, allow_unknown: bool) -> tuple[list[np.ndarray], list | None]:
    starts = np.concatenate([[0], np.cumsum(model._n_features_outs)])
    codes, unknown = [], []
    for j, (first, count) in enumerate(spans):
        block = out[first:first + count, starts[j]:starts[j + 1]]
        hot = np.where(block.any(axis=1), block.argmax(axis=1), -1).astype(np.float64)
        n_known = count - allow_unknown
        codes.append(hot[:n_known].reshape(-1, 1))
        unknown.append(hot[n_known:])
    return codes, unknown if allow_unknown else None


@register(OneHotEncoder, methods={"transform": IDENTICAL}, tables=True,
          note="string and numeric categories, every handle_unknown, drop, infrequent categories; output is dense")
def one_hot_encoder(builder, model, x):
    allow_unknown = model.handle_unknown != "error"
    out, spans = _probe(model, allow_unknown)
    codes, unknown = _one_hot_codes(model, out, spans, allow_unknown)
    mapped = category_map(builder, x, model.categories_, codes, unknown, column_labels(model, len(codes)))
    hot = builder.add_node("OneHot", [mapped.name], builder.unique_name("one_hot"), sizes=[int(s) for s in model._n_features_outs])
    outputs = {"transformed": _in_dtype(builder, Value(hot, FLOAT, (BATCH, int(sum(model._n_features_outs)))), model.dtype)}
    if model.sparse_output:
        outputs[SPARSE_OUTPUT] = "OneHotEncoder(sparse_output=True) returns a sparse matrix: refit with sparse_output=False"
    return outputs


@register(OrdinalEncoder, methods={"transform": IDENTICAL}, tables=True,
          note="string and numeric categories, handle_unknown, encoded_missing_value, infrequent categories")
def ordinal_encoder(builder, model, x):
    allow_unknown = model.handle_unknown != "error"
    out, spans = _probe(model, allow_unknown)
    codes = [out[first:first + count - allow_unknown, j].reshape(-1, 1) for j, (first, count) in enumerate(spans)]
    unknown = [out[first + count - 1:first + count, j] for j, (first, count) in enumerate(spans)] if allow_unknown else None
    encoded = category_map(builder, x, model.categories_, codes, unknown, column_labels(model, len(codes)))
    return {"transformed": _in_dtype(builder, encoded, model.dtype)}


def _in_dtype(builder: GraphBuilder, value: Value, dtype: Any) -> Value:
    """The encoder's output in its `dtype` parameter's dtype (float64 unless asked otherwise)."""
    target = np.dtype(dtype)
    name = {"f": "float32" if target.itemsize == 4 else FLOAT, "i": "int32" if target.itemsize == 4 else "int64", "b": "bool"}.get(target.kind)
    if name is None or name == FLOAT:
        return value
    return Value(builder.add_node("Cast", [value.name], builder.unique_name("encoded"), to=name), name, value.shape)


@register(TargetEncoder, methods={"transform": IDENTICAL}, tables=True,
          note="transform (fit_transform's cross-fitted encodings are not a model); binary, multiclass and continuous targets")
def target_encoder(builder, model, x):
    out, spans = _probe(model, True)
    width = out.shape[1] // len(model.categories_)
    codes = [out[first:first + count - 1, j * width:(j + 1) * width] for j, (first, count) in enumerate(spans)]
    unknown = [out[first + count - 1, j * width:(j + 1) * width] for j, (first, count) in enumerate(spans)]
    return {"transformed": category_map(builder, x, model.categories_, codes, unknown, column_labels(model, len(codes)))}


@columns.vector_input(LabelEncoder, LabelBinarizer)
def _label_dtype(model) -> str:
    return STRING if _kind(model.classes_) == STRING else FLOAT


@register(LabelEncoder, methods={"transform": IDENTICAL}, note="transform of a vector of labels; an unseen label is an error")
def label_encoder(builder, model, y):
    column = builder.add_node("Reshape", [y.name], builder.unique_name("labels"), shape=[BATCH, 1])
    codes = np.arange(len(model.classes_), dtype=np.float64).reshape(-1, 1)
    mapped = category_map(builder, Value(column, y.dtype, (BATCH, 1)), [model.classes_], [codes], None, ["the label"])
    vector = builder.add_node("Reshape", [mapped.name], builder.unique_name("codes"), shape=[BATCH])
    out = builder.add_node("Cast", [vector], builder.unique_name("encoded"), to="int64")
    return {"transformed": Value(out, "int64", (BATCH,))}


@register(LabelBinarizer, methods={"transform": IDENTICAL},
          note="transform of a vector of labels into int64 rows of neg_label and pos_label; an unseen label gives a row of "
               "neg_label, except with two classes, where it is an error (scikit-learn then returns two columns instead of "
               "one); not fitted on a label indicator matrix; dense output")
def label_binarizer(builder, model, y):
    if model.y_type_.startswith("multilabel"):
        raise UnsupportedModelError("LabelBinarizer fitted on a label indicator matrix cannot be exported: its transform "
                                    "takes a matrix, not a vector of labels")
    n_classes = len(model.classes_)
    # Each class's row is what scikit-learn's own transform gives it (pos_label where it is the class,
    # neg_label elsewhere, a single column for two classes).
    rows = model.transform(model.classes_)
    rows = np.asarray(rows.toarray() if hasattr(rows, "toarray") else rows, dtype=np.float64)
    unknown = None if n_classes == 2 else [np.full(rows.shape[1], float(model.neg_label))]
    column = builder.add_node("Reshape", [y.name], builder.unique_name("labels"), shape=[BATCH, 1])
    mapped = category_map(builder, Value(column, y.dtype, (BATCH, 1)), [model.classes_], [rows], unknown, ["the label"])
    out = builder.add_node("Cast", [mapped.name], builder.unique_name("binarized"), to="int64")
    outputs = {"transformed": Value(out, "int64", (BATCH, rows.shape[1]))}
    if model.sparse_output:
        outputs[SPARSE_OUTPUT] = "LabelBinarizer(sparse_output=True) returns a scipy sparse matrix; set sparse_output=False"
    return outputs
