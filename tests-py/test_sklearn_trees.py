"""scikit-learn's trees and tree ensembles against their own predictions: on the bundled datasets, on
rows whose values sit exactly on split thresholds (and one float32 step either side), and with
missing values, every prediction method equal and every label identical."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CLASSIFICATION, assert_proven
from sklearn.ensemble import (
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier, ExtraTreeRegressor

import mle_runtime

CLASSIFIERS = {
    "DecisionTreeClassifier": lambda: DecisionTreeClassifier(random_state=0),
    "DecisionTreeClassifier-shallow": lambda: DecisionTreeClassifier(max_depth=3, random_state=0),
    "ExtraTreeClassifier": lambda: ExtraTreeClassifier(random_state=0),
    "RandomForestClassifier": lambda: RandomForestClassifier(n_estimators=15, random_state=0),
    "RandomForestClassifier-leafy": lambda: RandomForestClassifier(n_estimators=10, min_samples_leaf=5, random_state=0),
    "ExtraTreesClassifier": lambda: ExtraTreesClassifier(n_estimators=15, random_state=0),
    "GradientBoostingClassifier": lambda: GradientBoostingClassifier(n_estimators=20, random_state=0),
    "GradientBoostingClassifier-subsample": lambda: GradientBoostingClassifier(n_estimators=15, subsample=0.7, learning_rate=0.3, random_state=0),
    "HistGradientBoostingClassifier": lambda: HistGradientBoostingClassifier(max_iter=30, random_state=0),
}

REGRESSORS = {
    "DecisionTreeRegressor": lambda: DecisionTreeRegressor(random_state=0),
    "ExtraTreeRegressor": lambda: ExtraTreeRegressor(random_state=0),
    "RandomForestRegressor": lambda: RandomForestRegressor(n_estimators=15, random_state=0),
    "ExtraTreesRegressor": lambda: ExtraTreesRegressor(n_estimators=15, random_state=0),
    "GradientBoostingRegressor": lambda: GradientBoostingRegressor(n_estimators=30, random_state=0),
    "GradientBoostingRegressor-huber": lambda: GradientBoostingRegressor(loss="huber", n_estimators=20, random_state=0),
    "GradientBoostingRegressor-absolute": lambda: GradientBoostingRegressor(loss="absolute_error", n_estimators=20, random_state=0),
    "GradientBoostingRegressor-quantile": lambda: GradientBoostingRegressor(loss="quantile", alpha=0.8, n_estimators=20, random_state=0),
    "HistGradientBoostingRegressor": lambda: HistGradientBoostingRegressor(max_iter=30, random_state=0),
    "HistGradientBoostingRegressor-poisson": lambda: HistGradientBoostingRegressor(loss="poisson", max_iter=30, random_state=0),
}


def split_points(model):
    """(feature, threshold) of every split of the model's first trees."""
    if hasattr(model, "_predictors"):
        for predictors in model._predictors[:10]:
            for predictor in predictors:
                nodes = predictor.nodes[predictor.nodes["is_leaf"] == 0]
                yield from zip(nodes["feature_idx"][:40], nodes["num_threshold"][:40])
        return
    for tree in [e.tree_ for e in np.ravel(getattr(model, "estimators_", [model]))]:
        internal = np.flatnonzero(tree.children_left != -1)[:40]
        yield from zip(tree.feature[internal], tree.threshold[internal])


def threshold_rows(model, X):
    """Rows that put every split value of the model's trees (and its float32 neighbours) on its feature."""
    rows = []
    rng = np.random.default_rng(0)
    for feature, threshold in split_points(model):
        t32 = np.float32(threshold)
        for value in (t32, np.nextafter(t32, np.float32(np.inf)), np.nextafter(t32, np.float32(-np.inf)), threshold,
                      np.nextafter(threshold, np.inf), np.nextafter(threshold, -np.inf)):
            row = X[rng.integers(len(X))].copy()
            row[feature] = value
            rows.append(row)
    return np.array(rows)


def check_methods(model, loaded, X):
    for method in ("predict", "predict_proba", "decision_function"):
        if hasattr(model, method):
            assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))


@pytest.mark.parametrize("dataset", CLASSIFICATION)
@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classifier(name, dataset, datasets, export_load):
    X, y = datasets[dataset]
    model = CLASSIFIERS[name]().fit(X, y)
    loaded = export_load(model)
    check_methods(model, loaded, X)
    check_methods(model, loaded, threshold_rows(model, X))
    check_methods(model, loaded, X.astype(np.float32))


@pytest.mark.parametrize("name", REGRESSORS)
def test_regressor(name, datasets, export_load):
    X, y = datasets["diabetes"]
    model = REGRESSORS[name]().fit(X, y)
    loaded = export_load(model)
    check_methods(model, loaded, X)
    check_methods(model, loaded, threshold_rows(model, X))


@pytest.mark.parametrize("factory", [lambda: DecisionTreeRegressor(random_state=0), lambda: RandomForestRegressor(n_estimators=8, random_state=0),
                                     lambda: ExtraTreesRegressor(n_estimators=8, random_state=0)])
