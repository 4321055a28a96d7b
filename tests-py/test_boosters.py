"""XGBoost, LightGBM and CatBoost models exported from Python (the booster is saved in its own format
and converted by the engine) against each framework's own predict: every objective the converters
support, on the bundled datasets, on rows set exactly on every split threshold and one step either
side, with missing values and categorical columns; string labels, early stopping, rankers; raw
boosters, whose predict is the booster's own."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import assert_labels_match, assert_proven

import mle_runtime

xgboost = pytest.importorskip("xgboost")
lightgbm = pytest.importorskip("lightgbm")
catboost = pytest.importorskip("catboost")


def with_missing(X, fraction=0.1, seed=0):
    X = X.copy()
    X[np.random.default_rng(seed).random(X.shape) < fraction] = np.nan
    return X


def xgboost_splits(booster):
    """(feature, float32 threshold) of every numeric split."""
    gbtree = json.loads(bytes(booster.save_raw(raw_format="json")))["learner"]["gradient_booster"]
    for tree in gbtree.get("gbtree", gbtree)["model"]["trees"]:
        types = tree.get("split_type") or [0] * len(tree["left_children"])
        for left, feature, condition, kind in zip(tree["left_children"], tree["split_indices"], tree["split_conditions"], types):
            if left != -1 and kind == 0:
                yield feature, np.float32(condition)


def lightgbm_splits(booster):
    """(feature, float64 threshold) of every numeric split."""
    stack = [tree["tree_structure"] for tree in booster.dump_model()["tree_info"]]
    while stack:
        node = stack.pop()
        if "split_index" in node:
            if node["decision_type"] == "<=":
                yield node["split_feature"], float(node["threshold"])
            stack += [node["left_child"], node["right_child"]]


def catboost_splits(model):
    for feature in json.loads(_catboost_json(model))["features_info"].get("float_features", []):
        for border in feature["borders"]:
            yield feature["flat_feature_index"], np.float32(border)


def _catboost_json(model):
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.json")
        model.save_model(path, format="json")
        with open(path) as f:
            return f.read()


def threshold_rows(splits, X, limit=60):
    """Dataset rows with one feature set to a split threshold and to the neighbouring values of the
    threshold's own precision, either side; the other features as in the row (NaNs included)."""
    rows = []
    rng = np.random.default_rng(0)
    for feature, threshold in list(dict.fromkeys(splits))[:limit]:
        for value in (threshold, np.nextafter(threshold, type(threshold)(np.inf)), np.nextafter(threshold, type(threshold)(-np.inf))):
            row = X[rng.integers(len(X))].copy()
            row[feature] = value
            rows.append(row)
    return np.array(rows)


def hard_rows(model, X):
    """X, then threshold rows of the model's own splits."""
    booster = model.get_booster() if hasattr(model, "get_booster") else getattr(model, "booster_", model)
    if isinstance(booster, xgboost.Booster):
        splits = xgboost_splits(booster)
    elif isinstance(booster, lightgbm.Booster):
        splits = lightgbm_splits(booster)
    else:
        splits = catboost_splits(model)
    return np.vstack([X, threshold_rows(splits, X)])


def margins(model, X):
    name = type(model).__module__.split(".")[0]
    if name == "xgboost":
        return model.predict(X, output_margin=True)
    if name == "lightgbm":
        return model.predict(X, raw_score=True)
    return model.predict(X, prediction_type="RawFormulaVal")


def check_estimator(model, loaded, X):
    """Every method the wrapper has, against the exported model's, to the registry's promise."""
    assert_proven(model, "predict", loaded.predict(X), np.ravel(model.predict(X)) if hasattr(model, "predict_proba") else model.predict(X))
    if hasattr(model, "predict_proba"):
        assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))
        assert_proven(model, "decision_function", loaded.decision_function(X), margins(model, X))


# ---------------------------------------------------------------------------------------------
# The scikit-learn style estimators, objective by objective


