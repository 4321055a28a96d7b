"""Converters for scikit-learn's neighbour models: KNeighbors and RadiusNeighbors classifiers and
regressors, NearestCentroid, KernelDensity and LocalOutlierFactor (novelty=True).

This module owns the translation of a fitted neighbour model into the engine's `Neighbors` operator
(the training set stored as a constant, searched by brute force or through the model's own KD or
ball tree so that equal distances resolve as in scikit-learn), `NeighborsAggregate` (votes or
weighted means) and the heads scikit-learn computes from them; KernelDensity's log density as the
exact sum its tree means to compute with rtol = atol = 0 (every log kernel of the distances to the
training rows, combined by LogSumExp, plus the kernel's normalisation); LocalOutlierFactor's reachability
densities of new rows against the training rows' own; and the `PairwiseDistance` fragment the
clustering converters share. It must not accept a metric, weighting or option whose arithmetic
it does not reproduce, but refuse it by name.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.neighbors import (
    KernelDensity,
    KNeighborsClassifier,
    KNeighborsRegressor,
    KNeighborsTransformer,
    LocalOutlierFactor,
    NearestCentroid,
    RadiusNeighborsClassifier,
    RadiusNeighborsRegressor,
)

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..labels import label_strings
from ..registry import FLOAT64, IDENTICAL, register
from .common import _row_sums, _zero_indicator, class_labels, column_to_vector, labels_from_scores

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
    from .discriminant import discriminant_outputs

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


# The metrics a KernelDensity tree measures that the engine's PairwiseDistance computes the same way
# (feature by feature, as scikit-learn's DistanceMetric).
_DENSITY_METRICS = {"euclidean": "euclidean", "l2": "euclidean", "manhattan": "manhattan", "l1": "manhattan",
                    "cityblock": "manhattan", "chebyshev": "chebyshev", "infinity": "chebyshev", "minkowski": "minkowski"}


def _log_volume(n: int) -> float:
    """log V_n, the volume of the unit n-ball, as the tree's `logVn`."""
    return 0.5 * n * math.log(math.pi) - math.lgamma(0.5 * n + 1)


def _log_surface(n: int) -> float:
    """log S_n, as the tree's `logSn`."""
    return math.log(2 * math.pi) + _log_volume(n - 1)


def _log_kernel_norm(h: float, d: int, kernel: str) -> float:
    """The tree's `_log_kernel_norm`: the log of the factor that makes each kernel integrate to 1 in d dimensions."""
    if kernel == "gaussian":
        factor = 0.5 * d * math.log(2 * math.pi)
    elif kernel == "tophat":
        factor = _log_volume(d)
    elif kernel == "epanechnikov":
        factor = _log_volume(d) + math.log(2.0 / (d + 2.0))
    elif kernel == "exponential":
        factor = _log_surface(d - 1) + math.lgamma(d)
    elif kernel == "linear":
        factor = _log_volume(d) - math.log(d + 1.0)
    else:
        factor, term = 0.0, 2.0 / math.pi
        for k in range(1, d + 1, 2):
            factor += term
            term *= -(d - k) * (d - k - 1) * (2.0 / math.pi) ** 2
        if factor <= 0:
            raise UnsupportedModelError(
                f"KernelDensity(kernel='cosine') in {d} dimensions cannot be exported: scikit-learn's normalisation of the "
                "cosine kernel takes the log of a sum that is not positive in this dimension, so its score_samples is NaN"
            )
        factor = math.log(factor) + _log_surface(d - 1)
    return -factor - d * math.log(h)


def _log_kernel(builder: GraphBuilder, distances: Value, h: float, kernel: str) -> str:
    """The tree's `compute_log_kernel` of every distance, in its order of operations; −∞ beyond a
    compact kernel's support (d ≥ h), where log 0 gives it."""
    def constant(hint: str, value: float) -> str:
        return builder.add_constant(hint, np.float64(value))

    def node(op: str, inputs: list[str], hint: str, **attributes) -> str:
        return builder.add_node(op, inputs, builder.unique_name(hint), **attributes)

    d = distances.name
    if kernel == "gaussian":
        squared = node("Mul", [d, d], "squared_distances")
        return node("Div", [node("Mul", [constant("minus_half", -0.5), squared], "scaled"), constant("h_squared", h * h)],
                    "log_kernel")
    if kernel == "exponential":
        return node("Div", [node("Neg", [d], "negated"), constant("bandwidth", h)], "log_kernel")
    within = node("Cast", [node("Greater", [constant("bandwidth", h), d], "within_bandwidth")], "within_as_float", to="float64")
    if kernel == "tophat":
        return node("Log", [within], "log_kernel")
    one = constant("one", 1.0)
    if kernel == "epanechnikov":
        squared = node("Mul", [d, d], "squared_distances")
        # 1 − d²/h² is ≤ 0 exactly where d ≥ h; Relu turns it into 0, whose log is −∞.
        rest = node("Sub", [one, node("Div", [squared, constant("h_squared", h * h)], "ratio")], "one_minus_ratio")
        return node("Log", [node("Relu", [rest], "kernel")], "log_kernel")
    if kernel == "linear":
        rest = node("Sub", [one, node("Div", [d, constant("bandwidth", h)], "ratio")], "one_minus_ratio")
        return node("Log", [node("Relu", [rest], "kernel")], "log_kernel")
    # cosine: cos(½π·d/h) for d < h; beyond, cos(π/2) is not 0 in floating point, so the 0/1 mask zeroes it.
    angle = node("Div", [node("Mul", [constant("half_pi", 0.5 * math.pi), d], "scaled"), constant("bandwidth", h)], "angle")
    masked = node("Mul", [node("Cos", [angle], "cosine"), within], "kernel")
    return node("Log", [masked], "log_kernel")


