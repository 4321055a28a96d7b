"""Converters for scikit-learn's SimpleImputer and MissingIndicator, on numeric and string columns.

This module owns the translation into Impute and IsMissing nodes, one per dtype among the input's
columns: the fill values are the imputer's `statistics_` as its transform casts them, columns
without any observed value at fit are dropped (unless `keep_empty_features`), and `add_indicator`
appends the indicator's columns. Missing means NaN in numbers and in strings, or the
`missing_values` the estimator was given, None and NaN told apart in strings as scikit-learn does;
it must not impute anything else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.impute import MissingIndicator, SimpleImputer

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from .. import columns, tables
from ..columns import ANY, NONE_STRING, is_missing, is_nan
from ..tables import FLOAT, STRING
from ..registry import IDENTICAL, register
from .common import column_labels


def _missing_attributes(missing_values: Any, dtype: str) -> dict[str, Any] | None:
    """Impute/IsMissing attributes for what counts as missing in columns of `dtype`; None when
    nothing in such a column can equal `missing_values` (a number among strings, say). Among
    strings None and NaN differ, as in scikit-learn; among numbers None arrives as NaN."""
    if is_nan(missing_values) or (missing_values is None and dtype != STRING):
        return {}
    if dtype == STRING:
        if missing_values is None:
            return {"missing_string": NONE_STRING}
        return {"missing_string": missing_values} if isinstance(missing_values, str) else None
    if isinstance(missing_values, (int, float, np.integer, np.floating)) and not isinstance(missing_values, bool):
        return {"missing_value": float(missing_values)}
    return None


@columns.kinds(SimpleImputer)
def _imputer_kinds(model, n: int) -> list[str]:
    if model._fit_dtype.kind != "O":
        return [FLOAT] * n
    # On object data a column without a numeric statistic (a string, None, or nothing seen) is read as
    # strings: a missing value fits there whatever its kind, a number found there later would not fit a number's place either.
    return [FLOAT if isinstance(v, (int, float, np.number)) and not is_missing(v) else STRING for v in model.statistics_.tolist()]


@columns.kinds(MissingIndicator)
def _indicator_kinds(model, n: int) -> list[str]:
    return [STRING if model.missing_values is None or isinstance(model.missing_values, str) else ANY] * n


def _imputed(builder: GraphBuilder, model, x: tables.Input) -> tables.Input:
    statistics = model.statistics_
    if model._fit_dtype.kind != "O":
        statistics = statistics.astype(model._fit_dtype, copy=False)
    names = column_labels(model, len(statistics))
    parts = []
    for group, positions in tables.by_dtype(builder, x):
        attributes = _missing_attributes(model.missing_values, group.dtype)
        if attributes is None:
            parts.append((group, positions))
            continue
        fill = [statistics[j] for j in positions]
        if group.dtype == STRING:
            wrong = [names[j] for j, v in zip(positions, fill, strict=True) if not isinstance(v, str) and not is_missing(v)]
            if wrong:
                raise UnsupportedModelError(f"SimpleImputer fills the string columns {wrong} with non-strings ({fill!r})")
            # A None statistic (the most frequent value, when None is not missing) fills in None.
            constant = np.array([NONE_STRING if v is None else "" if is_nan(v) else v for v in fill], dtype=object)
        else:
            constant = np.array([np.nan if is_missing(v) else float(v) for v in fill], dtype=np.float64)
        out = builder.add_node("Impute", [group.name, builder.add_constant("fill", constant)], builder.unique_name("imputed"), **attributes)
        parts.append((Value(out, group.dtype, group.shape), positions))
    stacked = tables.hstack(builder, [v for v, _ in parts])
    order = [p for _, positions in parts for p in positions]
    # Back in column order, without the columns that had no value at fit.
    kept = [j for j in range(len(statistics)) if model.keep_empty_features or not is_nan(model.statistics_[j])]
    return tables.select(builder, stacked, [order.index(j) for j in kept])


def _indicator(builder: GraphBuilder, model, x: tables.Input) -> tables.Input:
    n = model.n_features_in_ if hasattr(model, "n_features_in_") else model._n_features
    chosen = set(range(n)) if model.features == "all" else set(int(j) for j in model.features_)
    error_on_other = bool(model.error_on_new) and model.features == "missing-only"
    names = column_labels(model, n)
    parts = []
    for group, positions in tables.by_dtype(builder, x):
        attributes = _missing_attributes(model.missing_values, group.dtype)
        local = [k for k, j in enumerate(positions) if j in chosen]
        if attributes is None:
            # Nothing in these columns can equal missing_values, so none was chosen at fit (unless features="all").
            if local:
                raise UnsupportedModelError(
                    f"MissingIndicator(missing_values={model.missing_values!r}, features='all') over {group.dtype} columns is not supported"
                )
            continue
        out = builder.add_node("IsMissing", [group.name], builder.unique_name("is_missing"), columns=local,
                               error_on_other=int(error_on_other), column_names=[names[j] for j in positions], **attributes)
        parts.append((Value(out, "bool", (BATCH, len(local))), positions))
    widths = [1 if j in chosen else 0 for j in range(n)]
    return tables.reorder(builder, parts, widths)


@register(SimpleImputer, methods={"transform": IDENTICAL}, tables=True,
          note="mean, median, most_frequent, constant; numeric and string columns; add_indicator")
def simple_imputer(builder, model, x):
    imputed = _imputed(builder, model, x)
    if model.add_indicator:
        imputed = tables.hstack(builder, [imputed, _indicator(builder, model.indicator_, x)])
    return {"transformed": imputed}


@register(MissingIndicator, methods={"transform": IDENTICAL}, tables=True, note="numeric and string columns; error_on_new")
def missing_indicator(builder, model, x):
    return {"transformed": _indicator(builder, model, x)}
