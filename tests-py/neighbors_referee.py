"""A referee for neighbour models whose distances scikit-learn computes through BLAS.

scikit-learn's brute-force search measures Euclidean and squared Euclidean distances in the expanded
form ‖x‖² − 2x·y + ‖y‖² and cosine distances as 1 − x̂·ŷ, both through BLAS, so their last bits
depend on the BLAS kernel the CPU gets (OpenBLAS picks SkylakeX kernels on AVX-512 CPUs, Haswell
kernels on AVX2 ones). Near-tied neighbours then swap, and a query that equals a training row gets a
distance of 0 on one CPU and a rounding residue on another. Neither the engine's output nor
scikit-learn's can be the oracle for those rows; this module is one that no BLAS kernel touches.

It computes every distance exactly enough (long double, direct differences) and bounds what any
computation of the expanded form may make of it: δ = 2(d + 3)·u·(‖x‖² + ‖y‖²) for squared Euclidean
distances and 4(d + 3)·u for cosine distances, u = 2⁻⁵³, whatever the summation order. From these it
derives, per query row, every neighbour set a computation within δ could select (candidates within δ
of the k-th distance, or of the radius, may go either way), and scikit-learn's own aggregation of
each set (its `predict`/`predict_proba` over those neighbours at their exact distances). An output is
admissible when it equals one of those, to the promised tolerance widened by how much δ can move a
distance weight. A row is *decided* when it has one admissible set and distance weights cannot
move its output by a tenth of the tolerance; there, the engine must match scikit-learn itself.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import numpy as np

UNIT_ROUNDOFF = 2.0 ** -53
BLAS_METRICS = ("euclidean", "sqeuclidean", "cosine")
_MAX_SETS = 4096


def uses_blas_distances(model) -> bool:
    """Whether scikit-learn's own search for this fitted neighbour model goes through BLAS."""
    return getattr(model, "_fit_method", None) == "brute" and model.effective_metric_ in BLAS_METRICS


@dataclass
class Judgement:
    """Per query row: the outputs of every admissible neighbour set (`candidates[method][row]`, a list),
    the tolerance each candidate allows beyond the promised one, and whether the row is decided."""

    candidates: dict[str, list[list[np.ndarray]]]
    widening: dict[str, list[list[float]]]
    decided: np.ndarray


def _keys_and_bounds(model, X):
    """Exact distance keys (squared for Euclidean, as sklearn ranks them) and their rounding bounds, [queries, rows]."""
    train = np.asarray(model._fit_X, dtype=np.float64)
    metric = model.effective_metric_
    d = train.shape[1]
    long_train = train.astype(np.longdouble)
    keys = np.empty((len(X), len(train)), dtype=np.longdouble)
    bounds = np.empty((len(X), len(train)))
    for start in range(0, len(X), 64):
        block = np.asarray(X[start:start + 64], dtype=np.float64)
        long_block = block.astype(np.longdouble)
        if metric == "cosine":
            norms_x = np.sqrt((long_block ** 2).sum(axis=1))
            norms_y = np.sqrt((long_train ** 2).sum(axis=1))
            norms_x[norms_x == 0] = 1
            norms_y[norms_y == 0] = 1
            keys[start:start + 64] = 1 - (long_block @ long_train.T) / np.outer(norms_x, norms_y)
            bounds[start:start + 64] = 4 * (d + 3) * UNIT_ROUNDOFF
        else:
            keys[start:start + 64] = ((long_block[:, None, :] - long_train[None, :, :]) ** 2).sum(axis=2)
            squares = (block ** 2).sum(axis=1)[:, None] + (train ** 2).sum(axis=1)[None, :]
            bounds[start:start + 64] = 2 * (d + 3) * UNIT_ROUNDOFF * squares
    # The square root, and the radius's own square, round too.
    bounds += 4 * UNIT_ROUNDOFF * np.abs(keys.astype(np.float64))
    return keys, bounds


def _distance(model, keys):
    """The distance scikit-learn reports for an exact key."""
    values = np.asarray(keys, dtype=np.float64)
    return np.sqrt(np.maximum(values, 0)) if model.effective_metric_ == "euclidean" else np.maximum(values, 0)


def _k_sets(keys, bounds, k):
    """Neighbour sets of size k that rounding within `bounds` could select, each sorted by exact key."""
    order = np.argsort(keys, kind="stable")
    low = (keys - bounds)[order]
    high = (keys + bounds)[order]
    sorted_low = np.sort(low)
    sorted_high = np.sort(high)
    # A candidate is surely in when fewer than k others could come before it, surely out when at
    # least k others surely do.
    could_precede = np.searchsorted(sorted_low, high, side="right") - 1
    surely_precede = np.searchsorted(sorted_high, low, side="left")
    sure = order[could_precede < k]
    band = order[(could_precede >= k) & (surely_precede < k)]
    slots = k - len(sure)
    return _bounded(itertools.combinations(band, slots), len(band), slots, lambda chosen: np.concatenate([sure, chosen]), keys)


def _radius_sets(keys, bounds, threshold):
    """Neighbour sets within the radius that rounding within `bounds` could select."""
    sure = np.flatnonzero(keys + bounds <= threshold)
    band = np.flatnonzero((keys + bounds > threshold) & (keys - bounds <= threshold))
    subsets = itertools.chain.from_iterable(itertools.combinations(band, n) for n in range(len(band) + 1))
    return _bounded(subsets, len(band), None, lambda chosen: np.concatenate([sure, np.asarray(chosen, dtype=np.intp)]), keys)