CLASSIFIERS = {
    "XGBClassifier": lambda: xgboost.XGBClassifier(n_estimators=30, max_depth=4),
    "XGBClassifier-dart": lambda: xgboost.XGBClassifier(n_estimators=15, booster="dart", rate_drop=0.2, random_state=0),
    "XGBClassifier-softmax": lambda: xgboost.XGBClassifier(n_estimators=10, max_depth=3, objective="multi:softmax"),
    "XGBClassifier-base_score": lambda: xgboost.XGBClassifier(n_estimators=10, max_depth=3, base_score=0.3),
    "XGBRFClassifier": lambda: xgboost.XGBRFClassifier(n_estimators=10, max_depth=4, random_state=0),
    "LGBMClassifier": lambda: lightgbm.LGBMClassifier(n_estimators=30, num_leaves=15, verbose=-1),
    "LGBMClassifier-dart": lambda: lightgbm.LGBMClassifier(n_estimators=10, boosting_type="dart", num_leaves=7, verbose=-1),
    "LGBMClassifier-ova": lambda: lightgbm.LGBMClassifier(n_estimators=10, objective="multiclassova", num_leaves=7, verbose=-1),
    "CatBoostClassifier": lambda: catboost.CatBoostClassifier(iterations=30, depth=4, verbose=0, random_seed=0, allow_writing_files=False),
}


@pytest.mark.parametrize("dataset", ["iris", "breast_cancer"])
@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classifier(name, dataset, datasets, export_load):
    X, y = datasets[dataset]
    if name in ("XGBClassifier-softmax", "LGBMClassifier-ova") and dataset == "breast_cancer":
        pytest.skip("a multi-class objective needs more than two classes")
    if not name.startswith("CatBoost"):
        X = with_missing(X)
    model = CLASSIFIERS[name]().fit(X, y)
    check_estimator(model, export_load(model), hard_rows(model, X))


def _unit(y):
    return (y - y.min()) / (y.max() - y.min())


REGRESSORS = {
    "XGBRegressor": (lambda: xgboost.XGBRegressor(n_estimators=30), None),
    "XGBRegressor-base_score": (lambda: xgboost.XGBRegressor(n_estimators=10, base_score=100.0), None),
    "XGBRegressor-logistic": (lambda: xgboost.XGBRegressor(n_estimators=20, objective="reg:logistic"), _unit),
    "XGBRegressor-poisson": (lambda: xgboost.XGBRegressor(n_estimators=20, objective="count:poisson"), None),
    "XGBRegressor-gamma": (lambda: xgboost.XGBRegressor(n_estimators=20, objective="reg:gamma"), None),
    "XGBRegressor-tweedie": (lambda: xgboost.XGBRegressor(n_estimators=20, objective="reg:tweedie", tweedie_variance_power=1.3), None),
    "XGBRegressor-dart": (lambda: xgboost.XGBRegressor(n_estimators=15, booster="dart", rate_drop=0.3, random_state=0), None),
    "XGBRFRegressor": (lambda: xgboost.XGBRFRegressor(n_estimators=10, max_depth=4, random_state=0), None),
    "LGBMRegressor": (lambda: lightgbm.LGBMRegressor(n_estimators=30, verbose=-1), None),
    "LGBMRegressor-poisson": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="poisson", verbose=-1), None),
    "LGBMRegressor-gamma": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="gamma", verbose=-1), None),
    "LGBMRegressor-tweedie": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="tweedie", verbose=-1), None),
    "LGBMRegressor-quantile": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="quantile", alpha=0.8, verbose=-1), None),
    "LGBMRegressor-huber": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="huber", verbose=-1), None),
    "LGBMRegressor-l1": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="regression_l1", verbose=-1), None),
    "LGBMRegressor-rf": (lambda: lightgbm.LGBMRegressor(n_estimators=10, boosting_type="rf", subsample=0.7, subsample_freq=1,
                                                        verbose=-1), None),
    "CatBoostRegressor": (lambda: catboost.CatBoostRegressor(iterations=30, verbose=0, random_seed=0, allow_writing_files=False), None),
    "CatBoostRegressor-poisson": (lambda: catboost.CatBoostRegressor(iterations=20, loss_function="Poisson", verbose=0, random_seed=0,
                                                                      allow_writing_files=False), None),
}


