"""LabelPropagation and LabelSpreading against scikit-learn's predict and predict_proba on the bundled
datasets, with most labels hidden at fit: the rbf kernel at several widths and the knn kernel (its
search by KD tree, ball tree or brute force, as NearestNeighbors chooses), and the refusal of a
kernel given as code.

Labels are compared on the rows whose two largest probabilities differ by more than rounding (and
the test requires those to be nearly all rows). scikit-learn's brute-force Euclidean search goes
through BLAS and may swap neighbours whose distances tie to rounding, so with the knn kernel over
such a search the rows whose k-th and next neighbour are that close are left out."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_proven
from scipy.spatial.distance import cdist
from sklearn.base import clone
from sklearn.semi_supervised import LabelPropagation, LabelSpreading
from sklearn.preprocessing import StandardScaler

import mle_runtime
from mle_runtime import UnsupportedModelError

DATA = ("iris", "wine", "breast_cancer", "digits")
ROBUST_MARGIN = 1e-7


def _semi_supervised(all_datasets, name):
    X, y = all_datasets[name]
    X = StandardScaler().fit_transform(X)
    hidden = np.random.default_rng(0).random(len(y)) < 0.7
    partial = np.where(hidden, -1, y)
    return X, partial, X + np.random.default_rng(1).normal(0.0, 0.2, X.shape)


def _rows_to_compare(model, rows):
    probabilities = model.predict_proba(rows)
    top = np.sort(probabilities, axis=1)[:, -2:]
    keep = top[:, 1] - top[:, 0] > ROBUST_MARGIN
    if model.kernel == "knn" and model.nn_fit._fit_method == "brute":
        k = model.nn_fit.n_neighbors
        distances = np.sort(cdist(rows, model.nn_fit._fit_X), axis=1)
        keep &= distances[:, k] - distances[:, k - 1] > ROBUST_MARGIN * np.maximum(distances[:, k], 1.0)
    assert keep.mean() > 0.97
    return keep


MODELS = {
    "propagation-rbf": LabelPropagation(kernel="rbf", gamma=0.5, max_iter=2000),
    "propagation-rbf-narrow": LabelPropagation(kernel="rbf", gamma=2.0, max_iter=2000),
    "propagation-knn": LabelPropagation(kernel="knn", n_neighbors=5, max_iter=2000),
    "spreading-rbf": LabelSpreading(kernel="rbf", gamma=0.3, alpha=0.3),
    "spreading-knn": LabelSpreading(kernel="knn", n_neighbors=9, alpha=0.1),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", MODELS)
def test_label_propagation(all_datasets, export_load, name, variant):
    X, partial, held_out = _semi_supervised(all_datasets, name)
    # The rbf widths suit the datasets' scale per feature; wider data needs a smaller gamma.
    model = clone(MODELS[variant])
    if model.kernel == "rbf":
        model.set_params(gamma=model.gamma * 4.0 / X.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence within max_iter is no concern here
        model.fit(X, partial)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["predict", "predict_proba"]
    for rows in (X, held_out):
        keep = _rows_to_compare(model, rows)
        assert_proven(model, "predict", loaded.predict(rows[keep]), model.predict(rows[keep]))
        assert_proven(model, "predict_proba", loaded.predict_proba(rows[keep]), model.predict_proba(rows[keep]))


def test_label_propagation_with_a_callable_kernel_is_refused(all_datasets, model_dir):
    X, partial, _ = _semi_supervised(all_datasets, "iris")

    def kernel(a, b):
        return np.exp(-cdist(a, b))

    model = LabelPropagation(kernel=kernel).fit(X, partial)
    with pytest.raises(UnsupportedModelError, match="callable"):
        mle_runtime.export_model(model, model_dir / "label_propagation_callable.mle")
