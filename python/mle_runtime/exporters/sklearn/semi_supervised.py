"""Converters for scikit-learn's semi-supervised label propagation: LabelPropagation and LabelSpreading.

This module owns `BaseLabelPropagation.predict_proba` for new rows: each row's kernel weights against
the training rows (`X_`) times their fitted `label_distributions_` — the rbf kernel as
`rbf_kernel(X_, X)`, or with the knn kernel the sum of the distributions of the row's nearest
training rows, found by the model's own `nn_fit` search — divided by the row's total, and predict as
the class of the first largest probability. It registers converters only and must not accept a
kernel given as code.
"""

from __future__ import annotations

import numpy as np
from sklearn.semi_supervised import LabelPropagation, LabelSpreading

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import labels_from_scores
from .neighbors import _neighbors


@register(LabelPropagation, LabelSpreading, methods={"predict": IDENTICAL, "predict_proba": FLOAT64},
          note="rbf and knn kernels (the knn search as KNeighbors models); a row whose rbf weights all underflow gets NaN "
               "probabilities and the first class, as scikit-learn")
def label_propagation(builder, model, x):
    distributions = np.asarray(model.label_distributions_, dtype=np.float64)
    n_classes = distributions.shape[1]
    if model.kernel == "rbf":
        training_rows = np.ascontiguousarray(np.asarray(model.X_, dtype=np.float64).T)
        weights = builder.add_node("KernelMatrix", [x.name, builder.add_constant("training_rows", training_rows)],
                                   builder.unique_name("rbf_weights"), kernel="rbf", convention="pairwise", gamma=float(model.gamma))
        totals = builder.add_node("MatMul", [weights, builder.add_constant("label_distributions", distributions)],
                                  builder.unique_name("weighted_distributions"))
    elif model.kernel == "knn":
        search = model.nn_fit
        distances, indices = _neighbors(builder, search, x, k=int(search.n_neighbors))
        # The mean of the neighbours' distributions is their sum over k; the division by the row's
        # total below cancels the k.
        totals = builder.add_node("NeighborsAggregate", [distances.name, indices.name,
                                                         builder.add_constant("label_distributions", distributions)],
                                  builder.unique_name("neighbour_distributions"), mode="mean", weights="uniform")
    else:
        described = "a callable" if callable(model.kernel) else repr(model.kernel)
        raise UnsupportedModelError(f"{type(model).__name__} with kernel={described} cannot be exported; supported: 'rbf', 'knn'")
    row_totals = builder.add_node("ReduceSum", [totals], builder.unique_name("normalizer"), axis=-1, keepdims=1)
    probabilities = Value(builder.add_node("Div", [totals, row_totals], builder.unique_name("probabilities")), "float64",
                          (BATCH, n_classes))
    return {"probabilities": probabilities, "label": labels_from_scores(builder, probabilities, model.classes_)}
