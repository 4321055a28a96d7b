"""scikit-learn's trees and tree ensembles against their own predictions: on the bundled datasets, on
rows whose values sit exactly on split thresholds (and one float32 step either side), and with
missing values, every prediction method equal and every label identical."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
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
    "GradientBoostingClassifier-exponential": lambda: GradientBoostingClassifier(loss="exponential", n_estimators=15, random_state=0),
    "HistGradientBoostingClassifier": lambda: HistGradientBoostingClassifier(max_iter=30, random_state=0),
}

# Losses defined for two classes only.
BINARY_ONLY = {"GradientBoostingClassifier-exponential"}

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
    "HistGradientBoostingRegressor-gamma": lambda: HistGradientBoostingRegressor(loss="gamma", max_iter=30, random_state=0),
    "HistGradientBoostingRegressor-absolute": lambda: HistGradientBoostingRegressor(loss="absolute_error", max_iter=30, random_state=0),
    "HistGradientBoostingRegressor-quantile": lambda: HistGradientBoostingRegressor(loss="quantile", quantile=0.3, max_iter=30,
                                                                                    random_state=0),
}


def split_points(model):
    """(feature, threshold) of every split of the model's first trees."""
    if hasattr(model, "_predictors"):
        # With categorical features the trees number the categorical columns first, then the numeric ones.
        categorical = model.is_categorical_ if model.is_categorical_ is not None else np.zeros(model.n_features_in_, dtype=bool)
        column = np.concatenate([np.flatnonzero(categorical), np.flatnonzero(~categorical)])
        for predictors in model._predictors[:10]:
            for predictor in predictors:
                nodes = predictor.nodes[(predictor.nodes["is_leaf"] == 0) & (predictor.nodes["is_categorical"] == 0)]
                yield from zip(column[nodes["feature_idx"][:40]], nodes["num_threshold"][:40])
        return
    for tree in [e.tree_ for e in np.ravel(getattr(model, "estimators_", [model]))]:
        internal = np.flatnonzero(tree.children_left != -1)[:40]
        yield from zip(tree.feature[internal], tree.threshold[internal])


def threshold_rows(model, X):
    """Rows that put every split value of the model's trees (and its float32 neighbours) on its feature."""
    rows = []
    rng = np.random.default_rng(0)
    for feature, threshold in split_points(model):
        if not np.isfinite(threshold):
            # A split of missing from present values (threshold +inf) has no value to sit on.
            continue
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
    if name in BINARY_ONLY and len(np.unique(y)) > 2:
        pytest.skip("a two-class loss")
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


@pytest.mark.parametrize("factory", [lambda: DecisionTreeRegressor(random_state=0), lambda: ExtraTreeRegressor(random_state=0),
                                     lambda: RandomForestRegressor(n_estimators=8, random_state=0),
                                     lambda: ExtraTreesRegressor(n_estimators=8, random_state=0)])
def test_multi_output_regression(factory, datasets, export_load):
    X, y = datasets["diabetes"]
    X = with_missing(X, 0.1)
    Y = np.column_stack([y, np.log(y), -y])
    model = factory().fit(X, Y)
    loaded = export_load(model)
    assert loaded.predict(X).shape == (len(X), 3)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    rows = threshold_rows(model, X)
    assert_proven(model, "predict", loaded.predict(rows), model.predict(rows))


def with_missing(X, fraction, seed=1):
    X = X.copy()
    X[np.random.default_rng(seed).random(X.shape) < fraction] = np.nan
    return X


# Every estimator that accepts missing values (GradientBoosting does not).
WITH_MISSING = [
    lambda: DecisionTreeClassifier(random_state=0), lambda: ExtraTreeClassifier(random_state=0),
    lambda: RandomForestClassifier(n_estimators=10, random_state=0), lambda: ExtraTreesClassifier(n_estimators=10, random_state=0),
    lambda: DecisionTreeRegressor(random_state=0), lambda: ExtraTreeRegressor(random_state=0),
    lambda: RandomForestRegressor(n_estimators=10, random_state=0), lambda: ExtraTreesRegressor(n_estimators=10, random_state=0),
    lambda: HistGradientBoostingClassifier(max_iter=20, random_state=0), lambda: HistGradientBoostingRegressor(max_iter=20, random_state=0),
]


@pytest.mark.parametrize("factory", WITH_MISSING)
def test_missing_values_follow_the_learned_direction(factory, datasets, export_load):
    X, y = datasets["breast_cancer"]
    X = with_missing(X, 0.15)
    model = factory().fit(X, y)
    loaded = export_load(model)
    check_methods(model, loaded, X)
    check_methods(model, loaded, threshold_rows(model, X))


