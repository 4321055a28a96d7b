"""KernelDensity against scikit-learn's score_samples on the bundled datasets: every kernel, the
euclidean, manhattan, chebyshev and minkowski metrics, KD and ball trees, breadth- and depth-first
searches, sample weights, rows far from every training row (the log density in log space, without
underflow) and beyond a compact kernel's support (−∞): there, where scikit-learn's tree loses
precision, against the exact sum computed directly; and the refusals: tolerances that make the tree approximate, and the
dimensions where scikit-learn's cosine normalisation is NaN."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from scipy.spatial.distance import cdist
from scipy.special import logsumexp
from sklearn.neighbors import KernelDensity
from sklearn.preprocessing import StandardScaler

import mle_runtime
from mle_runtime import UnsupportedModelError

DATA = ("iris", "wine", "breast_cancer", "diabetes", "digits")
KERNELS = ("gaussian", "tophat", "epanechnikov", "exponential", "linear", "cosine")


def _standardised(all_datasets, name):
    X = StandardScaler().fit_transform(all_datasets[name][0])
    rng = np.random.default_rng(0)
    return X, X + rng.normal(0.0, 0.3, X.shape)


# scikit-learn's tree (rtol = atol = 0) sums exactly while some training row's kernel value is not
# tiny; beyond, its bounds, subtracted in log space, lose precision (a relative error near 1e-10 when
# the nearest row's log kernel is −24, of 30% at −390), and a row beyond every compact kernel's support
# gets the rounding residue of its bounds instead of −∞. Rows whose best log kernel is above this are
# compared with scikit-learn; the others with the exact sum, computed directly.
TREE_EXACT_LOG_KERNEL = -18.0

_SCIPY_METRICS = {"euclidean": "euclidean", "manhattan": "cityblock", "chebyshev": "chebyshev", "minkowski": "minkowski"}


def _log_kernel_norm(model):
    """scikit-learn's own kernel normalisation for this model: the log density of a one-row model at that row."""
    one_row = KernelDensity(kernel=model.kernel, bandwidth=model.bandwidth_, metric=model.metric,
                            metric_params=model.metric_params).fit(np.zeros((1, model.n_features_in_)))
    return float(one_row.score_samples(np.zeros((1, model.n_features_in_)))[0])


def _log_kernels(model, rows):
    """Every log kernel value of the rows against the training rows, computed directly."""
    params = dict(model.metric_params or {})
    d = cdist(rows, model.tree_.data, metric=_SCIPY_METRICS[model.metric], **({"p": params["p"]} if "p" in params else {}))
    h = model.bandwidth_
    with np.errstate(divide="ignore"):
        inside = np.where(d < h, 1.0, 0.0)
        return {
            "gaussian": -0.5 * d**2 / h**2,
            "exponential": -d / h,
            "tophat": np.log(inside),
            "epanechnikov": np.log(np.maximum(1.0 - d**2 / h**2, 0.0)),
            "linear": np.log(np.maximum(1.0 - d / h, 0.0)),
            "cosine": np.log(np.cos(0.5 * np.pi * d / h) * inside),
        }[model.kernel]


