"""XGBoost, LightGBM and CatBoost models exported from Python (the booster is saved in its own format
and converted by the engine) against each framework's own predict on the bundled datasets, with
missing values, string labels and early stopping."""

from __future__ import annotations

import numpy as np
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


CLASSIFIERS = {
    "XGBClassifier": lambda: xgboost.XGBClassifier(n_estimators=30, max_depth=4),
    "XGBClassifier-dart": lambda: xgboost.XGBClassifier(n_estimators=15, booster="dart", rate_drop=0.2, random_state=0),
    "XGBRFClassifier": lambda: xgboost.XGBRFClassifier(n_estimators=10, max_depth=4, random_state=0),
    "LGBMClassifier": lambda: lightgbm.LGBMClassifier(n_estimators=30, num_leaves=15, verbose=-1),
    "CatBoostClassifier": lambda: catboost.CatBoostClassifier(iterations=30, depth=4, verbose=0, random_seed=0, allow_writing_files=False),
}

REGRESSORS = {
    "XGBRegressor": lambda: xgboost.XGBRegressor(n_estimators=30),
    "XGBRegressor-poisson": lambda: xgboost.XGBRegressor(n_estimators=20, objective="count:poisson"),
    "XGBRFRegressor": lambda: xgboost.XGBRFRegressor(n_estimators=10, max_depth=4, random_state=0),
    "LGBMRegressor": lambda: lightgbm.LGBMRegressor(n_estimators=30, verbose=-1),
    "LGBMRegressor-gamma": lambda: lightgbm.LGBMRegressor(n_estimators=20, objective="gamma", verbose=-1),
    "CatBoostRegressor": lambda: catboost.CatBoostRegressor(iterations=30, verbose=0, random_seed=0, allow_writing_files=False),
    "CatBoost-RMSE": lambda: catboost.CatBoost({"iterations": 20, "loss_function": "RMSE", "verbose": 0, "random_seed": 0,
                                                "allow_writing_files": False}),
}


@pytest.mark.parametrize("dataset", ["iris", "breast_cancer"])
@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classifier(name, dataset, datasets, export_load):
    factory = CLASSIFIERS[name]
    X, y = datasets[dataset]
    if not name.startswith("CatBoost"):
        X = with_missing(X)
    model = factory().fit(X, y)
    loaded = export_load(model)
    assert_proven(model, "predict", loaded.predict(X), np.ravel(model.predict(X)))
    assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))
    if name.startswith("XGB"):
        margins = model.predict(X, output_margin=True)
    elif name.startswith("LGBM"):
        margins = model.predict(X, raw_score=True)
    else:
        margins = model.predict(X, prediction_type="RawFormulaVal")
    assert_proven(model, "decision_function", loaded.decision_function(X), margins)


@pytest.mark.parametrize("name", REGRESSORS)
def test_regressor(name, datasets, export_load):
    factory = REGRESSORS[name]
    X, y = datasets["diabetes"]
    model = factory().fit(X, y)
    loaded = export_load(model)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))


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
    assert_proven(model, "predict_proba", export_load(model).predict_proba(X), model.predict_proba(X))
    # A raw Booster's predict gives the positive class's probability; the loaded model offers the
    # wrappers' methods, so that is predict_proba's second column.
    booster = model.get_booster()
    assert_proven(booster, "predict_proba", export_load(booster).predict_proba(X)[:, 1], booster.predict(xgboost.DMatrix(X)))
    lgb = lightgbm.train({"objective": "binary", "verbose": -1}, lightgbm.Dataset(X, y), num_boost_round=15)
    assert_proven(lgb, "predict_proba", export_load(lgb).predict_proba(X)[:, 1], lgb.predict(X))


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
    assert_proven(xgb, "predict", export_load(xgb).predict(X), xgb.predict(X))
    lgb = lightgbm.LGBMRanker(n_estimators=20, verbose=-1).fit(X, relevance, group=groups)
    assert_proven(lgb, "predict", export_load(lgb).predict(X), lgb.predict(X))
