"""Converters for scikit-learn's neighbour models: KNeighbors and RadiusNeighbors classifiers and
regressors, and NearestCentroid.

This module owns the translation of a fitted neighbour model into the engine's `Neighbors` operator
(the training set stored as a constant, searched by brute force or through the model's own KD or
ball tree so that equal distances resolve as in scikit-learn), `NeighborsAggregate` (votes or
weighted means) and the heads scikit-learn computes from them; and the `PairwiseDistance` fragment
the clustering converters share. It must not accept a metric, weighting or option whose arithmetic
it does not reproduce, but refuse it by name.
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestCentroid,
    RadiusNeighborsClassifier,
    RadiusNeighborsRegressor,
)

from ..errors import UnsupportedModelError
from ..ir import BATCH, GraphBuilder, Value
from .labels import label_strings
from .registry import FLOAT64, IDENTICAL, register
from .sklearn_common import _row_sums, _zero_indicator, class_labels, labels_from_scores

# scikit-learn's aliases of the metrics the engine computes (docs/OPERATORS.md, PairwiseDistance).
_METRIC_NAMES = {
    "euclidean": "euclidean", "l2": "euclidean", "sqeuclidean": "sqeuclidean", "manhattan": "manhattan", "l1": "manhattan",
    "cityblock": "manhattan", "chebyshev": "chebyshev", "infinity": "chebyshev", "minkowski": "minkowski", "p": "minkowski",
    "seuclidean": "seuclidean", "canberra": "canberra", "braycurtis": "braycurtis", "cosine": "cosine",
}

_NOTE = ("metrics euclidean, sqeuclidean, manhattan, chebyshev, minkowski (p, w), seuclidean, canberra, braycurtis, cosine; "
         "uniform or distance weights; brute force, KD or ball tree searched as scikit-learn does, ties included; "
         "with brute-force euclidean, sqeuclidean and cosine, which scikit-learn computes through BLAS, rows whose "
         "neighbours or distance weights rounding decides may differ from scikit-learn by CPU (limits in MODELS.md); "
         "single-output classifiers")


def _metric(model) -> tuple[str, float, np.ndarray | None]:
    """The engine's metric name, p and weights (w or V) for the model's effective metric."""
    name = type(model).__name__
    metric = model.effective_metric_
    if callable(metric) or metric not in _METRIC_NAMES:
        described = "a callable" if callable(metric) else repr(metric)
        raise UnsupportedModelError(f"{name} with metric={described} cannot be exported; supported metrics: {', '.join(sorted(_METRIC_NAMES))}")
    params = dict(model.effective_metric_params_ or {})
    p = params.pop("p", 2)
    weights = params.pop("w", None)
    if "V" in params:
        weights = params.pop("V")
    unknown = sorted(k for k, v in params.items() if v is not None)
    if unknown:
        raise UnsupportedModelError(f"{name} with metric_params {unknown} cannot be exported; supported: p, w (minkowski), V (seuclidean)")
    metric = _METRIC_NAMES[metric]
    if metric == "seuclidean" and weights is None:
        raise UnsupportedModelError(f"{name} with metric='seuclidean' needs metric_params={{'V': ...}} to be exported")
    return metric, float(p), None if weights is None else np.asarray(weights, dtype=np.float64)


def _check_weights(model) -> str:
    if model.weights not in ("uniform", "distance"):
        raise UnsupportedModelError(f"{type(model).__name__} with weights={model.weights!r} cannot be exported; "
                                    "supported: 'uniform', 'distance'")
    return model.weights


def _check_single_output(model) -> None:
    if getattr(model, "outputs_2d_", False):
        raise UnsupportedModelError(f"{type(model).__name__} fitted on several target columns cannot be exported; fit one per column")


def pairwise_distance(builder: GraphBuilder, x: Value, rows, metric: str = "euclidean", *, reduced: bool = False) -> Value:
    """[N, M] distances (squared for `reduced` euclidean) from each input row to each of `rows`."""
    rows = np.asarray(rows, dtype=np.float64)
    out = builder.add_node("PairwiseDistance", [x.name, builder.add_constant("rows", rows)], builder.unique_name("distances"),
                           metric=metric, reduced=int(reduced))
    return Value(out, "float64", (BATCH, rows.shape[0]))


def _neighbors(builder: GraphBuilder, model, x: Value, **search) -> tuple[Value, Value]:
    """(distances, indices) of each input row's neighbours among the model's training rows."""
    metric, p, weights = _metric(model)
    data = np.asarray(model._fit_X, dtype=np.float64)
    inputs = [x.name, builder.add_constant("training_rows", data), "" if weights is None else builder.add_constant("metric_weights", weights)]
    algorithm = model._fit_method if "k" in search else "brute"
    if algorithm in ("kd_tree", "ball_tree"):
        _, index, node_data, bounds = model._tree.get_arrays()
        nodes = np.column_stack([node_data["idx_start"], node_data["idx_end"], node_data["is_leaf"]]).astype(np.int64)
        inputs += [builder.add_constant("tree_index", np.asarray(index, dtype=np.int64)), builder.add_constant("tree_nodes", nodes),
                   builder.add_constant("tree_bounds", np.asarray(bounds, dtype=np.float64))]
        if algorithm == "ball_tree":
            inputs.append(builder.add_constant("tree_radius", np.asarray(node_data["radius"], dtype=np.float64)))
    elif algorithm != "brute":
        raise UnsupportedModelError(f"{type(model).__name__} fitted with algorithm {algorithm!r} cannot be exported")
    elif weights is None:
        inputs.pop()
    width = search.get("k", data.shape[0])
    # scikit-learn's brute force measures Euclidean distances in the expanded form ‖x‖² − 2x·y + ‖y‖²;
    # its trees, and every other metric, sum the features' terms.
    expanded = int(model._fit_method == "brute" and metric in ("euclidean", "sqeuclidean"))
    distances, indices = builder.add_node(
        "Neighbors", inputs, [builder.unique_name("neighbor_distances"), builder.unique_name("neighbor_indices")],
        metric=metric, p=p, algorithm=algorithm, expanded=expanded, **search,
    )
    return Value(distances, "float64", (BATCH, width)), Value(indices, "int64", (BATCH, width))


def _aggregate(builder: GraphBuilder, model, neighbours: tuple[Value, Value], mode: str, **attributes) -> Value:
    distances, indices = neighbours
    if mode == "vote":
        targets = np.asarray(model._y, dtype=np.int64)
    else:
        targets = np.asarray(model._y, dtype=np.float64)
    out = builder.add_node("NeighborsAggregate", [distances.name, indices.name, builder.add_constant("targets", targets)],
                           builder.unique_name(mode), mode=mode, weights=_check_weights(model), **attributes)
    if mode == "vote":
        return Value(out, "float64", (BATCH, attributes["n_classes"]))
    return Value(out, "float64", (BATCH,) if targets.ndim == 1 else (BATCH, targets.shape[1]))


def _row_normalised(builder: GraphBuilder, votes: Value, zero_rows_stay: bool) -> Value:
    """Each row divided by its sum; with `zero_rows_stay` a zero sum divides by 1 (scikit-learn's
    normalizer[normalizer == 0] = 1), which adding the 0/1 indicator of a zero sum does exactly."""
    total = _row_sums(builder, votes)
    if zero_rows_stay:
        total = builder.add_node("Add", [total, _zero_indicator(builder, total)], builder.unique_name("denominator"))
    return Value(builder.add_node("Div", [votes.name, total], builder.unique_name("probabilities")), "float64", votes.shape)


def _label(builder: GraphBuilder, scores: Value, classes, extra_label=None) -> Value:
    """`classes[argmax(scores)]`, the first maximum; `extra_label` names a last column beyond the classes."""
    if extra_label is None:
        return labels_from_scores(builder, scores, classes)
    index = builder.add_node("ArgMax", [scores.name], builder.unique_name("argmax"), axis=-1, keepdims=0)
    class_labels(builder, classes)
    dtype, rendered = label_strings(list(classes) + [extra_label])
    if dtype != builder.class_labels[0]:
        raise UnsupportedModelError(f"outlier_label {extra_label!r} is not of the kind of the class labels ({builder.class_labels[0]})")
    values = rendered if dtype == "string" else np.asarray(list(classes) + [extra_label]).astype(
        {"int64": np.int64, "float64": np.float64, "bool": np.bool_}[dtype])
    out = builder.add_node("LabelMap", [index, builder.add_constant("labels_and_outlier", values)], builder.unique_name("label"))
    return Value(out, dtype, (BATCH,))


@register(KNeighborsClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64}, note=_NOTE)
def k_neighbors_classifier(builder, model, x):
    _check_single_output(model)
    votes = _aggregate(builder, model, _neighbors(builder, model, x, k=int(model.n_neighbors)), "vote", n_classes=len(model.classes_))
    return {"label": _label(builder, votes, model.classes_), "probabilities": _row_normalised(builder, votes, False)}


@register(KNeighborsRegressor, methods={"predict": FLOAT64}, note=_NOTE)
def k_neighbors_regressor(builder, model, x):
    return {"variable": _aggregate(builder, model, _neighbors(builder, model, x, k=int(model.n_neighbors)), "mean")}


@register(RadiusNeighborsClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64},
          note=_NOTE + "; a row with no neighbour gets outlier_label (an error when there is none)")
def radius_neighbors_classifier(builder, model, x):
    _check_single_output(model)
    classes = list(model.classes_)
    outlier = None if model.outlier_label_ is None else model.outlier_label_[0]
    votes = _aggregate(builder, model, _neighbors(builder, model, x, radius=float(model.radius)), "vote", n_classes=len(classes),
                       require_neighbours=int(outlier is None))
    outputs = {}
    if outlier is None:
        outputs["label"] = _label(builder, votes, model.classes_)
    else:
        # A row without neighbours has all-zero votes. scikit-learn gives it probability 1 for the
        # outlier label when that is a class, and predicts the outlier label in any case: a 0/1
        # column marking such rows becomes the outlier class's vote, or an extra last class that
        # wins the argmax of an otherwise zero row.
        empty = _zero_indicator(builder, _row_sums(builder, votes))
        if outlier in classes:
            one_hot = np.zeros(len(classes))
            one_hot[classes.index(outlier)] = 1.0
            outlier_vote = builder.add_node("Mul", [empty, builder.add_constant("outlier_class", one_hot)], builder.unique_name("outlier_vote"))
            votes = Value(builder.add_node("Add", [votes.name, outlier_vote], builder.unique_name("votes")), "float64", votes.shape)
            outputs["label"] = _label(builder, votes, model.classes_)
        else:
            with_outlier = builder.add_node("Concat", [votes.name, empty], builder.unique_name("votes_and_outlier"), axis=1)
            outputs["label"] = _label(builder, Value(with_outlier, "float64", (BATCH, len(classes) + 1)), model.classes_, extra_label=outlier)
    outputs["probabilities"] = _row_normalised(builder, votes, True)
    return outputs


@register(RadiusNeighborsRegressor, methods={"predict": FLOAT64}, note=_NOTE + "; NaN for a row with no neighbour, as scikit-learn")
def radius_neighbors_regressor(builder, model, x):
    return {"variable": _aggregate(builder, model, _neighbors(builder, model, x, radius=float(model.radius)), "mean")}


@register(NearestCentroid, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64,
                                    "predict_log_proba": FLOAT64},
          note="predict_proba, predict_log_proba and decision_function with metric='euclidean', as scikit-learn")
def nearest_centroid(builder, model, x):
    from .sklearn_discriminant import discriminant_outputs

    if model.metric not in ("euclidean", "manhattan"):
        raise UnsupportedModelError(f"NearestCentroid with metric={model.metric!r} cannot be exported; supported: euclidean, manhattan")
    uniform = bool(np.isclose(model.class_prior_, 1 / len(model.classes_)).all())
    outputs = {}
    if uniform:
        distances = pairwise_distance(builder, x, model.centroids_, model.metric)
        negated = builder.add_node("Neg", [distances.name], builder.unique_name("negated"))
        outputs["label"] = _label(builder, Value(negated, "float64", distances.shape), model.classes_)
    if model.metric == "euclidean" or not uniform:
        std = np.asarray(model.within_class_std_dev_, dtype=np.float64)
        scale = np.where(std != 0, std, 1.0)
        centroids = np.array(model.centroids_, dtype=np.float64)
        centroids[:, std != 0] /= std[std != 0]
        normalised = builder.add_node("Div", [x.name, builder.add_constant("within_class_std", scale)], builder.unique_name("normalised"))
        distances = pairwise_distance(builder, Value(normalised, "float64", x.shape), centroids, model.metric)
        squared = builder.add_node("Mul", [distances.name, distances.name], builder.unique_name("squared"))
        negated = builder.add_node("Neg", [squared], builder.unique_name("negated"))
        log_prior = builder.add_constant("twice_log_prior", 2.0 * np.log(model.class_prior_))
        scores = Value(builder.add_node("Add", [negated, log_prior], builder.unique_name("scores")), "float64", (BATCH, len(model.classes_)))
        heads = discriminant_outputs(builder, scores, model.classes_)
        if model.metric == "euclidean":
            outputs = {**heads, **outputs}
        else:
            outputs["label"] = heads["label"]
    return outputs