def integer_coded(n=400, seed=4):
    """Columns as categorical data usually reaches scikit-learn's trees: integer codes (values tie
    with one another and sit half way between thresholds), a small-cardinality flag, with a few
    missing codes, beside a continuous column; and a target that depends on the codes."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.integers(0, 12, n), rng.integers(0, 2, n), rng.integers(0, 5, n), rng.normal(size=n)]).astype(float)
    y = np.isin(X[:, 0], [1, 4, 7, 8, 10]) * 2 + X[:, 1] - (X[:, 2] == 3) + X[:, 3] * 0.5 + rng.normal(size=n) * 0.2
    return X, y


@pytest.mark.parametrize("name", [*CLASSIFIERS, *REGRESSORS])
def test_integer_coded_categorical_columns(name, export_load):
    X, y = integer_coded()
    if name in CLASSIFIERS:
        model = CLASSIFIERS[name]().fit(X, np.digitize(y, [0.5, 2.0]) if name not in BINARY_ONLY else y > 1)
    else:
        model = REGRESSORS[name]().fit(X, y - y.min() + 1)
    if not name.startswith("GradientBoosting"):
        X = X.copy()
        X[::17, 0] = np.nan
    loaded = export_load(model)
    rows = np.vstack([X, threshold_rows(model, X)])
    check_methods(model, loaded, rows)


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


@pytest.fixture(scope="module")
def categorical_frame():
    """A frame with a string categorical column (12 categories, some missing), a numeric categorical
    column (pandas categories 3..30), an integer column used as categorical through
    categorical_features, and two continuous columns; its target."""
    rng = np.random.default_rng(8)
    n = 900
    colour = rng.integers(0, 12, n)
    size = rng.choice([3, 5, 8, 13, 21, 30], n)
    grade = rng.integers(0, 7, n).astype(float)
    signal = rng.normal(size=n)
    y = np.isin(colour, [1, 4, 7, 8, 10]) * 2.0 + (size > 8) + np.isin(grade, [2, 5]) - signal + rng.normal(size=n) * 0.2
    colours = pd.Categorical.from_codes(np.where(rng.random(n) < 0.05, -1, colour), categories=[f"c{i:02d}" for i in range(12)])
    grade[rng.random(n) < 0.05] = np.nan
    frame = pd.DataFrame({"signal": signal, "colour": colours, "size": pd.Categorical(size), "grade": grade,
                          "noise": rng.normal(size=n)})
    return frame, y


def unknown_category_rows(frame):
    """Rows with categories the model never saw, missing ones, and numeric values between categories."""
    rows = frame.iloc[:12].copy()
    rows["colour"] = pd.Categorical(["c01", "zz", None, "c11", "c00", "yy"] * 2)
    rows["size"] = pd.Categorical([3, 4, None, 30, 99, 8] * 2)
    rows["grade"] = [0.0, 2.5, np.nan, -1.0, 7.0, 1e9, 6.0, 2.0, 5.0, -0.0, 3.0, 300.0]
    return rows


@pytest.mark.parametrize("how", ["from_dtype", "names", "mask"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_histogram_boosting_native_categorical_features(how, kind, categorical_frame, export_load):
    """Categorical columns given by dtype, names or mask, on the frame itself (the SDK turns string
    categories into their positions in the recorded list) and on the codes the engine takes."""
    frame, y = categorical_frame
    categorical = {"from_dtype": "from_dtype", "names": ["colour", "size", "grade"], "mask": [False, True, True, True, False]}[how]
    if kind == "classifier":
        model = HistGradientBoostingClassifier(max_iter=25, categorical_features=categorical, random_state=0).fit(frame, y > 1)
    else:
        model = HistGradientBoostingRegressor(max_iter=25, categorical_features=categorical, random_state=0).fit(frame, y)
    assert np.any(model.is_categorical_)
    loaded = export_load(model)
    assert json.loads(loaded.metadata["properties"]["categories.colour"]) == [f"c{i:02d}" for i in range(12)]
    for rows in (frame, unknown_category_rows(frame)):
        check_methods(model, loaded, rows)
    # The engine's own input: string categories as their position in the recorded list.
    codes = frame.assign(colour=frame["colour"].cat.codes.replace(-1, np.nan).astype(float), size=frame["size"].astype(float))
    for method in ("predict", "predict_proba", "decision_function"):
        if hasattr(model, method):
            assert_proven(model, method, getattr(loaded, method)(codes.to_numpy(dtype=np.float64)), getattr(model, method)(frame))


@pytest.mark.parametrize("categorical", [[0, 2], [True, False, True, False]])
def test_histogram_boosting_categorical_arrays(categorical, export_load):
    """Numeric arrays with categorical_features by index or mask: categories are any float values
    (negative, fractional); an unseen value, one between two categories and NaN route as missing."""
    rng = np.random.default_rng(9)
    n = 700
    X = np.column_stack([rng.choice([-2.0, -0.5, 0.0, 1.5, 7.25, 1e6], n), rng.normal(size=n), rng.integers(0, 40, n),
                         rng.normal(size=n)]).astype(float)
    X[rng.random(n) < 0.08, 0] = np.nan
    y = np.isin(X[:, 0], [-0.5, 7.25]) * 2 + X[:, 1] + (X[:, 2] % 3 == 0)
    model = HistGradientBoostingClassifier(max_iter=20, categorical_features=categorical, random_state=0).fit(X, y > 1)
    loaded = export_load(model)
    odd = np.repeat(X[:10], 10, axis=0)
    odd[:, 0] = np.tile([-0.5, -0.0, 0.0, np.nextafter(-0.5, 0), 7.2500001, 1e6, np.nan, -3.0, 2.0, -1e300], 10)
    odd[:, 2] = np.tile([0.0, 39.0, 40.0, -1.0, 2.5, np.nan, 1e12, 17.0, 3.0, -0.0], 10)
    check_methods(model, loaded, np.vstack([X, threshold_rows(model, X), odd]))


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


@pytest.mark.parametrize("options", [{}, {"max_features": 0.5, "max_samples": 64}, {"contamination": 0.1}, {"missing": 0.1}])
def test_isolation_forest(options, datasets, export_load):
    from sklearn.ensemble import IsolationForest

    X, _ = datasets["breast_cancer"]
    options = dict(options)
    if "missing" in options:
        X = with_missing(X, options.pop("missing"))
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
