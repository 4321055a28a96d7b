"""ColumnTransformer, FeatureUnion and Pipeline over mixed-type DataFrames: exported, loaded, fed the
DataFrame by column name, and compared with scikit-learn's own outputs."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MIXED, assert_proven, string_columns
from mle_runtime import UnsupportedModelError, export_model
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler, MinMaxScaler, OneHotEncoder, OrdinalEncoder, StandardScaler


def _split(frame, y):
    """The first two thirds to fit on; every row (unseen ones included) to predict."""
    cut = 2 * len(frame) // 3
    return frame.iloc[:cut], y[:cut]


def _preprocessor(name: str, encoder=None) -> ColumnTransformer:
    strings = string_columns(name)
    return ColumnTransformer([
        ("categories", encoder or OneHotEncoder(handle_unknown="ignore", sparse_output=False), strings),
        ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), make_column_selector(dtype_include="number")),
    ])


@pytest.mark.parametrize("name", MIXED)
@pytest.mark.parametrize("estimator", ["logistic", "forest"])
def test_pipeline_on_a_mixed_dataframe_by_column_name(mixed_frames, export_load, name, estimator):
    """The product's central promise: a pipeline that one-hot encodes string columns, imputes and
    scales numbers, and ends in a classifier with string labels (or a regressor) predicts exactly."""
    X, y = mixed_frames[name]
    classify = y.dtype.kind == "U"
    final = {
        ("logistic", True): LogisticRegression(max_iter=2000),
        ("logistic", False): Ridge(),
        ("forest", True): RandomForestClassifier(n_estimators=15, random_state=0),
        ("forest", False): RandomForestRegressor(n_estimators=15, random_state=0),
    }[estimator, classify]
    model = Pipeline([("prepare", _preprocessor(name)), ("estimate", final)]).fit(*_split(X, y))
    loaded = export_load(model)
    assert {i["name"] for i in loaded.inputs} == set(X.columns)
    assert {i["name"]: i["dtype"] for i in loaded.inputs if i["dtype"] == "string"} == dict.fromkeys(string_columns(name), "string")
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    if classify:
        assert loaded.predict(X).dtype.kind == "U"
        assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))
    shuffled = X[list(reversed(X.columns))].iloc[::-1]
    assert_proven(model, "predict", loaded.predict(shuffled), model.predict(shuffled))
    assert_proven(model, "predict", loaded.predict(X.iloc[[5]]), model.predict(X.iloc[[5]]))


def test_column_transformer_selects_by_name_index_slice_mask_and_callable(mixed_frames, export_load):
    X, y = mixed_frames["wine"]
    numeric = [c for c in X.columns if c not in string_columns("wine")]
    positions = [X.columns.get_loc(c) for c in numeric]
    mask = X.columns.isin(numeric[3:6])
    model = ColumnTransformer([
        ("by_name", OneHotEncoder(sparse_output=False, handle_unknown="ignore"), ["hue"]),
        ("by_index", SimpleImputer(strategy="median"), positions[:2]),
        ("by_slice", StandardScaler(), slice(positions[2], positions[2] + 1)),
        ("by_mask", MinMaxScaler(), mask),
        ("by_callable", OrdinalEncoder(), lambda frame: ["color_intensity"]),
        ("by_selector", "passthrough", make_column_selector(pattern="^proline$")),
    ], remainder="drop").fit(X)
    loaded = export_load(model)
    assert_proven(model, "transform", loaded.transform(X), model.transform(X))
    # Dropped columns are not inputs: a DataFrame without them is read as well.
    read = {i["name"] for i in loaded.inputs}
    assert read < set(X.columns)
    assert_proven(model, "transform", loaded.transform(X[sorted(read)]), model.transform(X))


@pytest.mark.parametrize("remainder", ["passthrough", "drop", "estimator"])
def test_column_transformer_remainder(mixed_frames, export_load, remainder):
    X, y = mixed_frames["diabetes"]
    X = X.fillna({"age": 0.0, "s5": 0.0})
    rest = StandardScaler() if remainder == "estimator" else remainder
    model = ColumnTransformer([("categories", OneHotEncoder(sparse_output=False), string_columns("diabetes"))],
                              remainder=rest, transformer_weights={"categories": 2.5}).fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


def test_column_transformer_on_numpy_with_positions(datasets, export_load):
    X, y = datasets["breast_cancer"]
    model = make_pipeline(
        ColumnTransformer([("scaled", StandardScaler(), list(range(10))), ("minmax", MinMaxScaler(), slice(10, 20))],
                          remainder=MaxAbsScaler()),
        LogisticRegression(max_iter=1000),
    ).fit(X, y)
    loaded = export_load(model)
    # Every column is numeric and read: the single float64 input is kept.
    assert [(i["name"], i["shape"]) for i in loaded.inputs] == [("input", [-1, 30])]
    assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))


def test_passthrough_strings_beside_numbers_feed_an_encoder(mixed_frames, export_load):
    X, y = mixed_frames["wine"]
    strings = string_columns("wine")
    model = make_pipeline(
        ColumnTransformer([("impute", SimpleImputer(strategy="most_frequent"), strings + ["alcohol"])], remainder="drop"),
        ColumnTransformer([("encode", OneHotEncoder(sparse_output=False), [0, 1]), ("keep", "passthrough", [2])]),
        LogisticRegression(max_iter=1000),
    ).fit(X, y)
    loaded = export_load(model)
    assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))


def test_feature_union_with_weights_passthrough_and_drop(datasets, export_load):
    X, y = datasets["wine"]
    union = FeatureUnion([
        ("scaled", StandardScaler()),
        ("logs", FunctionTransformer(np.log1p)),
        ("raw", "passthrough"),
        ("off", "drop"),
    ], transformer_weights={"scaled": 2.0, "raw": 0.5}).fit(X)
    assert_proven(union, "transform", export_load(union).transform(X), union.transform(X))
    model = make_pipeline(MinMaxScaler(), union, LogisticRegression(max_iter=1000)).fit(X, y)
    assert_proven(model, "predict_proba", export_load(model).predict_proba(X), model.predict_proba(X))


def test_feature_union_on_mixed_columns(mixed_frames, export_load):
    X, y = mixed_frames["breast_cancer"]
    strings = string_columns("breast_cancer")
    union = FeatureUnion([
        ("one_hot", ColumnTransformer([("e", OneHotEncoder(sparse_output=False, handle_unknown="ignore"), strings)])),
        ("ordinal", ColumnTransformer([("e", OrdinalEncoder(encoded_missing_value=-1), strings)])),
    ])
    model = make_pipeline(union, LogisticRegression(max_iter=2000)).fit(X, y)
    loaded = export_load(model)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))


def test_sparse_output_is_refused_where_it_is_the_models_output(mixed_frames, datasets, tmp_path):
    X, y = mixed_frames["breast_cancer"]
    strings = string_columns("breast_cancer")
    sparse = ColumnTransformer([("e", OneHotEncoder(), strings)], sparse_threshold=1.0).fit(X)
    assert sparse.sparse_output_
    with pytest.raises(UnsupportedModelError, match="sparse_threshold=0"):
        export_model(sparse, tmp_path / "sparse.mle")
    with pytest.raises(UnsupportedModelError, match="sparse_output=False"):
        export_model(OneHotEncoder().fit(X[strings]), tmp_path / "sparse.mle")
    assert not list(tmp_path.iterdir())
    # Inside a pipeline the sparse matrix never reaches the caller; it is computed densely.
    model = make_pipeline(ColumnTransformer([("e", OneHotEncoder(), strings)], sparse_threshold=1.0),
                          LogisticRegression(max_iter=1000)).fit(X, y)
    export_model(model, tmp_path / "dense.mle")


class _OwnScaler(StandardScaler):
    """A subclass may compute anything; it is not matched to its parent's converter."""


def test_unsupported_part_is_named(datasets, tmp_path):
    X, y = datasets["iris"]
    model = make_pipeline(ColumnTransformer([("own", _OwnScaler(), [0, 1, 2])]), LogisticRegression()).fit(X, y)
    with pytest.raises(UnsupportedModelError, match="_OwnScaler"):
        export_model(model, tmp_path / "own.mle")
