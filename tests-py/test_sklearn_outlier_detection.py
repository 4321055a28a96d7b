"""Novelty and outlier detectors against scikit-learn's own outputs on the bundled datasets:
SGDOneClassSVM and LocalOutlierFactor(novelty=True) (predict, decision_function, score_samples), and
the refusal of LocalOutlierFactor without novelty, which has none of those for new rows.

Labels come from the sign of values that scikit-learn computes through BLAS; they are compared on
the rows whose decision is far above rounding (and the test requires those to be nearly all rows), so
that the comparison holds on AVX2 and AVX-512 machines alike. scikit-learn's brute-force search may
swap neighbours whose distances tie (to rounding, through BLAS, for Euclidean distances; exactly, when
it splits the work by training rows); LocalOutlierFactor over a brute-force search is compared on the
rows whose k-th and next neighbour are further apart than that (nearly all rows)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven

import mle_runtime
from mle_runtime import UnsupportedModelError
from scipy.spatial.distance import cdist
from sklearn.base import clone
from sklearn.linear_model import SGDOneClassSVM
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

DATA = ("iris", "wine", "breast_cancer", "diabetes", "digits")
ROBUST_MARGIN = 1e-7


def _standardised(all_datasets, name):
    X = StandardScaler().fit_transform(all_datasets[name][0])
    return X, X + np.random.default_rng(0).normal(0.0, 0.3, X.shape)


def _compare_detector(model, loaded, rows, offset):
    decision = model.decision_function(rows)
    keep = np.abs(decision) > ROBUST_MARGIN * max(abs(offset), 1.0)
    assert keep.mean() > 0.98
    predicted = loaded.predict(rows[keep])
    assert predicted.dtype == model.predict(rows[:1]).dtype
    assert_proven(model, "predict", predicted, model.predict(rows[keep]))
    assert_proven(model, "decision_function", loaded.decision_function(rows), decision)
    assert_proven(model, "score_samples", loaded.score_samples(rows), model.score_samples(rows))


SGD_ONE_CLASS = {
    "default": SGDOneClassSVM(random_state=0),
    "nu": SGDOneClassSVM(nu=0.2, random_state=0, max_iter=50, tol=None),
    "no-intercept": SGDOneClassSVM(nu=0.1, fit_intercept=False, random_state=1),
    "averaged": SGDOneClassSVM(nu=0.3, average=True, learning_rate="invscaling", eta0=0.05, random_state=2),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", SGD_ONE_CLASS)
def test_sgd_one_class_svm(all_datasets, export_load, name, variant):
    X, held_out = _standardised(all_datasets, name)
    model = clone(SGD_ONE_CLASS[variant]).fit(X)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["decision_function", "predict", "score_samples"]
    for rows in (X, held_out):
        _compare_detector(model, loaded, rows, float(model.offset_[0]))


LOCAL_OUTLIER_FACTORS = {
    "default": LocalOutlierFactor(novelty=True),
    "kd-tree": LocalOutlierFactor(n_neighbors=10, algorithm="kd_tree", leaf_size=8, novelty=True),
    "ball-tree-manhattan": LocalOutlierFactor(n_neighbors=15, algorithm="ball_tree", metric="manhattan", novelty=True),
    "brute-euclidean": LocalOutlierFactor(n_neighbors=7, algorithm="brute", contamination=0.1, novelty=True),
    "brute-manhattan": LocalOutlierFactor(n_neighbors=25, algorithm="brute", metric="manhattan", contamination=0.2,
                                          novelty=True),
    "kd-tree-chebyshev": LocalOutlierFactor(n_neighbors=12, algorithm="kd_tree", metric="chebyshev", novelty=True),
}


def _clear_neighbours(model, rows):
    """Rows whose k-th and (k+1)-th nearest training rows are further apart than rounding, for a
    brute-force search: scikit-learn's parallel strategies order equal distances differently, and its
    Euclidean distances go through BLAS. Every row for a tree, which both search alike, ties included."""
    if model._fit_method != "brute":
        return np.ones(len(rows), dtype=bool)
    k = model.n_neighbors_
    metric = {"manhattan": "cityblock"}.get(model.effective_metric_, model.effective_metric_)
    distances = np.sort(cdist(rows, model._fit_X, metric=metric), axis=1)
    return distances[:, k] - distances[:, k - 1] > ROBUST_MARGIN * np.maximum(distances[:, k], 1.0)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", LOCAL_OUTLIER_FACTORS)
def test_local_outlier_factor_novelty(all_datasets, export_load, name, variant):
    X, held_out = _standardised(all_datasets, name)
    model = clone(LOCAL_OUTLIER_FACTORS[variant]).fit(X[::2])
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["decision_function", "predict", "score_samples"]
    for rows in (X[1::2], held_out):
        clear = _clear_neighbours(model, rows)
        assert clear.mean() > 0.98
        _compare_detector(model, loaded, rows[clear], float(model.offset_))


def test_local_outlier_factor_without_novelty_is_refused(all_datasets, model_dir):
    model = LocalOutlierFactor().fit(all_datasets["iris"][0])
    with pytest.raises(UnsupportedModelError, match="novelty=True"):
        mle_runtime.export_model(model, model_dir / "lof.mle")