@register(KernelDensity, methods={"score_samples": FLOAT64},
          note="kernels gaussian, tophat, epanechnikov, exponential, linear, cosine (not in the dimensions where scikit-learn's "
               "cosine normalisation is NaN); metrics euclidean, manhattan, chebyshev, minkowski; sample weights; rtol=0 and "
               "atol=0 (the defaults); 1e-9 where scikit-learn's tree sums exactly (some training row's log kernel above "
               "−18); farther rows get the exact sum (−∞ beyond a compact kernel's support), where the tree's bounds lose "
               "precision (limits in MODELS.md)")
def kernel_density(builder, model, x):
    if model.rtol != 0 or model.atol != 0:
        raise UnsupportedModelError(
            f"KernelDensity(rtol={model.rtol}, atol={model.atol}) cannot be exported: its tree then approximates the sum "
            "by node bounds that depend on the order of its search; rtol=0 and atol=0 (the defaults) compute it exactly"
        )
    metric = model.metric
    params = dict(model.metric_params or {})
    p = float(params.pop("p", 2.0))
    if metric not in _DENSITY_METRICS or params:
        raise UnsupportedModelError(
            f"KernelDensity with metric={metric!r}{' and metric_params ' + str(sorted(params)) if params else ''} cannot be "
            f"exported; supported: {', '.join(sorted(_DENSITY_METRICS))} (minkowski with p)"
        )
    tree = model.tree_
    data = np.asarray(tree.data, dtype=np.float64)
    n_rows, n_features = data.shape
    h = float(model.bandwidth_)
    distances = Value(builder.add_node("PairwiseDistance", [x.name, builder.add_constant("training_rows", data)],
                                       builder.unique_name("distances"), metric=_DENSITY_METRICS[metric], p=p),
                      "float64", (BATCH, n_rows))
    log_kernels = _log_kernel(builder, distances, h, model.kernel)
    if tree.sample_weight is None:
        total_weight = float(n_rows)
    else:
        weights = np.asarray(tree.sample_weight, dtype=np.float64)
        total_weight = float(tree.sum_weight)
        log_kernels = builder.add_node("Add", [log_kernels, builder.add_constant("log_sample_weight", np.log(weights))],
                                       builder.unique_name("weighted_log_kernel"))
    log_sum = builder.add_node("LogSumExp", [log_kernels], builder.unique_name("log_sum"))
    log_norm = builder.add_constant("log_kernel_norm", np.float64(_log_kernel_norm(h, n_features, model.kernel)))
    normalised = builder.add_node("Add", [log_sum, log_norm], builder.unique_name("log_density"))
    per_row = builder.add_node("Sub", [normalised, builder.add_constant("log_total_weight", np.float64(np.log(total_weight)))],
                               builder.unique_name("score_samples"))
    return {"score_samples": column_to_vector(builder, Value(per_row, "float64", (BATCH, 1)))}


def _gathered(builder: GraphBuilder, distances: Value, indices: Value, j: int, per_row: np.ndarray) -> Value:
    """per_row[indices[:, j]]: the mean over one neighbour of NeighborsAggregate, which is the value itself."""
    columns = [builder.add_node("GatherColumns", [v.name], builder.unique_name(f"neighbour_{j}"), indices=[j]) for v in (distances, indices)]
    out = builder.add_node("NeighborsAggregate", [*columns, builder.add_constant("training_values", per_row)],
                           builder.unique_name(f"gathered_{j}"), mode="mean", weights="uniform")
    return Value(out, "float64", (BATCH,))


