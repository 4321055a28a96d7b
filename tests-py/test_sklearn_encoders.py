"""OneHotEncoder, OrdinalEncoder, TargetEncoder and LabelEncoder on string and numeric categories,
with missing values and categories unseen in training, against scikit-learn's transform."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_proven, string_columns
from mle_runtime import InputError
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, OrdinalEncoder, TargetEncoder


@pytest.fixture(scope="module")
def wine(mixed_frames):
    """Wine's string columns and a numeric one with few values, fitted without 'deep' hues and
    without magnesium 110, so that the full frame holds categories the encoders never saw."""
    X, y = mixed_frames["wine"]
    X = X[string_columns("wine")].assign(magnesium=(X["magnesium"] // 10) * 10)
    seen = (X["hue"] != "deep") & (X["magnesium"] != 110)
    return X, X[seen], y[seen.to_numpy()]


def _transform(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.transform(X)


ONE_HOT = {
    "ignore": dict(handle_unknown="ignore"),
    "ignore-drop-first": dict(handle_unknown="ignore", drop="first"),
    "ignore-drop-if_binary": dict(handle_unknown="ignore", drop="if_binary"),
    "infrequent_if_exist-min_frequency": dict(handle_unknown="infrequent_if_exist", min_frequency=15),
    "infrequent_if_exist-max_categories": dict(handle_unknown="infrequent_if_exist", max_categories=3),
    "warn-max_categories-drop": dict(handle_unknown="warn", max_categories=3, drop="first"),
    "ignore-int-dtype": dict(handle_unknown="ignore", dtype=np.int64),
}


@pytest.mark.parametrize("options", ONE_HOT.values(), ids=ONE_HOT.keys())
def test_one_hot_encoder(wine, export_load, options):
    X, seen, _ = wine
    model = OneHotEncoder(sparse_output=False, **options).fit(seen)
    assert_proven(model, "transform", export_load(model).transform(X), _transform(model, X))


def test_one_hot_encoder_explicit_categories_and_drop(wine, export_load):
    X, seen, _ = wine
    categories = [["amber", "deep", "pale", "ruby", np.nan], ["dark", "light", "medium", None], [60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 160.0, np.nan]]
    model = OneHotEncoder(categories=categories, drop=["pale", "dark", 100.0], sparse_output=False).fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), _transform(model, X))


def test_unknown_category_error_names_the_column_and_the_value(wine, export_load):
    X, seen, _ = wine
    loaded = export_load(OneHotEncoder(sparse_output=False).fit(seen))
    with pytest.raises(InputError, match=r"column 'hue' has the category 'deep', which the model did not see in training"):
        loaded.transform(X)
    with pytest.raises(InputError, match=r"column 'magnesium' has the category 110"):
        loaded.transform(X[X["hue"] != "deep"])
    only_strings = OneHotEncoder(sparse_output=False).fit(seen[["hue"]].dropna())
    with pytest.raises(InputError, match=r"column 'hue' has a missing value"):
        export_load(only_strings).transform(seen[["hue"]])


ORDINAL = {
    "error": dict(),
    "use_encoded_value": dict(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2),
    "use_encoded_value-nan": dict(handle_unknown="use_encoded_value", unknown_value=np.nan),
    "infrequent": dict(handle_unknown="use_encoded_value", unknown_value=-1, min_frequency=20),
    "max_categories": dict(handle_unknown="use_encoded_value", unknown_value=99, max_categories=2),
}


@pytest.mark.parametrize("options", ORDINAL.values(), ids=ORDINAL.keys())
def test_ordinal_encoder(wine, export_load, options):
    X, seen, _ = wine
    model = OrdinalEncoder(**options).fit(seen)
    data = seen if not options else X
    assert_proven(model, "transform", export_load(model).transform(data), _transform(model, data))


@pytest.mark.parametrize("name", ["wine", "breast_cancer", "diabetes"])
def test_target_encoder(mixed_frames, export_load, name):
    X, y = mixed_frames[name]
    strings = X[string_columns(name)]
    cut = 2 * len(X) // 3
    model = TargetEncoder(random_state=0).fit(strings.iloc[:cut], y[:cut])
    assert_proven(model, "transform", export_load(model).transform(strings), model.transform(strings))


def test_encoders_fitted_on_numpy_object_arrays(wine, export_load):
    X, seen, _ = wine
    data, fit_on = X.to_numpy(dtype=object), seen.to_numpy(dtype=object)
    model = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(fit_on)
    loaded = export_load(model)
    # Columns are named x0, x1, ... and read by position from arrays, lists and DataFrames alike.
    assert [(i["name"], i["dtype"]) for i in loaded.inputs] == [("x0", "string"), ("x1", "string"), ("x2", "float64")]
    expected = _transform(model, data)
    assert_proven(model, "transform", loaded.transform(data), expected)
    assert_proven(model, "transform", loaded.transform(data.tolist()), expected)
    assert_proven(model, "transform", loaded.transform(X), expected)
    assert_proven(model, "transform", loaded.transform({"x0": data[:, 0], "x1": data[:, 1], "x2": data[:, 2]}), expected)


def test_label_encoder_on_string_and_numeric_labels(mixed_frames, datasets, export_load):
    _, y = mixed_frames["breast_cancer"]
    model = LabelEncoder().fit(y)
    loaded = export_load(model)
    assert loaded.inputs == [{"name": "input", "dtype": "string", "shape": [-1]}]
    assert_proven(model, "transform", loaded.transform(y), model.transform(y))
    assert_proven(model, "transform", loaded.transform(list(y[:3])), model.transform(y[:3]))
    with pytest.raises(InputError, match="the label has the category 'healthy'"):
        loaded.transform(np.array(["benign", "healthy"]))
    _, digits = datasets["iris"]
    numbers = LabelEncoder().fit(digits * 10 + 3)
    assert_proven(numbers, "transform", export_load(numbers).transform(digits * 10 + 3), numbers.transform(digits * 10 + 3))


def test_none_and_nan_are_two_categories_of_a_string_column(export_load):
    data = np.array([["a"], [None], [np.nan], ["b"], [None]], dtype=object)
    model = OneHotEncoder(sparse_output=False).fit(data)
    assert_proven(model, "transform", export_load(model).transform(data), model.transform(data))
    ordinal = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(data[[0, 1, 3]])
    assert_proven(ordinal, "transform", export_load(ordinal).transform(data), _transform(ordinal, data))
