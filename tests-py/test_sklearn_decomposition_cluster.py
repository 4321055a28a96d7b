"""Decompositions, random projections and centroid clusterers against scikit-learn's transform and
predict on the bundled datasets."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from sklearn.base import clone
from sklearn.cluster import Birch, KMeans, MiniBatchKMeans
from sklearn.decomposition import PCA, FactorAnalysis, FastICA, IncrementalPCA, TruncatedSVD
from sklearn.random_projection import GaussianRandomProjection, SparseRandomProjection

DATA = ("iris", "wine", "breast_cancer", "digits", "diabetes")




TRANSFORMERS = {
    "PCA": PCA(n_components=3),
    "PCA-whiten": PCA(n_components=3, whiten=True),
    "PCA-full-whiten": PCA(whiten=True, svd_solver="full"),
    "PCA-randomized": PCA(n_components=2, svd_solver="randomized", random_state=0),
    "IncrementalPCA": IncrementalPCA(n_components=3),
    "IncrementalPCA-whiten": IncrementalPCA(n_components=2, whiten=True),
    "TruncatedSVD": TruncatedSVD(n_components=2, random_state=0),
    "FactorAnalysis": FactorAnalysis(n_components=2, max_iter=5, svd_method="lapack"),
    "FastICA": FastICA(n_components=2, random_state=0, max_iter=400),
    "FastICA-unwhitened": FastICA(whiten=False, random_state=0, max_iter=400),
    "GaussianRandomProjection": GaussianRandomProjection(n_components=3, random_state=0),
    "SparseRandomProjection": SparseRandomProjection(n_components=3, random_state=0),
    "SparseRandomProjection-dense": SparseRandomProjection(n_components=3, dense_output=True, density=0.5, random_state=1),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", TRANSFORMERS)
def test_transformers(all_datasets, export_load, name, variant):
    X = all_datasets[name][0]
    if variant == "FastICA-unwhitened":
        X = X[:, :3]
    model = clone(TRANSFORMERS[variant]).fit(X)
    loaded = export_load(model)
    assert list(loaded.methods) == ["transform"]
    assert_proven(model, "transform", loaded.transform(X), model.transform(X))


CLUSTERERS = {
    "KMeans": KMeans(n_clusters=4, n_init=2, random_state=0),
    "MiniBatchKMeans": MiniBatchKMeans(n_clusters=3, n_init=2, random_state=0),
    "Birch": Birch(n_clusters=3),
    "Birch-subclusters": Birch(n_clusters=None, threshold=0.8),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", CLUSTERERS)
def test_clusterers(all_datasets, export_load, name, variant):
    """On rows moved off the training rows: scikit-learn expands ‖x − c‖² through BLAS, which leaves
    a rounding residue (up to about 1e-7·‖x‖) instead of 0 where a row is itself a centre, as a
    Birch subcluster of one row is; the engine sums the squared differences."""
    X = all_datasets[name][0]
    if variant.startswith("Birch"):
        X = (X - X.mean(axis=0)) / X.std(axis=0).clip(1e-12)
    model = clone(CLUSTERERS[variant]).fit(X)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["predict", "transform"]
    queries = X + np.random.default_rng(0).normal(0.0, 0.01, X.shape) * X.std(axis=0)
    for method in ("predict", "transform"):
        assert_proven(model, method, getattr(loaded, method)(queries), getattr(model, method)(queries))
    assert loaded.predict(queries).dtype == model.predict(queries).dtype