@register(LocalOutlierFactor, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "score_samples": FLOAT64},
          note="novelty=True; the metrics and searches of the KNeighbors models; with a brute-force search, rows whose k-th "
               "and next neighbour tie (to rounding through BLAS for euclidean, sqeuclidean and cosine) may differ from "
               "scikit-learn (limits in MODELS.md)")
def local_outlier_factor(builder, model, x):
    if not model.novelty:
        raise UnsupportedModelError(
            "LocalOutlierFactor(novelty=False) cannot be exported: it has no predict, decision_function or score_samples "
            "for new rows (only fit_predict on its training rows); fit it with novelty=True"
        )
    k = int(model.n_neighbors_)
    distances, indices = _neighbors(builder, model, x, k=k)
    k_distances = np.asarray(model._distances_fit_X_[:, k - 1], dtype=np.float64)
    training_densities = np.asarray(model._lrd, dtype=np.float64)
    # _local_reachability_density: 1 / (mean(max(d(x, o), k-distance(o))) + 1e-10) over the neighbours o.
    reach = []
    for j in range(k):
        distance = builder.add_node("GatherColumns", [distances.name], builder.unique_name(f"distance_{j}"), indices=[j])
        k_distance = builder.add_node("Reshape", [_gathered(builder, distances, indices, j, k_distances).name],
                                      builder.unique_name(f"k_distance_{j}"), shape=[BATCH, 1])
        reach.append(builder.add_node("Clip", [distance, k_distance, builder.add_constant("infinity", np.float64(np.inf))],
                                      builder.unique_name(f"reach_{j}")))
    reach_matrix = builder.add_node("Concat", reach, builder.unique_name("reach_distances"), axis=1) if k > 1 else reach[0]
    reach_sum = builder.add_node("ReduceSum", [reach_matrix], builder.unique_name("reach_sum"), axis=-1, keepdims=0)
    mean_reach = builder.add_node("Div", [reach_sum, builder.add_constant("k", np.float64(k))], builder.unique_name("mean_reach"))
    shifted = builder.add_node("Add", [mean_reach, builder.add_constant("epsilon", np.float64(1e-10))], builder.unique_name("shifted"))
    density = builder.add_node("Div", [builder.add_constant("one", np.float64(1.0)), shifted], builder.unique_name("density"))
    ratios = [builder.add_node("Div", [_gathered(builder, distances, indices, j, training_densities).name, density],
                               builder.unique_name(f"density_ratio_{j}")) for j in range(k)]
    ratio_sum = ratios[0]
    for ratio in ratios[1:]:
        ratio_sum = builder.add_node("Add", [ratio_sum, ratio], builder.unique_name("ratio_sum"))
    mean_ratio = builder.add_node("Div", [ratio_sum, builder.add_constant("k", np.float64(k))], builder.unique_name("mean_ratio"))
    score_samples = builder.add_node("Neg", [mean_ratio], builder.unique_name("score_samples"))
    decision = builder.add_node("Sub", [score_samples, builder.add_constant("offset", np.float64(model.offset_))],
                                builder.unique_name("decision"))
    inlier = builder.add_node("GreaterOrEqual", [decision, builder.add_constant("zero", np.float64(0.0))], builder.unique_name("inlier"))
    label = builder.add_node("LabelMap", [inlier, builder.add_constant("outlier_labels", np.array([-1, 1], dtype=np.int64))],
                             builder.unique_name("label"))
    return {
        "score_samples": Value(score_samples, "float64", (BATCH,)),
        "scores": Value(decision, "float64", (BATCH,)),
        "label": Value(label, "int64", (BATCH,)),
    }


@register(KNeighborsTransformer, methods={"transform": FLOAT64},
          note="kneighbors_graph of the query rows, dense: connectivity or distance (n_neighbors + 1 then, as scikit-learn); "
               "the search and its limits as KNeighbors models'")
def k_neighbors_transformer(builder, model, x):
    from .composition import as_column, binary, column, indicator, running_sum

    k = int(model.n_neighbors) + (model.mode == "distance")
    distances, indices = _neighbors(builder, model, x, k=k)
    training_rows = np.arange(len(model._fit_X))
    # Row i holds, in the column of each of its neighbours, 1 or the distance to it: one 0/1 row per
    # neighbour rank, the neighbours of a row being distinct.
    ranks = []
    for j in range(k):
        marks = indicator(builder, column(builder, indices, j), training_rows, 1.0, 0.0)
        if model.mode == "distance":
            marks = binary(builder, "Mul", marks, as_column(builder, column(builder, distances, j)), "neighbour_distance")
        ranks.append(marks)
    graph = running_sum(builder, ranks)
    return {"transformed": Value(graph.name, "float64", (BATCH, len(training_rows)))}

