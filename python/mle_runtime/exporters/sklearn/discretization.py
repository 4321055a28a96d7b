"""Converters for scikit-learn's discretizers: KBinsDiscretizer and Binarizer.

This module owns their translation: KBinsDiscretizer into Bucketize over the inner bin edges
(numpy's `searchsorted(..., side="right")`, as its transform) and, for one-hot encoding, OneHot over
the bins; Binarizer into `X > threshold` as 0.0 or 1.0. Sparse one-hot output is refused (use
encode="onehot-dense"), since the engine computes dense arrays.
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import Binarizer, KBinsDiscretizer

from ...ir import BATCH, Value
from ..registry import IDENTICAL, SPARSE_OUTPUT, register
from .common import column_labels


@register(KBinsDiscretizer, methods={"transform": IDENTICAL}, note="every strategy; ordinal and onehot-dense encodings")
def kbins_discretizer(builder, model, x):
    inner = [np.asarray(edges, dtype=np.float64)[1:-1] for edges in model.bin_edges_]
    source = x.name
    if model.dtype is not None and np.dtype(model.dtype) == np.float32:
        source = builder.add_node("Cast", [x.name], builder.unique_name("x_float32"), to="float32")
    out = builder.add_node(
        "Bucketize",
        [
            source,
            builder.add_constant("bin_edges", np.concatenate(inner) if inner else np.zeros(0)),
            builder.add_constant("bin_offsets", np.concatenate([[0], np.cumsum([len(e) for e in inner])]).astype(np.int64)),
        ],
        builder.unique_name("bins"),
        column_names=column_labels(model, len(inner)),
    )
    bins = Value(out, "float64", x.shape)
    if model.encode == "ordinal":
        return {"transformed": bins}
    sizes = [int(n) for n in model.n_bins_]
    hot = builder.add_node("OneHot", [bins.name], builder.unique_name("one_hot"), sizes=sizes)
    outputs = {"transformed": Value(hot, "float64", (BATCH, sum(sizes)))}
    if model.encode == "onehot":
        outputs[SPARSE_OUTPUT] = "KBinsDiscretizer(encode='onehot') returns a sparse matrix: refit with encode='onehot-dense'"
    return outputs


@register(Binarizer, methods={"transform": IDENTICAL})
def binarizer(builder, model, x):
    above = builder.add_node("Greater", [x.name, builder.add_constant("threshold", np.float64(model.threshold))],
                             builder.unique_name("above"))
    out = builder.add_node("Cast", [above], builder.unique_name("binarized"), to="float64")
    return {"transformed": Value(out, "float64", x.shape)}
