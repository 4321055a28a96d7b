"""Neighbour models against scikit-learn's own outputs: KNeighbors and RadiusNeighbors classifiers and
regressors with every exported metric, weighting and search algorithm, and NearestCentroid.

Queries are the training rows themselves (distance 0 to a training row, and many equal distances on
iris and digits, which exercises scikit-learn's tie order) and slightly moved copies of them.

Where scikit-learn's own search measures distances through BLAS (brute-force Euclidean, squared
Euclidean and cosine), its last bits depend on the CPU's BLAS kernel; those models are judged by
`neighbors_referee`, which no BLAS kernel touches: the engine matches scikit-learn on every row whose
neighbours rounding cannot change, and on every other row gives an output a correct computation
could give (and so does scikit-learn, which checks the referee itself)."""

from __future__ import annotations

import warnings

import neighbors_referee
import numpy as np
import pytest
from conftest import assert_proven
from mle_runtime import UnsupportedModelError, export_model, load_model
from mle_runtime.errors import MleError
from mle_runtime.exporters import registry
from sklearn.base import clone
from sklearn.neighbors import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestCentroid,
    RadiusNeighborsClassifier,
    RadiusNeighborsRegressor,
)

DATA = ("iris", "wine", "breast_cancer", "digits")




def _queries(X, seed=0):
    """The training rows, then the first 100 of them moved by 1 % of each feature's spread."""
    rng = np.random.default_rng(seed)
    moved = X[:100] + rng.normal(0.0, 0.01, (min(100, len(X)), X.shape[1])) * X.std(axis=0)
    return np.vstack([X, moved])


def _compare(model, loaded, X, methods):
    assert sorted(loaded.methods) == sorted(methods)
    for method in methods:
        _assert_matches(model, method, X, getattr(loaded, method)(X), getattr(model, method)(X))


