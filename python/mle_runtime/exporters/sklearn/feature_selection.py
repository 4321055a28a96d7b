"""Converters for scikit-learn's feature selectors: the univariate ones, VarianceThreshold,
SelectFromModel, SequentialFeatureSelector, RFE and RFECV.

This module owns what a fitted selector computes: `transform` keeps the columns of its fitted mask
(`get_support()`, whatever score function or model produced it), and RFE/RFECV's predict,
predict_proba and decision_function are their fitted `estimator_`'s on those columns. The columns
are picked from a matrix or a Table alike (`tables.select`). It registers converters only.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_selection import (
    RFE,
    RFECV,
    GenericUnivariateSelect,
    SelectFdr,
    SelectFpr,
    SelectFromModel,
    SelectFwe,
    SelectKBest,
    SelectPercentile,
    SequentialFeatureSelector,
    VarianceThreshold,
)

from ...errors import UnsupportedModelError
from .. import tables
from ..registry import ANYTHING, BOTH_AS_DECLARED, IDENTICAL, register
from .composition import convert, roles_of


def _selected(builder, model, x):
    mask = np.asarray(model.get_support())
    if not mask.any():
        raise UnsupportedModelError(f"{type(model).__name__} selects no feature, so its transform has no columns to export")
    return tables.select(builder, x, np.flatnonzero(mask))


@register(SelectKBest, SelectPercentile, SelectFpr, SelectFdr, SelectFwe, GenericUnivariateSelect,
          SelectFromModel, SequentialFeatureSelector, missing=BOTH_AS_DECLARED, methods={"transform": IDENTICAL}, tables=True,
          note="any score function, threshold or model: the fitted mask")
def feature_selector(builder, model, x):
    return {"transformed": _selected(builder, model, x)}


# VarianceThreshold.transform validates nothing beyond the column count: NaN and infinity pass through.
register(VarianceThreshold, methods={"transform": IDENTICAL}, tables=True, missing=ANYTHING, note="the fitted mask")(feature_selector)


@register(RFE, RFECV, missing=BOTH_AS_DECLARED, methods={"transform": IDENTICAL, "predict": IDENTICAL, "predict_proba": IDENTICAL,
                               "decision_function": IDENTICAL}, composed=True, tables=True,
          note="transform, and the methods of its fitted estimator_ on the selected features")
def recursive_feature_elimination(builder, model, x):
    selected = _selected(builder, model, x)
    estimated = convert(builder, model.estimator_, selected, model)
    outputs = {role: estimated[role] for method in ("predict", "predict_proba", "decision_function") if hasattr(model, method)
               for role in roles_of(method) if role in estimated}
    outputs["transformed"] = selected
    return outputs
