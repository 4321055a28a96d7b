"""XGBoost, LightGBM and CatBoost models exported from Python (the booster is saved in its own format
and converted by the engine) against each framework's own predict on the bundled datasets, with
missing values, string labels and early stopping."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_labels_match

import mle_runtime

xgboost = pytest.importorskip("xgboost")
lightgbm = pytest.importorskip("lightgbm")
catboost = pytest.importorskip("catboost")


def with_missing(X, fraction=0.1, seed=0):
    X = X.copy()
    X[np.random.default_rng(seed).random(X.shape) < fraction] = np.nan
    return X


def close(actual, expected, float32: bool):
    """float32 frameworks (XGBoost) to float32 precision, the others to 1e-9."""
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(float(np.max(np.abs(expected))), 1.0)
    rtol, atol = (1e-5, 1e-6 * scale) if float32 else (1e-9, 1e-12 * scale)
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=rtol, atol=atol)


CLASSIFIERS = {
    "XGBClassifier": (lambda: xgboost.XGBClassifier(n_estimators=30, max_depth=4), True),
    "XGBClassifier-dart": (lambda: xgboost.XGBClassifier(n_estimators=15, booster="dart", rate_drop=0.2, random_state=0), True),
    "LGBMClassifier": (lambda: lightgbm.LGBMClassifier(n_estimators=30, num_leaves=15, verbose=-1), False),
    "CatBoostClassifier": (lambda: catboost.CatBoostClassifier(iterations=30, depth=4, verbose=0, random_seed=0, allow_writing_files=False), False),
}

REGRESSORS = {
    "XGBRegressor": (lambda: xgboost.XGBRegressor(n_estimators=30), True),
    "XGBRegressor-poisson": (lambda: xgboost.XGBRegressor(n_estimators=20, objective="count:poisson"), True),
    "LGBMRegressor": (lambda: lightgbm.LGBMRegressor(n_estimators=30, verbose=-1), False),
    "LGBMRegressor-gamma": (lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="gamma", verbose=-1), False),
    "CatBoostRegressor": (lambda: catboost.CatBoostRegressor(iterations=30, verbose=0, random_seed=0, allow_writing_files=False), False),
}


@pytest.mark.parametrize("dataset", ["iris", "breast_cancer"])
@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classifier(name, dataset, datasets, export_load):
    factory, float32 = CLASSIFIERS[name]
    X, y = datasets[dataset]
    if not name.startswith("CatBoost"):
        X = with_missing(X)
    model = factory().fit(X, y)
    loaded = export_load(model)
    assert_labels_match(loaded.predict(X), np.ravel(model.predict(X)))
    close(loaded.predict_proba(X), model.predict_proba(X), float32)


@pytest.mark.parametrize("name", REGRESSORS)
def test_regressor(name, datasets, export_load):
    factory, float32 = REGRESSORS[name]
    X, y = datasets["diabetes"]
    model = factory().fit(X, y)
    loaded = export_load(model)
    close(loaded.predict(X), model.predict(X), float32)


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


def test_raw_boosters_use_every_tree(datasets, export_load):
    X, y = datasets["breast_cancer"]
    train, valid = slice(0, 400), slice(400, None)
    model = xgboost.XGBClassifier(n_estimators=200, learning_rate=0.5, early_stopping_rounds=3)
    model.fit(X[train], y[train], eval_set=[(X[valid], y[valid])], verbose=False)
    assert model.best_iteration < 199
    close(export_load(model).predict_proba(X), model.predict_proba(X), True)
    # A raw Booster's predict gives the positive class's probability; the loaded model offers the
    # wrappers' methods, so that is predict_proba's second column.
    booster = model.get_booster()
    close(export_load(booster).predict_proba(X)[:, 1], booster.predict(xgboost.DMatrix(X)), True)
    lgb = lightgbm.train({"objective": "binary", "verbose": -1}, lightgbm.Dataset(X, y), num_boost_round=15)
    close(export_load(lgb).predict_proba(X)[:, 1], lgb.predict(X), False)


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


def test_rankers(datasets, export_load):
    X, y = datasets["diabetes"]
    relevance = np.digitize(y, np.quantile(y, [0.5, 0.8]))
    groups = [20] * (len(X) // 20) + ([len(X) % 20] if len(X) % 20 else [])
    qid = np.repeat(np.arange(len(groups)), groups)
    xgb = xgboost.XGBRanker(n_estimators=20, objective="rank:ndcg").fit(X, relevance, qid=qid)
    close(export_load(xgb).predict(X), xgb.predict(X), True)
    lgb = lightgbm.LGBMRanker(n_estimators=20, verbose=-1).fit(X, relevance, group=groups)
    close(export_load(lgb).predict(X), lgb.predict(X), False)