def _assert_matches(model, method, X, actual, expected):
    """`actual` against scikit-learn's `expected` for the query rows X: at the promised tolerance, or,
    where scikit-learn measures distances through BLAS, by the referee."""
    if not neighbors_referee.uses_blas_distances(model):
        assert_proven(model, method, actual, expected)
        return
    rows = np.arange(len(X))
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    finite = np.abs(expected[np.isfinite(expected)]) if expected.dtype.kind == "f" else np.ones(1)
    scale = max(float(finite.max()) if finite.size else 1.0, 1.0)
    tolerance = registry.proven_tolerance(model, method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        judgement = neighbors_referee.judge(model, X, [method], scale)
    decided = rows[judgement.decided]
    # Most rows must be decided, or the comparison with scikit-learn would prove little (a fifth of
    # iris's rows have training rows tied exactly at the k-th distance, which rounding orders).
    assert len(decided) >= 0.75 * len(rows), f"only {len(decided)} of {len(rows)} rows are decided"
    if tolerance == registry.IDENTICAL or expected.dtype.kind != "f":
        assert_proven(model, method, actual[decided], expected[decided])
    else:
        # Distance weights carry each side's rounding of the distances into the values.
        widening = np.array([judgement.widening["engine"][i][0] + judgement.widening["framework"][i][0] for i in decided])
        sharp = decided[widening <= 0.1 * tolerance * scale]
        assert_proven(model, method, actual[sharp], expected[sharp])
        a, e = actual[decided], expected[decided]
        limit = tolerance * np.abs(e) + tolerance * 1e-2 * scale + widening.reshape((-1,) + (1,) * (e.ndim - 1))
        off = ~((np.abs(a - e) <= limit) | (np.isnan(a) & np.isnan(e)))
        assert not off.any(), f"rows {decided[off.reshape(len(decided), -1).any(axis=1)][:10].tolist()} differ beyond the rounding bound"
    for side, output in (("engine", actual), ("framework", expected)):
        ok = neighbors_referee.admissible(judgement, method, output, tolerance, scale, side)
        assert ok.all(), f"the {side}'s {method} for rows {rows[~ok][:10].tolist()} is not one a correct distance computation gives"


def _metric_cases(X):
    variances = X.var(axis=0) + 1e-3
    weights = np.linspace(0.5, 2.0, X.shape[1])
    return {
        "euclidean": {},
        "manhattan": {"metric": "manhattan"},
        "chebyshev": {"metric": "chebyshev"},
        "minkowski3": {"p": 3},
        "minkowski-w": {"metric": "minkowski", "p": 1.5, "metric_params": {"w": weights}},
        "seuclidean": {"metric": "seuclidean", "metric_params": {"V": variances}},
        "canberra": {"metric": "canberra"},
        "braycurtis": {"metric": "braycurtis"},
        "cosine": {"metric": "cosine"},
        "sqeuclidean": {"metric": "sqeuclidean"},
    }


# (metric, algorithms): the trees take the metrics scikit-learn's trees take.
_SEARCHES = [
    ("euclidean", ("auto", "kd_tree", "ball_tree", "brute")),
    ("manhattan", ("kd_tree", "ball_tree", "brute")),
    ("chebyshev", ("kd_tree", "brute")),
    ("minkowski3", ("kd_tree", "brute")),
    ("minkowski-w", ("ball_tree", "brute")),
    ("seuclidean", ("ball_tree", "brute")),
    ("canberra", ("ball_tree", "brute")),
    ("braycurtis", ("brute",)),
    ("cosine", ("brute",)),
    ("sqeuclidean", ("brute",)),
]


def _cases(datasets_for):
    for metric, algorithms in _SEARCHES:
        for algorithm in algorithms:
            for weights in ("uniform", "distance"):
                for name in datasets_for(metric, algorithm):
                    yield pytest.param(name, metric, algorithm, weights, id=f"{metric}-{algorithm}-{weights}-{name}")


def _classification_sets(metric, algorithm):
    # digits (1797 rows of 64 pixels, with many equal distances) is searched by the default model,
    # a KD tree and brute force; the other metrics on it would only make the suite slow.
    if metric == "euclidean" and algorithm in ("auto", "kd_tree") or (metric, algorithm) == ("manhattan", "brute"):
        return DATA
    return ("iris", "wine", "breast_cancer") if metric in ("manhattan", "chebyshev") else ("iris", "wine")


@pytest.mark.parametrize("name, metric, algorithm, weights", list(_cases(_classification_sets)))
def test_k_neighbors_classifier(all_datasets, export_load, name, metric, algorithm, weights):
    X, y = all_datasets[name]
    model = KNeighborsClassifier(n_neighbors=7, algorithm=algorithm, weights=weights, **_metric_cases(X)[metric]).fit(X, y)
    _compare(model, export_load(model), _queries(X), ("predict", "predict_proba"))


@pytest.mark.parametrize("name, metric, algorithm, weights", list(_cases(lambda metric, algorithm: ("diabetes",))))
def test_k_neighbors_regressor(all_datasets, export_load, name, metric, algorithm, weights):
    X, y = all_datasets[name]
    model = KNeighborsRegressor(n_neighbors=6, algorithm=algorithm, weights=weights, **_metric_cases(X)[metric]).fit(X, y)
    _compare(model, export_load(model), _queries(X), ("predict",))


@pytest.mark.parametrize("name", ["iris", "breast_cancer"])
@pytest.mark.parametrize("k", [1, 20])
def test_default_classifier_with_string_labels(all_datasets, export_load, name, k):
    X, y = all_datasets[name]
    labels = np.array([f"class {c}" for c in y])
    model = KNeighborsClassifier(n_neighbors=k).fit(X, labels)
    _compare(model, export_load(model), _queries(X), ("predict", "predict_proba"))


def test_multi_output_regressor_and_float32_input(all_datasets, export_load):
    X, y = all_datasets["diabetes"]
    targets = np.column_stack([y, np.sqrt(y)])
    model = KNeighborsRegressor(n_neighbors=4, weights="distance").fit(X, targets)
    loaded = export_load(model)
    _compare(model, loaded, _queries(X), ("predict",))
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(X32), model.predict(X32.astype(np.float64)))