def test_multi_output_regression(factory, datasets, export_load):
    X, y = datasets["diabetes"]
    Y = np.column_stack([y, np.log(y), -y])
    model = factory().fit(X, Y)
    loaded = export_load(model)
    assert loaded.predict(X).shape == (len(X), 3)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("factory", [lambda: DecisionTreeClassifier(random_state=0), lambda: RandomForestClassifier(n_estimators=10, random_state=0),
                                     lambda: DecisionTreeRegressor(random_state=0), lambda: RandomForestRegressor(n_estimators=10, random_state=0),
                                     lambda: HistGradientBoostingClassifier(max_iter=20, random_state=0),
                                     lambda: HistGradientBoostingRegressor(max_iter=20, random_state=0)])
def test_missing_values_follow_the_learned_direction(factory, datasets, export_load):
    X, y = datasets["breast_cancer"]
    rng = np.random.default_rng(1)
    X = X.copy()
    X[rng.random(X.shape) < 0.15] = np.nan
    model = factory().fit(X, y)
    loaded = export_load(model)
    check_methods(model, loaded, X)


def test_string_labels_and_binary_boosting(datasets, export_load):
    X, y = datasets["breast_cancer"]
    labels = np.where(y == 1, "benign", "malignant")
    for model in (GradientBoostingClassifier(n_estimators=10, random_state=0).fit(X, labels),
                  GradientBoostingClassifier(loss="exponential", n_estimators=10, random_state=0).fit(X, labels),
                  RandomForestClassifier(n_estimators=5, random_state=0).fit(X, labels)):
        loaded = export_load(model)
        check_methods(model, loaded, X)
        assert loaded.predict(X[:3]).dtype.kind == "U"


def test_forest_file_is_small_and_uses_one_tree_operator(datasets, model_dir):
    import joblib

    X, y = datasets["breast_cancer"]
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    path, ref = model_dir / "forest.mle", model_dir / "forest.joblib"
    mle_runtime.export_model(model, path)
    joblib.dump(model, ref)
    ops = [n["op_type"] for n in mle_runtime.inspect(path)["graph"]["nodes"]]
    assert ops.count("TreeEnsemble") == 1
    assert path.stat().st_size < 0.3 * ref.stat().st_size, (path.stat().st_size, ref.stat().st_size)


def test_custom_init_estimator_is_refused(datasets, model_dir):
    from sklearn.linear_model import LinearRegression

    X, y = datasets["diabetes"]
    model = GradientBoostingRegressor(init=LinearRegression(), n_estimators=3).fit(X, y)
    with pytest.raises(mle_runtime.UnsupportedModelError, match="init=LinearRegression"):
        mle_runtime.export_model(model, model_dir / "init.mle")
    assert not (model_dir / "init.mle").exists()


def test_histogram_boosting_with_categorical_features_is_refused(datasets, model_dir):
    X, y = datasets["iris"]
    X = X.copy()
    X[:, 0] = np.round(X[:, 0]) % 4
    model = HistGradientBoostingClassifier(max_iter=5, categorical_features=[0]).fit(X, y)
    with pytest.raises(mle_runtime.UnsupportedModelError, match="categorical"):
        mle_runtime.export_model(model, model_dir / "hgb_categorical.mle")


def test_a_tree_of_depth_60_and_an_ensemble_of_10000_trees(model_dir):
    lightgbm = pytest.importorskip("lightgbm")
    # Each split peels off the largest target, so the tree is a chain as deep as there are points.
    X = np.arange(61, dtype=np.float64).reshape(-1, 1)
    y = 4.0 ** np.arange(61)
    deep = DecisionTreeRegressor().fit(X, y)
    assert deep.get_depth() == 60
    mle_runtime.export_model(deep, model_dir / "deep.mle")
    np.testing.assert_array_equal(mle_runtime.load_model(model_dir / "deep.mle").predict(X), deep.predict(X))

    rng = np.random.default_rng(0)
    Xw = rng.normal(size=(300, 5))
    yw = Xw[:, 0] - 2 * Xw[:, 1] + rng.normal(scale=0.1, size=300)
    many = lightgbm.LGBMRegressor(n_estimators=10_000, num_leaves=4, learning_rate=0.01, verbose=-1).fit(Xw, yw)
    assert many.booster_.num_trees() == 10_000
    mle_runtime.export_model(many, model_dir / "many.mle")
    np.testing.assert_allclose(mle_runtime.load_model(model_dir / "many.mle").predict(Xw), many.predict(Xw), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", [{}, {"max_features": 0.5, "max_samples": 64}, {"contamination": 0.1}])
def test_isolation_forest(options, datasets, export_load):
    from sklearn.ensemble import IsolationForest

    X, _ = datasets["breast_cancer"]
    model = IsolationForest(n_estimators=30, random_state=0, **options).fit(X)
    loaded = export_load(model)
    for rows in (X, threshold_rows(model, X)):
        for method in ("score_samples", "decision_function", "predict"):
            assert_proven(model, method, getattr(loaded, method)(rows), getattr(model, method)(rows))


def test_isolation_forest_in_a_pipeline(datasets, export_load):
    from sklearn.ensemble import IsolationForest
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, _ = datasets["breast_cancer"]
    model = make_pipeline(StandardScaler(), IsolationForest(n_estimators=20, random_state=0)).fit(X)
    loaded = export_load(model)
    for method in ("score_samples", "decision_function", "predict"):
        assert_proven(model, method, getattr(loaded, method)(X), getattr(model, method)(X))
