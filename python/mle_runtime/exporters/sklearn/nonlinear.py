"""Converters for scikit-learn's non-linear transformations: QuantileTransformer and PowerTransformer.

This module owns their translation into QuantileTransform (numpy's interpolation through the fitted
quantiles, uniform or normal output; the normal output's clipping bounds are computed here with
scipy, exactly as scikit-learn computes them) and PowerTransform (Yeo-Johnson or Box-Cox per column,
then the fitted standardisation). It must not refit anything: every number comes from the fitted
estimator.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.preprocessing import PowerTransformer, QuantileTransformer
from sklearn.preprocessing._data import BOUNDS_THRESHOLD

from ...ir import Value
from ..registry import FLOAT64, register
from .common import column_labels
from .preprocessing import standard_scaler


@register(QuantileTransformer, methods={"transform": FLOAT64}, note="uniform and normal output")
def quantile_transformer(builder, model, x):
    attributes = {"output": model.output_distribution}
    if model.output_distribution == "normal":
        attributes["clip_min"] = float(stats.norm.ppf(BOUNDS_THRESHOLD - np.spacing(1)))
        attributes["clip_max"] = float(stats.norm.ppf(1 - (BOUNDS_THRESHOLD - np.spacing(1))))
    out = builder.add_node(
        "QuantileTransform",
        [x.name, builder.add_constant("quantiles", model.quantiles_), builder.add_constant("references", model.references_)],
        builder.unique_name("quantiles"),
        **attributes,
    )
    return {"transformed": Value(out, "float64", x.shape)}


@register(PowerTransformer, methods={"transform": FLOAT64}, note="yeo-johnson and box-cox, with or without standardize")
def power_transformer(builder, model, x):
    out = builder.add_node(
        "PowerTransform",
        [x.name, builder.add_constant("lambdas", model.lambdas_)],
        builder.unique_name("power"),
        method=model.method,
        column_names=column_labels(model, model.n_features_in_),
    )
    transformed = Value(out, "float64", x.shape)
    if model.standardize:
        transformed = standard_scaler(builder, model._scaler, transformed)["transformed"]
    return {"transformed": transformed}
