"""Input handling: numpy arrays of any numeric dtype and layout, lists, pandas DataFrames matched
by feature name, and InputError messages that name the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_labels_match, assert_values_match
from mle_runtime import InputError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="module")
def wine_frame_model(frames, export_load):
    """A pipeline fitted on a DataFrame (so it records feature names) and its export."""
    X, y = frames["wine"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(X, y)
    return X, model, export_load(model)


@pytest.fixture(scope="module")
def ridge(datasets, export_load):
    X, y = datasets["diabetes"]
    model = Ridge().fit(X, y)
    return X, model, export_load(model)


def test_dataframe_columns_by_name(wine_frame_model):
    X, model, loaded = wine_frame_model
    assert_labels_match(loaded.predict(X), model.predict(X))
    assert_values_match(loaded.predict_proba(X), model.predict_proba(X))


def test_reordered_dataframe_columns_still_match(wine_frame_model):
    X, model, loaded = wine_frame_model
    shuffled = X[list(reversed(X.columns))]
    assert_values_match(loaded.predict_proba(shuffled), model.predict_proba(X))


def test_missing_dataframe_column_is_named(wine_frame_model):
    X, _, loaded = wine_frame_model
    with pytest.raises(InputError, match=r"missing \['alcohol'\]"):
        loaded.predict(X.drop(columns=["alcohol"]))


def test_unexpected_dataframe_column_is_named(wine_frame_model):
    X, _, loaded = wine_frame_model
    with pytest.raises(InputError, match=r"unexpected \['colour'\]"):
        loaded.predict(X.assign(colour=1.0))
    with pytest.raises(InputError, match=r"missing \['alcohol'\], unexpected \['alcohol_typo'\]"):
        loaded.predict(X.rename(columns={"alcohol": "alcohol_typo"}))


def test_non_numeric_dataframe_column_is_named(wine_frame_model):
    X, _, loaded = wine_frame_model
    bad = X.assign(alcohol=["strong"] * len(X))
    with pytest.raises(InputError, match="alcohol"):
        loaded.predict(bad)


def test_nullable_and_integer_dataframe_columns(wine_frame_model):
    X, model, loaded = wine_frame_model
    converted = X.astype({"magnesium": "Int64", "proline": "float32"})
    expected = model.predict_proba(converted.astype("float64"))
    assert_values_match(loaded.predict_proba(converted), expected)


def test_dataframe_for_a_model_without_feature_names_is_positional(ridge):
    X, model, loaded = ridge
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    assert_values_match(loaded.predict(frame), model.predict(X))


@pytest.mark.parametrize(
    "convert",
    [
        lambda X: np.asfortranarray(X),
        lambda X: np.repeat(X, 2, axis=1)[:, ::2],
        lambda X: X.astype(np.float32),
        lambda X: X.astype(">f8"),
        lambda X: np.round(X * 100).astype(np.int32),
        lambda X: np.round(X * 100).astype(np.int64),
        lambda X: X.tolist(),
        lambda X: X.astype(object),
    ],
    ids=["fortran", "strided", "float32", "big-endian", "int32", "int64", "list", "object-numbers"],
)
def test_any_numeric_array_layout(ridge, convert):
    X, model, loaded = ridge
    converted = convert(X)
    reference = np.asarray(converted, dtype=np.float64)
    assert_values_match(loaded.predict(converted), model.predict(reference))


def test_wrong_feature_count(ridge):
    X, _, loaded = ridge
    with pytest.raises(InputError, match="expected 10 features, got 9"):
        loaded.predict(X[:, :9])


def test_one_dimensional_input_suggests_reshape(ridge):
    X, _, loaded = ridge
    with pytest.raises(InputError, match=r"reshape\(1, -1\)"):
        loaded.predict(X[0])


def test_three_dimensional_input(ridge):
    X, _, loaded = ridge
    with pytest.raises(InputError, match="2 dimensions"):
        loaded.predict(X.reshape(1, *X.shape))


def test_strings_are_refused(ridge):
    X, _, loaded = ridge
    with pytest.raises(InputError, match="numeric"):
        loaded.predict(X.astype(str))
    with pytest.raises(InputError, match="numeric"):
        loaded.predict(np.array([["a"] * 10], dtype=object))
    with pytest.raises(InputError, match="numeric"):
        loaded.predict(X + 1j)
