"""Converters for scikit-learn's centroid clusterers: KMeans, MiniBatchKMeans and Birch.

This module owns predict (the nearest centre, the first on a tie, as scikit-learn's argmin) and
transform (the Euclidean distance to every centre) on the engine's PairwiseDistance operator. The
distances are summed feature by feature; scikit-learn expands ‖x − c‖² through BLAS instead, which
agrees to about 1e-12 relative on the bundled datasets and can only pick another centre for a row
within rounding of two centres. It registers converters only.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import Birch, KMeans, MiniBatchKMeans

from ..ir import BATCH, GraphBuilder, Value
from .registry import FLOAT64, IDENTICAL, register
from .sklearn_neighbors import pairwise_distance


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
