"""Converters for scikit-learn's clusterers that label new rows: KMeans, MiniBatchKMeans, Birch,
BisectingKMeans, MeanShift and AffinityPropagation; and FeatureAgglomeration's pooling of features.

This module owns predict (the nearest centre, the first on a tie, as scikit-learn's argmin) and
transform (the Euclidean distance to every centre) on the engine's PairwiseDistance operator. The
distances are summed feature by feature; scikit-learn expands ‖x − c‖² through BLAS instead, which
agrees to about 1e-12 relative on the bundled datasets and can only pick another centre for a row
within rounding of two centres. MeanShift and AffinityPropagation predict through
`pairwise_distances_argmin`, whose expanded form the Neighbors operator reproduces; BisectingKMeans
walks its bisecting tree, at each split choosing the nearer of two centres by `‖c‖² − 2·x·c` as its
`_labels_inertia` does, which a TreeEnsemble over those differences walks the same way.
FeatureAgglomeration's mean pooling is a sum per cluster in feature order (np.bincount's) divided by
the cluster's size. It registers converters only.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import AffinityPropagation, Birch, BisectingKMeans, FeatureAgglomeration, KMeans, MeanShift, MiniBatchKMeans
from sklearn.utils.extmath import row_norms

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import column_to_vector
from .composition import column
from .neighbors import pairwise_distance


def _nearest(builder: GraphBuilder, x: Value, centres) -> str:
    squared = pairwise_distance(builder, x, centres, "sqeuclidean")
    negated = builder.add_node("Neg", [squared.name], builder.unique_name("negated"))
    return builder.add_node("ArgMax", [negated], builder.unique_name("nearest"), axis=-1, keepdims=0)


def _transformed(builder: GraphBuilder, x: Value, centres) -> Value:
    return pairwise_distance(builder, x, centres, "euclidean")


@register(KMeans, MiniBatchKMeans, methods={"predict": IDENTICAL, "transform": FLOAT64})
def k_means(builder, model, x):
    label = builder.add_node("Cast", [_nearest(builder, x, model.cluster_centers_)], builder.unique_name("label"), to="int32")
    return {"label": Value(label, "int32", (BATCH,)), "transformed": _transformed(builder, x, model.cluster_centers_)}


@register(Birch, methods={"predict": IDENTICAL, "transform": FLOAT64})
def birch(builder, model, x):
    labels = builder.add_constant("subcluster_labels", np.asarray(model.subcluster_labels_))
    label = builder.add_node("LabelMap", [_nearest(builder, x, model.subcluster_centers_), labels], builder.unique_name("label"))
    dtype = "int64" if np.asarray(model.subcluster_labels_).dtype.kind in "iu" else "float64"
    return {"label": Value(label, dtype, (BATCH,)), "transformed": _transformed(builder, x, model.subcluster_centers_)}


def _nearest_by_argmin(builder: GraphBuilder, x: Value, centres) -> Value:
    """`pairwise_distances_argmin(X, centres)`: scikit-learn's ArgKmin with k = 1 over squared Euclidean
    distances in the expanded form, the first centre on a tie."""
    centres = np.asarray(centres, dtype=np.float64)
    _, indices = builder.add_node("Neighbors", [x.name, builder.add_constant("centres", centres)],
                                  [builder.unique_name("nearest_distance"), builder.unique_name("nearest_index")],
                                  k=1, metric="euclidean", expanded=1)
    return column_to_vector(builder, Value(indices, "int64", (BATCH, 1)))


@register(MeanShift, methods={"predict": IDENTICAL})
def mean_shift(builder, model, x):
    return {"label": _nearest_by_argmin(builder, x, model.cluster_centers_)}


@register(AffinityPropagation, methods={"predict": IDENTICAL}, note="affinity='euclidean', fitted to convergence")
def affinity_propagation(builder, model, x):
    if not hasattr(model, "cluster_centers_"):
        raise UnsupportedModelError("AffinityPropagation(affinity='precomputed') has no cluster centres, and scikit-learn's "
                                    "own predict refuses it; fit it with affinity='euclidean'")
    if len(model.cluster_centers_) == 0:
        raise UnsupportedModelError("AffinityPropagation did not converge, so it has no cluster centres and labels every row "
                                    "-1; fit it to convergence (a larger max_iter or another damping)")
    return {"label": _nearest_by_argmin(builder, x, model.cluster_centers_)}


# TreeEnsemble's node word for a numeric split on feature j is j itself; its threshold is float32 bits.
_ZERO_THRESHOLD_BITS = 0


def _bisecting_splits(model):
    """The bisecting tree as TreeEnsemble arrays, internal nodes in preorder: (nodes [I, 4] int32,
    the two children's centres per split [2I, F] as `_predict_recursive` offsets them, leaf labels)."""
    nodes, centres, labels = [], [], []

    def visit(cluster) -> int:
        if cluster.left is None:
            labels.append(cluster.label)
            return ~(len(labels) - 1)
        index = len(nodes)
        nodes.append([index, 0, 0, _ZERO_THRESHOLD_BITS])
        pair = np.vstack((cluster.left.center, cluster.right.center))
        if hasattr(model, "_X_mean"):
            pair += model._X_mean
        centres.append(pair)
        nodes[index][1] = visit(cluster.left)
        nodes[index][2] = visit(cluster.right)
        return index

    visit(model._bisecting_tree)
    return np.asarray(nodes, dtype=np.int32).reshape(-1, 4), centres, np.asarray(labels, dtype=np.float64)


@register(BisectingKMeans, methods={"predict": IDENTICAL, "transform": FLOAT64})
def bisecting_k_means(builder, model, x):
    nodes, centres, labels = _bisecting_splits(model)
    transformed = _transformed(builder, x, model.cluster_centers_)
    if not len(nodes):
        return {"label": _constant_label(builder, x, int(labels[0])), "transformed": transformed}
    pairs = np.concatenate(centres)
    # scikit-learn's _labels_inertia compares ‖c‖² + (−2·x·c) between the two centres of a split (the
    # first on a tie); −2·c is exact, so one Gemm gives those values up to the dot products' order.
    half_distances = builder.add_node(
        "Gemm", [x.name, builder.add_constant("split_centres", -2.0 * pairs),
                 builder.add_constant("split_centre_norms", row_norms(pairs, squared=True))],
        builder.unique_name("split_distances"), transB=1)
    left = builder.add_node("GatherColumns", [half_distances], builder.unique_name("left_distances"),
                            indices=list(range(0, len(pairs), 2)))
    right = builder.add_node("GatherColumns", [half_distances], builder.unique_name("right_distances"),
                             indices=list(range(1, len(pairs), 2)))
    # left − right ≤ 0 exactly when left ≤ right: a rounded difference keeps the sign of the exact one.
    differences = builder.add_node("Sub", [left, right], builder.unique_name("split_differences"))
    walked = builder.add_node(
        "TreeEnsemble",
        [differences, builder.add_constant("tree_nodes", nodes), builder.add_constant("tree_roots", np.array([0], dtype=np.int32)),
         builder.add_constant("tree_leaves", labels.reshape(-1, 1)), builder.add_constant("tree_targets", np.array([0], dtype=np.int32))],
        builder.unique_name("walked"), n_targets=1, aggregate="sum", comparison="le", max_depth=len(nodes))
    label = builder.add_node("Cast", [walked], builder.unique_name("label"), to="int32")
    return {"label": column_to_vector(builder, Value(label, "int32", (BATCH, 1))), "transformed": transformed}


def _constant_label(builder: GraphBuilder, x: Value, label: int) -> Value:
    """`label` for every row: `x₀ > x₀` is false (index 0) for every number, NaN included."""
    first = column(builder, x, 0)
    never = builder.add_node("Greater", [first.name, first.name], builder.unique_name("never"))
    out = builder.add_node("LabelMap", [never, builder.add_constant("only_label", np.array([label], dtype=np.int32))],
                           builder.unique_name("label"))
    return Value(out, "int32", (BATCH,))


@register(FeatureAgglomeration, methods={"transform": FLOAT64}, note="pooling_func=np.mean (the default) only")
def feature_agglomeration(builder, model, x):
    if model.pooling_func is not np.mean:
        raise UnsupportedModelError(f"FeatureAgglomeration(pooling_func={getattr(model.pooling_func, '__name__', model.pooling_func)}) "
                                    "cannot be exported: a pooling function is code; the default, np.mean, converts")
    labels = np.asarray(model.labels_)
    members = np.zeros((len(labels), labels.max() + 1))
    members[np.arange(len(labels)), labels] = 1.0
    # Multiplying by 1 and adding the 0·x terms leave each running sum as np.bincount's, in feature order.
    sums = builder.add_node("MatMul", [x.name, builder.add_constant("cluster_members", members)], builder.unique_name("cluster_sums"))
    sizes = np.bincount(labels).astype(np.float64)
    out = builder.add_node("Div", [sums, builder.add_constant("cluster_sizes", sizes)], builder.unique_name("pooled"))
    return {"transformed": Value(out, "float64", (BATCH, len(sizes)))}
