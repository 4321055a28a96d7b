"""Converters for scikit-learn's feature expansions: PolynomialFeatures and SplineTransformer.

This module owns their translation into Monomials and SplineBasis. For PolynomialFeatures it
replays the dense `transform`'s column bookkeeping to learn, for every output column, which earlier
column it multiplies by which feature, so the engine forms each product in scikit-learn's order;
for SplineTransformer it hands over each feature's knots, the shared coefficient matrix and the
boundary values and slopes that constant and linear extrapolation continue with.
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import PolynomialFeatures, SplineTransformer

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from .. import tables
from ..registry import FLOAT64, IDENTICAL, SPARSE_OUTPUT, register


def _terms(model) -> tuple[list[int], list[int], list[int]]:
    """(factors, previous, keep) for Monomials: column c of the full expansion is
    column previous[c] times feature factors[c] (−1: no such factor), as `transform` builds it."""
    n = model.n_features_in_
    factors: list[int] = []
    previous: list[int] = []
    if model.include_bias:
        factors.append(-1)
        previous.append(-1)
    if model._max_degree > 0:
        current = len(factors)
        factors += list(range(n))
        previous += [-1] * n
        index = list(range(current, current + n)) + [current + n]
        current += n
        for _ in range(2, model._max_degree + 1):
            new_index = []
            end = index[-1]
            for feature in range(n):
                start = index[feature]
                new_index.append(current)
                if model.interaction_only:
                    start += index[feature + 1] - index[feature]
                following = current + end - start
                if following <= current:
                    break
                factors += [feature] * (end - start)
                previous += list(range(start, end))
                current = following
            new_index.append(current)
            index = new_index
    full = len(factors)
    if full != model._n_out_full:
        raise UnsupportedModelError(f"PolynomialFeatures: expected {model._n_out_full} terms, derived {full}")
    kept = model.n_output_features_
    if model._min_degree > 1:
        keep = ([0] + list(range(full - kept + 1, full))) if model.include_bias else list(range(full - kept, full))
    else:
        keep = list(range(full))
    return factors, previous, keep


@register(PolynomialFeatures, methods={"transform": IDENTICAL}, note="degree, interaction_only, include_bias; dense input")
def polynomial_features(builder, model, x):
    factors, previous, keep = _terms(model)
    out = builder.add_node("Monomials", [x.name], builder.unique_name("monomials"), factors=factors, previous=previous, keep=keep)
    return {"transformed": Value(out, "float64", (BATCH, len(keep)))}


def _boundaries(model) -> list[tuple[int, int]]:
    """Per feature, for constant and linear extrapolation: the knot index d whose knots t[d] and
    t[-d - 1] bound the range evaluated as is, and how many splines at each end are continued
    beyond it. `transform` reads both from one variable that its linear branch raises, in place and
    for the features that follow, when it is 0 or 1; this replays that."""
    degree = model.degree
    found = []
    for _ in range(model.n_features_in_):
        knot = degree
        if model.extrapolation == "linear" and degree <= 1:
            degree += 1
        found.append((knot, degree))
    return found


@register(SplineTransformer, methods={"transform": FLOAT64}, note="every extrapolation, include_bias, handle_missing; dense output")
def spline_transformer(builder, model, x):
    splines = model.bsplines_
    coefficients = splines[0].c
    if any(not np.array_equal(s.c, coefficients) or len(s.t) != len(splines[0].t) for s in splines):
        raise UnsupportedModelError("SplineTransformer whose features have different spline coefficients is not supported")
    inputs = [x.name, builder.add_constant("knots", np.stack([s.t for s in splines])), builder.add_constant("coefficients", coefficients)]
    attributes = {"degree": model.degree, "extrapolation": model.extrapolation,
                  "missing": getattr(model, "handle_missing", "error")}
    if model.extrapolation in ("constant", "linear"):
        boundaries = _boundaries(model)
        low = [s.t[knot] for s, (knot, _) in zip(splines, boundaries, strict=True)]
        high = [s.t[-knot - 1] for s, (knot, _) in zip(splines, boundaries, strict=True)]
        values = [np.stack([s(b) for s, b in zip(splines, bounds, strict=True)]) for bounds in (low, high)]
        slopes = [np.stack([s(b, nu=1) for s, b in zip(splines, bounds, strict=True)]) for bounds in (low, high)]
        for name, table in zip(("value_low", "value_high", "slope_low", "slope_high"), values + slopes, strict=True):
            inputs.append(builder.add_constant(name, table))
        attributes["boundary_knots"] = [knot for knot, _ in boundaries]
        attributes["boundary_counts"] = [count for _, count in boundaries]
    n_splines = coefficients.shape[1]
    width = len(splines) * n_splines
    out = builder.add_node("SplineBasis", inputs, builder.unique_name("splines"), **attributes)
    basis = Value(out, "float64", (BATCH, width))
    if not model.include_bias:
        basis = tables.select(builder, basis, [j for j in range(width) if (j + 1) % n_splines != 0])
    outputs = {"transformed": basis}
    if model.sparse_output:
        outputs[SPARSE_OUTPUT] = "SplineTransformer(sparse_output=True) returns a sparse matrix: refit with sparse_output=False"
    return outputs
