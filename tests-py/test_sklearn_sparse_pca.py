"""SparsePCA and MiniBatchSparsePCA transform against scikit-learn's own: a ridge regression of the
centred rows on the sparse components."""

from __future__ import annotations

import pytest
from conftest import assert_methods_match
from sklearn.decomposition import MiniBatchSparsePCA, SparsePCA
from sklearn.preprocessing import StandardScaler


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "diabetes"])
@pytest.mark.parametrize("estimator", [SparsePCA, MiniBatchSparsePCA])
@pytest.mark.parametrize("ridge_alpha", [0.01, 1.0])
def test_sparse_pca_transform(datasets, export_load, name, estimator, ridge_alpha):
    X, _ = datasets[name]
    scaled = StandardScaler().fit_transform(X)
    model = estimator(n_components=min(4, X.shape[1]), alpha=0.5, ridge_alpha=ridge_alpha, random_state=0, max_iter=20).fit(scaled)
    assert_methods_match(model, export_load(model), scaled)
    raw = estimator(n_components=min(3, X.shape[1]), ridge_alpha=ridge_alpha, random_state=0, max_iter=20).fit(X)
    assert_methods_match(raw, export_load(raw), X)
