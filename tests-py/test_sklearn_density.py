"""Density models and outlier detectors against scikit-learn's own outputs on the bundled datasets:
GaussianMixture and BayesianGaussianMixture with every covariance type (predict, predict_proba,
score_samples), and EllipticEnvelope (predict, decision_function, score_samples).

Labels come from comparing values that scikit-learn computes through BLAS matrix products, whose last
bits depend on the CPU's kernel; they are compared on the rows whose deciding margin is far above
rounding (and the test requires those to be nearly all rows), so that the comparison holds on AVX2
and AVX-512 machines alike."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_proven
from sklearn.base import clone
from sklearn.covariance import EllipticEnvelope
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture
from sklearn.preprocessing import StandardScaler

DATA = ("iris", "wine", "breast_cancer", "diabetes", "digits")
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

# A margin this far above float64 rounding of the values compared cannot be crossed by a different
# summation order.
ROBUST_MARGIN = 1e-7


def _standardised(all_datasets, name):
    X = StandardScaler().fit_transform(all_datasets[name][0])
    held_out = X + np.random.default_rng(0).normal(0.0, 0.1, X.shape)
    return X, held_out


def _robust_rows(scores):
    """Rows whose best score beats the runner-up by more than ROBUST_MARGIN relative to its size."""
    top = np.sort(scores, axis=1)[:, -2:]
    margin = top[:, 1] - top[:, 0]
    keep = margin > ROBUST_MARGIN * np.maximum(np.abs(top[:, 1]), 1.0)
    assert keep.mean() > 0.99
    return keep


def _compare_mixture(model, loaded, rows):
    assert sorted(loaded.methods) == ["predict", "predict_proba", "score_samples"]
    keep = _robust_rows(model._estimate_weighted_log_prob(rows))
    assert_proven(model, "predict", loaded.predict(rows[keep]), model.predict(rows[keep]))
    assert loaded.predict(rows).dtype == model.predict(rows).dtype
    assert_proven(model, "predict_proba", loaded.predict_proba(rows), model.predict_proba(rows))
    assert_proven(model, "score_samples", loaded.score_samples(rows), model.score_samples(rows))


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_mixture(all_datasets, export_load, name, covariance_type):
    X, held_out = _standardised(all_datasets, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence within max_iter is no concern here
        model = GaussianMixture(n_components=3, covariance_type=covariance_type, max_iter=30, random_state=0).fit(X)
    loaded = export_load(model)
    for rows in (X, held_out):
        _compare_mixture(model, loaded, rows)


BAYESIAN = {
    "dirichlet_process": dict(weight_concentration_prior_type="dirichlet_process"),
    "dirichlet_distribution": dict(weight_concentration_prior_type="dirichlet_distribution", weight_concentration_prior=0.5),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("prior", BAYESIAN)
def test_bayesian_gaussian_mixture(all_datasets, export_load, name, covariance_type, prior):
    X, held_out = _standardised(all_datasets, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BayesianGaussianMixture(n_components=4, covariance_type=covariance_type, max_iter=30, random_state=0,
                                        **BAYESIAN[prior]).fit(X)
    loaded = export_load(model)
    for rows in (X, held_out):
        _compare_mixture(model, loaded, rows)


ENVELOPES = {
    "default": EllipticEnvelope(random_state=0),
    "contamination": EllipticEnvelope(contamination=0.25, random_state=0),
    "support_fraction": EllipticEnvelope(support_fraction=0.9, contamination=0.05, random_state=0),
}


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "diabetes"])
@pytest.mark.parametrize("variant", ENVELOPES)
def test_elliptic_envelope(all_datasets, export_load, name, variant):
    X, held_out = _standardised(all_datasets, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a singular covariance on breast_cancer's correlated columns
        model = clone(ENVELOPES[variant]).fit(X)
    loaded = export_load(model)
    assert sorted(loaded.methods) == ["decision_function", "predict", "score_samples"]
    for rows in (X, held_out):
        decision = model.decision_function(rows)
        # The training rows include the one at the contamination percentile, whose decision is 0 up to
        # rounding: such rows are left out of the label comparison.
        keep = np.abs(decision) > ROBUST_MARGIN * np.maximum(np.abs(model.offset_), 1.0)
        assert keep.mean() > 0.98
        assert_proven(model, "predict", loaded.predict(rows[keep]), model.predict(rows[keep]))
        assert_proven(model, "decision_function", loaded.decision_function(rows), decision)
        assert_proven(model, "score_samples", loaded.score_samples(rows), model.score_samples(rows))
