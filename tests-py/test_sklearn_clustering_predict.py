"""Clusterers that label new rows, and feature agglomeration, against scikit-learn on the bundled
datasets: MeanShift and AffinityPropagation (nearest centre by pairwise_distances_argmin),
BisectingKMeans (a walk down its bisecting tree), FeatureAgglomeration (mean pooling), and the
refusals of what has no exact export.

scikit-learn measures the distances that choose a centre through BLAS matrix products, whose last
bits depend on the CPU's kernel: labels are compared on rows moved off the training rows by noise
and, where a row could sit within rounding of two centres, only on rows whose margin is far above
rounding (the test requires those to be nearly all rows)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_methods_match, assert_proven
from sklearn.cluster import AffinityPropagation, BisectingKMeans, FeatureAgglomeration, MeanShift

import mle_runtime
from mle_runtime import UnsupportedModelError

DATA = ("iris", "wine", "breast_cancer", "diabetes", "digits")
ROBUST_MARGIN = 1e-7


def _standardised(all_datasets, name):
    X = all_datasets[name][0]
    return (X - X.mean(axis=0)) / X.std(axis=0).clip(1e-12)


def _noisy(X):
    return X + np.random.default_rng(0).normal(0.0, 0.05, X.shape) * X.std(axis=0)


def _robust_to_nearest(rows, centres):
    """Rows whose nearest centre is nearer than the runner-up by far more than rounding."""
    squared = ((rows[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    if centres.shape[0] == 1:
        return np.ones(len(rows), dtype=bool)
    top = np.sort(squared, axis=1)[:, :2]
    keep = top[:, 1] - top[:, 0] > ROBUST_MARGIN * np.maximum(top[:, 1], 1.0)
    assert keep.mean() > 0.99
    return keep


@pytest.mark.parametrize("name", DATA)
def test_mean_shift_predicts(all_datasets, export_load, name):
    X = _standardised(all_datasets, name)
    if name == "digits":
        X = X[::3]
    model = MeanShift(bandwidth=0.8 * np.sqrt(X.shape[1])).fit(X)
    loaded = export_load(model)
    assert list(loaded.methods) == ["predict"]
    for rows in (X, _noisy(X)):
        keep = _robust_to_nearest(rows, model.cluster_centers_)
        assert_methods_match(model, loaded, rows[keep])
        assert loaded.predict(rows).dtype == model.predict(rows).dtype


@pytest.mark.parametrize("name", DATA)
def test_affinity_propagation_predicts(all_datasets, export_load, name):
    X = _standardised(all_datasets, name)
    model = AffinityPropagation(damping=0.9, max_iter=1000, random_state=0).fit(X)
    assert len(model.cluster_centers_)
    loaded = export_load(model)
    for rows in (X, _noisy(X)):
        keep = _robust_to_nearest(rows, model.cluster_centers_)
        assert_methods_match(model, loaded, rows[keep])


def test_affinity_propagation_without_centres_is_refused(all_datasets, model_dir):
    X = _standardised(all_datasets, "iris")
    precomputed = AffinityPropagation(affinity="precomputed", random_state=0).fit(-((X[:, None] - X[None]) ** 2).sum(axis=2))
    with pytest.raises(UnsupportedModelError, match="precomputed"):
        mle_runtime.export_model(precomputed, model_dir / "affinity_precomputed.mle")
    # A fit that finds no exemplar at all leaves zero centres (and scikit-learn then labels every row -1);
    # which data do that is a matter of chance, so the fitted model's centres are emptied here.
    unconverged = AffinityPropagation(random_state=0).fit(X)
    unconverged.cluster_centers_ = unconverged.cluster_centers_[:0]
    with pytest.warns(UserWarning, match="did not converge"):
        assert (unconverged.predict(X) == -1).all()
    with pytest.raises(UnsupportedModelError, match="did not converge"):
        mle_runtime.export_model(unconverged, model_dir / "affinity_unconverged.mle")


def _walk_margins(model, rows):
    """Per row, the smallest |‖x − c_left‖² − ‖x − c_right‖²| among the splits its walk meets."""
    margins = np.full(len(rows), np.inf)
    for i, row in enumerate(rows):
        node = model._bisecting_tree
        while node.left is not None:
            left, right = node.left.center + model._X_mean, node.right.center + model._X_mean
            d_left, d_right = ((row - left) ** 2).sum(), ((row - right) ** 2).sum()
            margins[i] = min(margins[i], abs(d_left - d_right) / max(d_left, d_right, 1.0))
            node = node.left if d_left <= d_right else node.right
    return margins


BISECTING = {
    "biggest_inertia": dict(n_clusters=5, bisecting_strategy="biggest_inertia"),
    "largest_cluster": dict(n_clusters=6, bisecting_strategy="largest_cluster"),
    "elkan": dict(n_clusters=4, algorithm="elkan"),
    "two": dict(n_clusters=2),
    "one": dict(n_clusters=1),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", BISECTING)
def test_bisecting_k_means_walks_its_tree(all_datasets, export_load, name, variant):
    X = _standardised(all_datasets, name)
    model = BisectingKMeans(random_state=0, **BISECTING[variant]).fit(X)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["predict", "transform"]
    for rows in (X, _noisy(X)):
        keep = _walk_margins(model, rows) > ROBUST_MARGIN
        assert keep.mean() > 0.99
        assert_methods_match(model, loaded, rows[keep])
        assert loaded.predict(rows).dtype == model.predict(rows).dtype
        # The tree walk is not the nearest centre: rows whose label differs from the nearest centre's
        # show that the walk, not an argmin, is what is exported.
        assert_proven(model, "transform", loaded.transform(rows), model.transform(rows))


def test_bisecting_k_means_walk_differs_from_the_nearest_centre(all_datasets, export_load):
    X = _standardised(all_datasets, "digits")
    model = BisectingKMeans(n_clusters=8, random_state=0).fit(X)
    nearest = np.argmin(((X[:, None, :] - model.cluster_centers_[None]) ** 2).sum(axis=2), axis=1)
    walked = model.predict(X)
    assert (nearest != walked).any()
    assert np.array_equal(export_load(model).predict(X), walked)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("linkage", ["ward", "average", "complete", "single"])
def test_feature_agglomeration_pools_by_mean(all_datasets, export_load, name, linkage):
    X = all_datasets[name][0]
    model = FeatureAgglomeration(n_clusters=min(3, X.shape[1] - 1), linkage=linkage).fit(X)
    loaded = export_load(model)
    for rows in (X, _noisy(X)):
        assert_methods_match(model, loaded, rows)
        # np.bincount's running sums in feature order, reproduced operation for operation.
        np.testing.assert_array_equal(loaded.transform(rows), model.transform(rows))


@pytest.mark.parametrize("pooling_func", [np.median, np.max])
def test_feature_agglomeration_with_another_pooling_is_refused(all_datasets, model_dir, pooling_func):
    model = FeatureAgglomeration(n_clusters=2, pooling_func=pooling_func).fit(all_datasets["iris"][0])
    with pytest.raises(UnsupportedModelError, match="pooling_func"):
        mle_runtime.export_model(model, model_dir / f"agglomeration_{pooling_func.__name__}.mle")
