"""KNeighborsTransformer against scikit-learn's own transform (its kneighbors_graph, made dense) with
searches that do not go through BLAS (trees, and brute force with a summed metric)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from sklearn.neighbors import KNeighborsTransformer


@pytest.mark.parametrize("name", ["iris", "wine", "diabetes"])
@pytest.mark.parametrize("mode", ["connectivity", "distance"])
@pytest.mark.parametrize("search", [{"algorithm": "kd_tree"}, {"algorithm": "ball_tree"}, {"algorithm": "brute", "metric": "manhattan"}])
def test_the_neighbour_graph_is_scikit_learns_made_dense(datasets, export_load, name, mode, search):
    X, _ = datasets[name]
    model = KNeighborsTransformer(n_neighbors=4, mode=mode, **search).fit(X)
    queries = np.vstack([X[:40], X[:40] + np.random.default_rng(0).normal(0, 0.05, (40, X.shape[1])) * X.std(axis=0)])
    assert_proven(model, "transform", export_load(model).transform(queries), model.transform(queries).toarray())