def _compare(model, loaded, rows, decided_share=0.5):
    assert list(loaded.methods) == ["score_samples"]
    actual = loaded.score_samples(rows)
    log_kernels = _log_kernels(model, rows)
    weights = model.tree_.sample_weight
    total = log_kernels if weights is None else log_kernels + np.log(weights)
    n = model.tree_.sum_weight if weights is not None else len(model.tree_.data)
    exact = logsumexp(total, axis=1) + _log_kernel_norm(model) - np.log(n)
    decided = log_kernels.max(axis=1) > TREE_EXACT_LOG_KERNEL
    assert decided.mean() >= decided_share
    if decided.any():
        assert_proven(model, "score_samples", actual[decided], model.score_samples(rows[decided]))
    np.testing.assert_allclose(actual[~decided], exact[~decided], rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("kernel", [k for k in KERNELS if k != "cosine"])
def test_kernel_density_kernels(all_datasets, export_load, name, kernel):
    X, held_out = _standardised(all_datasets, name)
    # A bandwidth of a few typical neighbour distances, so that compact kernels reach some rows and not others.
    bandwidth = 0.5 * np.sqrt(X.shape[1])
    model = KernelDensity(kernel=kernel, bandwidth=bandwidth).fit(X[::2])
    loaded = export_load(model)
    for rows in (X, held_out):
        _compare(model, loaded, rows)


VARIANTS = {
    "ball-tree-manhattan": dict(algorithm="ball_tree", metric="manhattan", bandwidth=3.0),
    "kd-tree-chebyshev-depth-first": dict(algorithm="kd_tree", metric="chebyshev", bandwidth=0.8, breadth_first=False),
    "ball-tree-minkowski": dict(algorithm="ball_tree", metric="minkowski", metric_params={"p": 3}, bandwidth=1.2),
    "scott": dict(bandwidth="scott"),
    "silverman-depth-first": dict(bandwidth="silverman", breadth_first=False, leaf_size=5),
}


@pytest.mark.parametrize("name", ["iris", "wine", "diabetes"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "exponential"])
def test_kernel_density_metrics_and_searches(all_datasets, export_load, name, variant, kernel):
    X, held_out = _standardised(all_datasets, name)
    model = KernelDensity(kernel=kernel, **VARIANTS[variant]).fit(X)
    loaded = export_load(model)
    _compare(model, loaded, X)
    # Rule-of-thumb bandwidths are narrow: a compact kernel may reach no training row from a moved row.
    _compare(model, loaded, held_out, decided_share=0.0)


@pytest.mark.parametrize("kernel", [k for k in KERNELS if k != "cosine"] + ["cosine-9"])
def test_kernel_density_with_sample_weights(all_datasets, export_load, kernel):
    X, held_out = _standardised(all_datasets, "wine")
    if kernel == "cosine-9":  # scikit-learn's cosine normalisation is NaN for wine's 13 features, not for 9
        kernel, X, held_out = "cosine", X[:, :9], held_out[:, :9]
    weights = np.random.default_rng(1).uniform(0.1, 3.0, len(X))
    model = KernelDensity(kernel=kernel, bandwidth=2.0).fit(X, sample_weight=weights)
    loaded = export_load(model)
    for rows in (X, held_out):
        _compare(model, loaded, rows)


def test_kernel_density_far_from_the_data(all_datasets, export_load):
    X, _ = _standardised(all_datasets, "breast_cancer")
    model = KernelDensity(kernel="gaussian", bandwidth=0.2).fit(X)
    loaded = export_load(model)
    far = X[:20] * 30.0
    # Every kernel value underflows to 0 here; the log density is still finite, and exact.
    _compare(model, loaded, far, decided_share=0.0)
    assert np.all(np.isfinite(loaded.score_samples(far)))


@pytest.mark.parametrize("name", ["breast_cancer", "diabetes"])
def test_kernel_density_cosine_in_the_dimensions_scikit_learn_normalises(all_datasets, export_load, name):
    X, held_out = _standardised(all_datasets, name)
    model = KernelDensity(kernel="cosine", bandwidth=0.5 * np.sqrt(X.shape[1])).fit(X[::2])
    loaded = export_load(model)
    for rows in (X, held_out):
        _compare(model, loaded, rows)


@pytest.mark.parametrize("n_features", [4, 8, 64])
def test_kernel_density_cosine_where_scikit_learn_gives_nan_is_refused(model_dir, n_features):
    X = np.random.default_rng(0).normal(size=(30, n_features))
    model = KernelDensity(kernel="cosine", bandwidth=3.0).fit(X)
    with np.errstate(invalid="ignore"):
        assert np.isnan(model.score_samples(X[:1])).all()
    with pytest.raises(UnsupportedModelError, match="NaN"):
        mle_runtime.export_model(model, model_dir / f"kde_cosine_{n_features}.mle")


def test_kernel_density_with_tolerances_is_refused(all_datasets, model_dir):
    model = KernelDensity(rtol=1e-4).fit(all_datasets["iris"][0])
    with pytest.raises(UnsupportedModelError, match="rtol"):
        mle_runtime.export_model(model, model_dir / "kde_rtol.mle")