@pytest.mark.parametrize("name, radius", [("iris", 0.6), ("wine", 60.0)])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("algorithm", ["auto", "brute"])
@pytest.mark.parametrize("outlier", ["in classes", "elsewhere", "most_frequent"])
def test_radius_neighbors_classifier(all_datasets, export_load, name, radius, weights, algorithm, outlier):
    X, y = all_datasets[name]
    label = {"in classes": 1, "elsewhere": -1, "most_frequent": "most_frequent"}[outlier]
    model = RadiusNeighborsClassifier(radius=radius, weights=weights, algorithm=algorithm, outlier_label=label).fit(X, y)
    queries = np.vstack([_queries(X), X[:5] + 10 * X.std(axis=0)])
    with pytest.warns(UserWarning) if outlier == "elsewhere" else _no_warning():
        expected = model.predict_proba(queries)
    assert (expected.sum(axis=1) == 0).any() or outlier != "elsewhere"
    loaded = export_load(model)
    _assert_matches(model, "predict_proba", queries, loaded.predict_proba(queries), expected)
    with pytest.warns(UserWarning) if outlier == "elsewhere" else _no_warning():
        _assert_matches(model, "predict", queries, loaded.predict(queries), model.predict(queries))


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_radius_classifier_without_outlier_label_refuses_lonely_rows(all_datasets, model_dir):
    X, y = all_datasets["iris"]
    model = RadiusNeighborsClassifier(radius=0.6).fit(X, y)
    path = model_dir / "radius_no_outlier.mle"
    export_model(model, path)
    loaded = load_model(path)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    with pytest.raises(ValueError):
        model.predict(X[:1] + 100)
    with pytest.raises(MleError, match="row 0 has no neighbours"):
        loaded.predict(X[:1] + 100)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("algorithm", ["auto", "brute"])
def test_radius_neighbors_regressor(all_datasets, export_load, weights, algorithm):
    X, y = all_datasets["diabetes"]
    model = RadiusNeighborsRegressor(radius=0.08, weights=weights, algorithm=algorithm).fit(X, y)
    queries = np.vstack([_queries(X), X[:5] + 10 * X.std(axis=0)])
    with pytest.warns(UserWarning, match="no neighbors"):
        expected = model.predict(queries)
    assert np.isnan(expected).any() and not np.isnan(expected).all()
    actual = export_load(model).predict(queries)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    _assert_matches(model, "predict", queries, actual, expected)


@pytest.mark.filterwarnings("ignore:self.within_class_std_dev_ has at least 1 zero")
@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("variant", ["euclidean", "priors", "manhattan", "shrunk"])
def test_nearest_centroid(all_datasets, export_load, name, variant):
    X, y = all_datasets[name]
    kwargs = {"euclidean": {}, "priors": {"priors": "empirical"}, "manhattan": {"metric": "manhattan"},
              "shrunk": {"shrink_threshold": 0.2}}[variant]
    model = NearestCentroid(**kwargs).fit(X, y)
    methods = ("predict",) if variant == "manhattan" else ("predict", "predict_proba", "predict_log_proba", "decision_function")
    _compare(model, export_load(model), _queries(X), methods)


@pytest.mark.parametrize("estimator, option", [
    (KNeighborsClassifier(metric=lambda a, b: float(np.sum(np.abs(a - b)))), "metric=a callable"),
    (KNeighborsClassifier(metric="hamming"), "metric='hamming'"),
    (KNeighborsRegressor(weights=lambda d: 1 / (1 + d)), "weights="),
    (RadiusNeighborsRegressor(metric="mahalanobis", metric_params={"VI": np.eye(4)}), "metric='mahalanobis'"),
])
def test_unsupported_options_are_named(all_datasets, model_dir, estimator, option):
    X, y = all_datasets["iris"]
    model = clone(estimator).fit(X, y)
    with pytest.raises(UnsupportedModelError, match=option.replace("(", r"\(")):
        export_model(model, model_dir / "refused.mle")


def test_multi_output_classifier_is_refused(all_datasets, model_dir):
    X, y = all_datasets["iris"]
    model = KNeighborsClassifier().fit(X, np.column_stack([y, y % 2]))
    with pytest.raises(UnsupportedModelError, match="several target columns"):
        export_model(model, model_dir / "refused.mle")