def _bounded(choices, band, slots, build, keys):
    count = 2 ** band if slots is None else _binomial(band, slots)
    if count > _MAX_SETS:
        raise AssertionError(f"the referee cannot decide a row: {count} admissible neighbour sets")
    sets = []
    for chosen in choices:
        members = build(np.asarray(chosen, dtype=np.intp)).astype(np.intp)
        sets.append(members[np.argsort(keys[members], kind="stable")])
    return sets


def _binomial(n, r):
    from math import comb

    return comb(n, r)


def _widening(model, keys, bounds, members, scale):
    """How far the output of one neighbour set may move beyond the promised tolerance, for the engine
    and for scikit-learn, when its distances are any within their bounds: distance weights 1/d move by
    the relative error of d; a training row equal to the query is at 0 for the engine (the expanded
    form of a row and itself cancels exactly, and then it takes all the weight), and may be at a
    residue of up to √δ for scikit-learn, or for either side with cosine distances."""
    if model.weights != "distance" or len(members) == 0:
        return 0.0, 0.0
    exact = _distance(model, keys[members])
    bound = bounds[members]
    zero = exact == 0
    if zero.all():
        return 0.0, 0.0
    if zero.any():
        residue = np.sqrt(bound[zero].max()) if model.effective_metric_ == "euclidean" else bound[zero].max()
        framework = 4.0 * len(members) * residue / exact[~zero].min() * scale
        return (framework if model.effective_metric_ == "cosine" else 0.0), framework
    squared = np.asarray(keys[members], dtype=np.float64)
    relative = bound / (2 * squared) if model.effective_metric_ == "euclidean" else bound / exact
    weights = 4.0 * float(relative.max()) * scale
    return weights, weights


def judge(model, X, methods, scale) -> Judgement:
    """Every admissible output of `methods` per row of X for a fitted KNeighbors or RadiusNeighbors
    model, computed by scikit-learn's own aggregation over the referee's neighbour sets."""
    keys, bounds = _keys_and_bounds(model, X)
    by_radius = getattr(model, "n_neighbors", None) is None
    if by_radius:
        threshold = model.radius ** 2 if model.effective_metric_ == "euclidean" else model.radius
        row_sets = [_radius_sets(keys[i], bounds[i], threshold) for i in range(len(X))]
    else:
        row_sets = [_k_sets(keys[i], bounds[i], model.n_neighbors) for i in range(len(X))]
    flat = [(i, members) for i, sets in enumerate(row_sets) for members in sets]
    rows = np.array([i for i, _ in flat])
    distances = [_distance(model, keys[i, members]) for i, members in flat]
    indices = [members for _, members in flat]
    referee = _with_neighbours(model, distances, indices, by_radius)
    candidates = {}
    for method in methods:
        outputs = getattr(referee, method)(np.asarray(X)[rows])
        per_row = [[] for _ in range(len(X))]
        for (i, _), output in zip(flat, outputs):
            per_row[i].append(output)
        candidates[method] = per_row
    widening = {"engine": [[] for _ in range(len(X))], "framework": [[] for _ in range(len(X))]}
    for i, members in flat:
        engine, framework = _widening(model, keys[i], bounds[i], members, scale)
        widening["engine"][i].append(engine)
        widening["framework"][i].append(framework)
    decided = np.array([len(sets) == 1 for sets in row_sets])
    return Judgement(candidates, widening, decided)


def _with_neighbours(model, distances, indices, by_radius):
    """A copy of the model that aggregates the given neighbours instead of searching (its search
    strategy set to a tree so that scikit-learn's brute-force shortcuts, which search themselves, are
    not taken)."""
    referee = copy.copy(model)
    referee._fit_method = "ball_tree"
    if by_radius:
        dist = np.empty(len(distances), dtype=object)
        ind = np.empty(len(indices), dtype=object)
        for j, (dd, ii) in enumerate(zip(distances, indices)):
            dist[j], ind[j] = dd, ii
    else:
        dist, ind = np.vstack(distances), np.vstack(indices)

    def neighbours(X=None, *args, return_distance=True, **kwargs):
        return (dist, ind) if return_distance else ind

    if by_radius:
        referee.radius_neighbors = neighbours
    else:
        referee.kneighbors = neighbours
    return referee


def admissible(judgement: Judgement, method: str, actual, tolerance: float, scale: float, side: str) -> np.ndarray:
    """Per row, whether `actual` (from `side`: "engine" or "framework") equals one of the admissible
    outputs (labels exactly; floats within the promised tolerance plus that set's widening)."""
    actual = np.asarray(actual)
    result = np.zeros(len(actual), dtype=bool)
    for i, row in enumerate(actual):
        for candidate, widening in zip(judgement.candidates[method][i], judgement.widening[side][i]):
            candidate = np.asarray(candidate)
            if candidate.dtype.kind not in "fc":
                ok = np.array_equal(row, candidate)
            else:
                row = row.astype(np.float64)
                both_missing = np.isnan(row) & np.isnan(candidate)
                close = np.abs(row - candidate) <= tolerance * np.abs(candidate) + tolerance * 1e-2 * scale + widening
                ok = bool(np.all(both_missing | close))
            if ok:
                result[i] = True
                break
    return result
