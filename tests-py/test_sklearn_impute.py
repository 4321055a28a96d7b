"""SimpleImputer and MissingIndicator on numeric and string columns, against scikit-learn's transform."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_proven, string_columns
from mle_runtime import InputError, UnsupportedModelError, export_model
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


@pytest.fixture(scope="module")
def frame(mixed_frames):
    X, _ = mixed_frames["breast_cancer"]
    return X


def _numbers(frame):
    return frame.drop(columns=string_columns("breast_cancer"))


@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent", "constant"])
def test_simple_imputer_on_numbers(frame, export_load, strategy):
    X = _numbers(frame)
    model = SimpleImputer(strategy=strategy, fill_value=-7.5, add_indicator=strategy == "median").fit(X.iloc[:300])
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


def test_simple_imputer_on_strings_and_numbers_together(mixed_frames, frame, export_load):
    X = frame[string_columns("breast_cancer") + ["mean radius", "worst area"]]
    _, y = mixed_frames["breast_cancer"]
    model = make_pipeline(
        SimpleImputer(strategy="most_frequent", add_indicator=True),
        ColumnTransformer([("encode", OneHotEncoder(sparse_output=False), [0, 1, 2])], remainder=StandardScaler()),
        LogisticRegression(max_iter=1000),
    ).fit(X, y)
    loaded = export_load(model)
    assert [i["dtype"] for i in loaded.inputs] == ["string", "string", "string", "float64", "float64"]
    assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))


def test_a_mixed_transform_output_is_refused(frame, tmp_path):
    X = frame[string_columns("breast_cancer") + ["mean radius"]]
    with pytest.raises(UnsupportedModelError, match="mixes string and numeric columns"):
        export_model(SimpleImputer(strategy="most_frequent").fit(X), tmp_path / "mixed.mle")


def test_simple_imputer_on_strings(frame, export_load):
    X = frame[string_columns("breast_cancer")]
    model = SimpleImputer(strategy="constant", fill_value="unknown").fit(X)
    loaded = export_load(model)
    assert_proven(model, "transform", loaded.transform(X), model.transform(X))


def test_simple_imputer_with_a_missing_value_marker(export_load):
    X = np.array([[1.0, -1.0, 3.0], [-1.0, 2.0, 0.5], [4.0, 5.0, -1.0], [7.0, -1.0, 6.0]])
    model = SimpleImputer(missing_values=-1.0, strategy="mean").fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))
    words = pd.DataFrame({"a": ["x", "?", "y", "x"], "b": ["?", "p", "q", "q"]}, dtype=object)
    model = SimpleImputer(missing_values="?", strategy="most_frequent").fit(words)
    assert_proven(model, "transform", export_load(model).transform(words), model.transform(words))


@pytest.mark.parametrize("keep_empty_features", [False, True])
def test_columns_without_values_are_dropped_unless_kept(export_load, keep_empty_features):
    X = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, 6.0], [7.0, np.nan, np.nan]])
    model = SimpleImputer(keep_empty_features=keep_empty_features, add_indicator=True).fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


@pytest.mark.parametrize("features", ["missing-only", "all"])
def test_missing_indicator(frame, export_load, features):
    X = _numbers(frame)
    model = MissingIndicator(features=features, error_on_new=False).fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


def test_missing_indicator_on_strings_with_a_marker(export_load):
    words = pd.DataFrame({"a": ["x", "?", "y", "x"], "b": ["?", "p", "q", "q"], "c": ["r", "s", "t", "u"]}, dtype=object)
    model = MissingIndicator(missing_values="?", features="all").fit(words)
    assert_proven(model, "transform", export_load(model).transform(words), model.transform(words))


def test_missing_indicator_refuses_new_missing_columns(frame, export_load):
    X = _numbers(frame)
    model = MissingIndicator().fit(X.iloc[:5].fillna(0).assign(**{"mean radius": np.nan}))
    loaded = export_load(model)
    assert_proven(model, "transform", loaded.transform(X.fillna({"worst area": 0.0})), model.transform(X.fillna({"worst area": 0.0})))
    with pytest.raises(InputError, match="column 'worst area' has a missing value, but had none in training"):
        loaded.transform(X)
    with pytest.raises(ValueError):
        model.transform(X)


@pytest.mark.parametrize("missing_values", [np.nan, None])
def test_none_and_nan_are_told_apart_in_strings_as_scikit_learn_does(export_load, missing_values):
    # With missing_values=None scikit-learn refuses NaN in its input; with NaN, None is a value like any other.
    nan = np.nan if missing_values is not None else "n"
    words = pd.DataFrame({"a": ["x", None, nan, "x", None], "b": [nan, "p", "q", None, "q"]}, dtype=object)
    model = SimpleImputer(missing_values=missing_values, strategy="most_frequent", add_indicator=True)
    pipeline = make_pipeline(model, OneHotEncoder(sparse_output=False, handle_unknown="ignore")).fit(words)
    loaded = export_load(pipeline)
    assert_proven(pipeline, "transform", loaded.transform(words), pipeline.transform(words))
    imputer = SimpleImputer(missing_values=missing_values, strategy="constant", fill_value="?").fit(words)
    assert_proven(imputer, "transform", export_load(imputer).transform(words), imputer.transform(words))