@pytest.mark.parametrize("name", REGRESSORS)
def test_regressor(name, datasets, export_load):
    factory, target = REGRESSORS[name]
    X, y = datasets["diabetes"]
    if not name.startswith("CatBoost"):
        X = with_missing(X, 0.05)
    model = factory().fit(X, y if target is None else target(y))
    check_estimator(model, export_load(model), hard_rows(model, X))


@pytest.fixture(scope="module")
def ranking(datasets):
    """diabetes as a ranking task: 3 relevance grades, queries of 20 rows."""
    X, y = datasets["diabetes"]
    relevance = np.digitize(y, np.quantile(y, [0.5, 0.8]))
    groups = [20] * (len(X) // 20) + ([len(X) % 20] if len(X) % 20 else [])
    return with_missing(X, 0.05), relevance, groups


@pytest.mark.parametrize("objective", ["rank:pairwise", "rank:ndcg", "lambdarank", "rank_xendcg"])
def test_rankers(objective, ranking, export_load):
    X, relevance, groups = ranking
    if objective.startswith("rank:"):
        model = xgboost.XGBRanker(n_estimators=20, objective=objective).fit(X, relevance, qid=np.repeat(np.arange(len(groups)), groups))
    else:
        model = lightgbm.LGBMRanker(n_estimators=20, objective=objective, verbose=-1).fit(X, relevance, group=groups)
    check_estimator(model, export_load(model), hard_rows(model, X))


@pytest.mark.parametrize("factory", [lambda: lightgbm.LGBMClassifier(n_estimators=10, verbose=-1),
                                     lambda: catboost.CatBoostClassifier(iterations=10, verbose=0, allow_writing_files=False)])
def test_string_labels_come_back(factory, datasets, export_load):
    X, y = datasets["iris"]
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    model = factory().fit(X, labels)
    loaded = export_load(model)
    predicted = loaded.predict(X)
    assert predicted.dtype.kind == "U"
    assert_labels_match(predicted, np.ravel(model.predict(X)))
    assert loaded.metadata["class_labels"] == ["setosa", "versicolor", "virginica"]


# ---------------------------------------------------------------------------------------------
# Missing values and categorical columns


@pytest.fixture(scope="module")
def mixed():
    """A frame with a numeric column that has NaNs and many exact zeros, a categorical column of 12
    categories (with missing values), an integer column and noise; its target, and the numeric
    matrix the engine takes (category codes, NaN where missing)."""
    rng = np.random.default_rng(3)
    n = 800
    colour = rng.integers(0, 12, n).astype(float)
    colour[rng.random(n) < 0.06] = np.nan
    signal = np.where(rng.random(n) < 0.3, 0.0, rng.normal(size=n))
    level = rng.integers(0, 6, n).astype(float)
    noise = rng.normal(size=n)
    y = np.nan_to_num(signal) * 1.5 + np.isin(colour, [1, 4, 7, 8, 10]) * 2.0 + (level >= 3) + rng.normal(size=n) * 0.3
    signal[rng.random(n) < 0.1] = np.nan
    names = [f"c{i:02d}" for i in range(12)]
    frame = pd.DataFrame({
        "signal": signal,
        "colour": pd.Categorical.from_codes(np.where(np.isnan(colour), -1, colour).astype(int), categories=names),
        "level": level,
        "noise": noise,
    })
    codes = np.column_stack([signal, colour, level, noise])
    return frame, codes, y


def odd_category_rows(codes, column):
    """Rows whose categorical value is missing, negative, fractional, beyond the categories or huge."""
    rows = np.repeat(codes[:8], 8, axis=0)
    rows[:, column] = np.tile([np.nan, -1.0, -0.5, 0.5, 3.0, 11.0, 12.0, 1e9], 8)
    return rows


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_xgboost_categorical_frames(kind, mixed, export_load):
    frame, codes, y = mixed
    common = dict(n_estimators=12, max_depth=4, enable_categorical=True, tree_method="hist", max_cat_to_onehot=4)
    if kind == "regressor":
        model = xgboost.XGBRegressor(**common).fit(frame, y)
    else:
        model = xgboost.XGBClassifier(**common).fit(frame, (y > 1).astype(int))
    loaded = export_load(model)
    assert loaded.metadata["feature_names"] == list(frame.columns)
    assert json.loads(loaded.metadata["properties"]["categories.colour"]) == list(frame["colour"].cat.categories)
    # The engine takes the category codes (the positions in the training categories); the SDK
    # turns a DataFrame's categories into them.
    assert_proven(model, "predict", loaded.predict(codes), model.predict(frame))
    assert_proven(model, "predict", loaded.predict(frame), model.predict(frame))
    if kind == "classifier":
        assert_proven(model, "predict_proba", loaded.predict_proba(codes), model.predict_proba(frame))
    rows = np.vstack([threshold_rows(xgboost_splits(model.get_booster()), codes), odd_category_rows(codes, 1)])
    matrix = xgboost.DMatrix(rows, feature_names=list(frame.columns), feature_types=["q", "c", "q", "q"], enable_categorical=True)
    assert_proven(model, "predict", loaded.predict(rows), np.ravel(model.get_booster().predict(matrix)) if kind == "regressor"
                  else (model.get_booster().predict(matrix) > 0.5).astype(int))


def test_xgboost_categorical_matrix(mixed, export_load):
    """Categorical columns declared with feature_types on a DMatrix of codes, through xgb.train."""
    _, codes, y = mixed
    matrix = xgboost.DMatrix(codes, y, feature_types=["q", "c", "q", "q"], enable_categorical=True)
    booster = xgboost.train({"max_depth": 4, "max_cat_to_onehot": 1, "base_score": 0.5}, matrix, 10)
    loaded = export_load(booster)
    rows = np.vstack([codes, threshold_rows(xgboost_splits(booster), codes), odd_category_rows(codes, 1)])
    expected = booster.predict(xgboost.DMatrix(rows, feature_types=["q", "c", "q", "q"], enable_categorical=True))
    assert_proven(booster, "predict", loaded.predict(rows), expected)


@pytest.mark.parametrize("how", ["pandas", "categorical_feature"])
def test_lightgbm_categorical(how, mixed, export_load):
    frame, codes, y = mixed
    model = lightgbm.LGBMRegressor(n_estimators=15, num_leaves=12, min_child_samples=5, min_data_per_group=5, cat_smooth=1,
                                   max_cat_to_onehot=4, verbose=-1)
    if how == "pandas":
        model.fit(frame, y)
    else:
        model.fit(codes, y, categorical_feature=[1])
    loaded = export_load(model)
    rows = np.vstack([codes, threshold_rows(lightgbm_splits(model.booster_), codes), odd_category_rows(codes, 1)])
    assert_proven(model, "predict", loaded.predict(rows), model.booster_.predict(rows))
    if how == "pandas":
        assert json.loads(loaded.metadata["properties"]["categories.colour"]) == list(frame["colour"].cat.categories)
        assert_proven(model, "predict", loaded.predict(codes), model.predict(frame))
        # Categories LightGBM never saw (and missing ones) are missing values, in LightGBM and here.
        odd = frame.iloc[:6].assign(colour=pd.Categorical(["c01", "zz", None, "c11", "c00", "c07"]))
        for rows in (frame, odd):
            assert_proven(model, "predict", loaded.predict(rows), model.predict(rows))


@pytest.mark.parametrize("params", [{"zero_as_missing": True}, {"use_missing": False}, {}])
def test_lightgbm_missing_value_modes(params, mixed, export_load):
    _, codes, y = mixed
    model = lightgbm.LGBMClassifier(n_estimators=15, num_leaves=10, verbose=-1, **params).fit(codes, (y > 1).astype(int))
    rows = hard_rows(model, codes)
    rows[::7, 0] = 0.0
    rows[::11, 0] = -0.0
    rows[::13, 0] = 1e-36
    check_estimator(model, export_load(model), rows)


def test_lightgbm_double_precision_thresholds(export_load):
    """Thresholds that float32 cannot hold: values one float64 step either side route as LightGBM's."""
    rng = np.random.default_rng(5)
    X = 1.0 + rng.integers(0, 1000, size=(500, 3)) * 1e-9
    y = (X[:, 0] > 1.0 + 500e-9) * 1.0 + X[:, 1] * 1e3
    model = lightgbm.LGBMRegressor(n_estimators=10, num_leaves=8, min_child_samples=3, verbose=-1).fit(X, y)
    rows = hard_rows(model, X)
    assert np.any(rows.astype(np.float32).astype(np.float64) != rows)
    check_estimator(model, export_load(model), rows)


@pytest.fixture(scope="module")
def integer_categories():
    """A frame with integer categorical columns (one with negative and large codes, one CatBoost
    one-hot encodes) and float columns; a target; rows with categories never seen in training."""
    rng = np.random.default_rng(11)
    n = 700
    frame = pd.DataFrame({
        "price": rng.normal(size=n),
        "shop": rng.choice([-40, -3, 0, 2, 7, 19, 301, 4096, 65537, 999_999], n),
        "tier": rng.integers(0, 5, n),
        "flag": rng.integers(0, 2, n),
        "noise": rng.normal(size=n),
    })
    y = ((frame["shop"] % 3 == 0) * 1.0 + (frame["tier"] == 2) + 0.7 * (frame["flag"] == 1) * (frame["price"] > 0)
         + frame["price"] * 0.5 + rng.normal(size=n) * 0.3).to_numpy()
    unseen = frame.iloc[:12].assign(shop=np.tile([5, -41, 1_000_000], 4), tier=np.tile([5, -1, 3, 0], 3), flag=np.tile([2, 1, 0], 4))
    return frame, y, pd.concat([frame, unseen], ignore_index=True)


@pytest.mark.parametrize("kind", ["CatBoostRegressor", "CatBoostClassifier", "CatBoostClassifier-multiclass"])
def test_catboost_integer_categorical_features(kind, integer_categories, export_load):
    frame, y, rows = integer_categories
    common = dict(iterations=15, depth=4, cat_features=["shop", "tier", "flag"], verbose=0, random_seed=0, allow_writing_files=False)
    if kind == "CatBoostRegressor":
        model = catboost.CatBoostRegressor(**common).fit(frame, y)
    else:
        labels = np.digitize(y, [0.5] if kind == "CatBoostClassifier" else [0.3, 1.0])
        model = catboost.CatBoostClassifier(max_ctr_complexity=3, **common).fit(frame, labels)
    loaded = export_load(model)
    check_estimator(model, loaded, rows)
    # A missing or fractional category is one CatBoost never saw: it takes the unseen category's statistics.
    odd = rows.iloc[-12:].astype({"shop": float, "tier": float})
    odd.loc[:, "shop"] = np.tile([np.nan, 2.5, np.nan], 4)
    odd.loc[:, "tier"] = np.tile([np.nan, 0.5, 3.0, 0.0], 3)
    method = "predict_proba" if hasattr(model, "predict_proba") else "predict"
    assert_proven(model, method, getattr(loaded, method)(odd), getattr(model, method)(rows.iloc[-12:]))


def test_catboost_scale_and_bias(datasets, export_load):
    X, y = datasets["diabetes"]
    model = catboost.CatBoostRegressor(iterations=10, depth=3, verbose=0, random_seed=0, allow_writing_files=False).fit(X, y)
    model.set_scale_and_bias(0.75, [12.5])
    assert_proven(model, "predict", export_load(model).predict(hard_rows(model, X)), model.predict(hard_rows(model, X)))


def test_catboost_string_categories_are_refused(model_dir):
    frame = pd.DataFrame({"colour": np.array(["red", "green", "blue"] * 40), "x": np.arange(120.0)})
    model = catboost.CatBoostRegressor(iterations=3, depth=2, cat_features=["colour"], verbose=0, allow_writing_files=False)
    model.fit(frame, np.arange(120.0) % 7)
    with pytest.raises(mle_runtime.UnsupportedModelError, match="only integer categories are supported"):
        mle_runtime.export_model(model, model_dir / "strings.mle")
    assert not (model_dir / "strings.mle").exists()


# ---------------------------------------------------------------------------------------------
# Early stopping: the wrappers predict up to best_iteration


def test_xgboost_early_stopping(datasets, export_load):
    X, y = datasets["breast_cancer"]
    train, valid = slice(0, 400), slice(400, None)
    model = xgboost.XGBClassifier(n_estimators=200, learning_rate=0.5, early_stopping_rounds=3)
    model.fit(X[train], y[train], eval_set=[(X[valid], y[valid])], verbose=False)
    assert model.best_iteration < 199
    loaded = export_load(model)
    assert loaded.metadata["properties"]["iterations"] == f"{model.best_iteration + 1} of {model.get_booster().num_boosted_rounds()}"
    check_estimator(model, loaded, X)


def test_lightgbm_early_stopping(datasets, export_load):
    X, y = datasets["breast_cancer"]
    train, valid = slice(0, 400), slice(400, None)
    model = lightgbm.LGBMClassifier(n_estimators=300, learning_rate=0.5, verbose=-1)
    model.fit(X[train], y[train], eval_set=[(X[valid], y[valid])], callbacks=[lightgbm.early_stopping(3, verbose=False)])
    assert 0 < model.best_iteration_ < 300
    check_estimator(model, export_load(model), X)
    booster = lightgbm.train({"objective": "binary", "learning_rate": 0.5, "verbose": -1}, lightgbm.Dataset(X[train], y[train]), 300,
                             valid_sets=[lightgbm.Dataset(X[valid], y[valid])], callbacks=[lightgbm.early_stopping(3, verbose=False)])
    assert 0 < booster.best_iteration < 300
    assert_proven(booster, "predict", export_load(booster).predict(X), booster.predict(X))


# ---------------------------------------------------------------------------------------------
# Raw boosters: predict is the booster's own


def _qid(n, size=20):
    return np.arange(n) // size


XGBOOST_BOOSTERS = {
    "binary:logistic": ("breast_cancer", {}),
    "binary:logitraw": ("breast_cancer", {}),
    "binary:hinge": ("breast_cancer", {}),
    "multi:softprob": ("iris", {"num_class": 3}),
    "multi:softmax": ("iris", {"num_class": 3}),
    "reg:squarederror": ("diabetes", {"base_score": 100.0}),
    "reg:absoluteerror": ("diabetes", {}),
    "reg:logistic": ("diabetes", {}),
    "count:poisson": ("diabetes", {}),
    "reg:gamma": ("diabetes", {}),
    "reg:tweedie": ("diabetes", {"tweedie_variance_power": 1.6}),
    "rank:pairwise": ("diabetes", {}),
    "rank:ndcg": ("diabetes", {}),
    "dart": ("breast_cancer", {"booster": "dart", "rate_drop": 0.3, "objective": "binary:logistic"}),
}


@pytest.mark.parametrize("objective", XGBOOST_BOOSTERS)
def test_raw_xgboost_booster(objective, datasets, export_load):
    dataset, params = XGBOOST_BOOSTERS[objective]
    X, y = datasets[dataset]
    X = with_missing(X, 0.05)
    if objective == "reg:logistic":
        y = _unit(y)
    if objective.startswith("rank:"):
        y = np.digitize(y, np.quantile(y, [0.5, 0.8]))
    train = xgboost.DMatrix(X, y, qid=_qid(len(X)) if objective.startswith("rank:") else None)
    booster = xgboost.train({"objective": objective, "max_depth": 3, "seed": 0, **params}, train, 12)
    loaded = export_load(booster)
    rows = hard_rows(booster, X)
    matrix = xgboost.DMatrix(rows)
    predicted = booster.predict(matrix)
    assert loaded.predict(rows).dtype == np.float32
    assert_proven(booster, "predict", loaded.predict(rows), predicted)
    margin = booster.predict(matrix, output_margin=True)
    if objective in ("binary:logistic", "dart"):
        assert_proven(booster, "predict_proba", loaded.predict_proba(rows), np.column_stack([1 - predicted, predicted]))
    if objective == "multi:softprob":
        assert_proven(booster, "predict_proba", loaded.predict_proba(rows), predicted)
    if "predict_proba" in loaded.methods:
        assert_proven(booster, "decision_function", loaded.decision_function(rows), margin)


LIGHTGBM_BOOSTERS = {
    "binary": ("breast_cancer", {}),
    "multiclass": ("iris", {"num_class": 3}),
    "multiclassova": ("iris", {"num_class": 3}),
    "regression": ("diabetes", {}),
    "regression_l1": ("diabetes", {}),
    "huber": ("diabetes", {}),
    "quantile": ("diabetes", {"alpha": 0.3}),
    "poisson": ("diabetes", {}),
    "gamma": ("diabetes", {}),
    "tweedie": ("diabetes", {}),
    "cross_entropy": ("diabetes", {}),
    "lambdarank": ("diabetes", {}),
    "rf": ("breast_cancer", {"objective": "binary", "bagging_freq": 1, "bagging_fraction": 0.7}),
}


@pytest.mark.parametrize("objective", LIGHTGBM_BOOSTERS)
def test_raw_lightgbm_booster(objective, datasets, export_load):
    dataset, params = LIGHTGBM_BOOSTERS[objective]
    X, y = datasets[dataset]
    X = with_missing(X, 0.05)
    group = None
    if objective == "cross_entropy":
        y = _unit(y)
    if objective == "lambdarank":
        y = np.digitize(y, np.quantile(y, [0.5, 0.8]))
        group = np.bincount(_qid(len(X)))
    settings = {"objective": objective, "num_leaves": 8, "verbose": -1, "seed": 0, **params}
    if objective == "rf":
        settings["boosting"] = "rf"
    booster = lightgbm.train(settings, lightgbm.Dataset(X, y, group=group), 12)
    loaded = export_load(booster)
    rows = hard_rows(booster, X)
    predicted = booster.predict(rows)
    assert_proven(booster, "predict", loaded.predict(rows), predicted)
    if objective in ("binary", "rf"):
        assert_proven(booster, "predict_proba", loaded.predict_proba(rows), np.column_stack([1 - predicted, predicted]))
    if objective.startswith("multiclass"):
        assert_proven(booster, "predict_proba", loaded.predict_proba(rows), predicted)
    if "predict_proba" in loaded.methods:
        assert_proven(booster, "decision_function", loaded.decision_function(rows), booster.predict(rows, raw_score=True))


@pytest.mark.parametrize("loss", ["Logloss", "MultiClass", "RMSE", "Poisson"])
def test_catboost_base_class_predicts_raw_values(loss, datasets, export_load):
    X, y = datasets["iris" if loss == "MultiClass" else "breast_cancer" if loss == "Logloss" else "diabetes"]
    model = catboost.CatBoost({"iterations": 15, "depth": 3, "loss_function": loss, "verbose": 0, "random_seed": 0,
                               "allow_writing_files": False}).fit(X, y)
    assert_proven(model, "predict", export_load(model).predict(hard_rows(model, X)), model.predict(hard_rows(model, X)))


def test_raw_boosters_use_every_tree(datasets, export_load):
    """Booster.predict uses every tree, whatever best_iteration says, and so does its export."""
    X, y = datasets["breast_cancer"]
    train, valid = slice(0, 400), slice(400, None)
    model = xgboost.XGBClassifier(n_estimators=200, learning_rate=0.5, early_stopping_rounds=3)
    model.fit(X[train], y[train], eval_set=[(X[valid], y[valid])], verbose=False)
    booster = model.get_booster()
    loaded = export_load(booster)
    assert loaded.metadata["properties"]["iterations"].split(" of ")[0] == str(booster.num_boosted_rounds())
    assert_proven(booster, "predict", loaded.predict(X), booster.predict(xgboost.DMatrix(X)))


def test_unsupported_booster_is_refused_by_name(datasets, model_dir):
    X, y = datasets["diabetes"]
    model = xgboost.XGBRegressor(n_estimators=3, booster="gblinear").fit(X, y)
    with pytest.raises(mle_runtime.UnsupportedModelError, match="gblinear"):
        mle_runtime.export_model(model, model_dir / "gblinear.mle")
    assert not (model_dir / "gblinear.mle").exists()


def test_boosters_are_listed_as_supported():
    supported = mle_runtime.supported_models()
    for name in ("xgboost.sklearn.XGBClassifier", "lightgbm.sklearn.LGBMRegressor", "catboost.core.CatBoostClassifier", "xgboost.core.Booster"):
        assert name in supported
