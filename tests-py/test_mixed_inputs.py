"""How a model that reads string columns takes its input: a DataFrame by column name, a dict of
columns, a 2-D (object) array by position; missing values as None, NaN or pd.NA; and InputErrors
that name the column at fault."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_labels_match, assert_values_match, string_columns
from mle_runtime import InputError, load_model
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


@pytest.fixture(scope="module")
def fitted(mixed_frames, export_load):
    X, y = mixed_frames["diabetes"]
    X = X.drop(columns=["s6"])
    y = np.where(y > np.median(y), "high", "low")
    strings = string_columns("diabetes")
    numbers = [c for c in X.columns if c not in strings]
    model = make_pipeline(
        ColumnTransformer([("encode", OneHotEncoder(handle_unknown="ignore"), strings),
                           ("scale", make_pipeline(SimpleImputer(), StandardScaler()), numbers)]),
        LogisticRegression(max_iter=1000),
    ).fit(X, y)
    return X, model, export_load(model)


def test_inputs_are_the_columns_with_their_dtypes(fitted):
    X, _, loaded = fitted
    assert [i["name"] for i in loaded.inputs] == list(X.columns)
    assert {i["name"]: i["dtype"] for i in loaded.inputs} == {c: "string" if c in ("sex", "bmi") else "float64" for c in X.columns}
    assert all(i["shape"] == [-1, 1] for i in loaded.inputs)
    assert loaded.metadata["feature_names"] == list(X.columns)


def test_dataframe_in_any_column_order_with_extra_columns(fitted):
    X, model, loaded = fitted
    expected = model.predict_proba(X)
    assert_values_match(loaded.predict_proba(X[list(reversed(X.columns))]), expected)
    assert_values_match(loaded.predict_proba(X.assign(comment="ignored", s6=1.0)), expected)
    assert_labels_match(loaded.predict(X.iloc[[3]]), model.predict(X.iloc[[3]]))


def test_missing_column_is_named(fitted):
    X, _, loaded = fitted
    with pytest.raises(InputError, match=r"lacks the columns \['bmi'\]"):
        loaded.predict(X.drop(columns=["bmi"]))


def test_wrong_dtypes_are_named(fitted):
    X, _, loaded = fitted
    with pytest.raises(InputError, match="column 'age' must be numeric"):
        loaded.predict(X.assign(age="old"))
    with pytest.raises(InputError, match="column 'sex' must hold strings.*1.5"):
        loaded.predict(X.assign(sex=1.5))
    with pytest.raises(InputError, match="column 'bp'"):
        loaded.predict(X.assign(bp=pd.Timestamp("2024-01-01")))


def test_missing_values_as_none_nan_and_na(fitted):
    """'sex' learnt NaN as a category, so None is an unknown category to it (all zeros); 'bmi'
    learnt None, so NaN is the unknown one there. pandas' NA is NaN."""
    X, model, loaded = fitted
    rows = X.iloc[:4].copy()
    rows["sex"] = pd.Series([None, np.nan, "male", "female"], index=rows.index, dtype=object)
    rows["bmi"] = pd.Series([np.nan, None, "obese", "under"], index=rows.index, dtype=object)
    assert_values_match(loaded.predict_proba(rows), model.predict_proba(rows))
    with_na = rows.assign(sex=pd.array([pd.NA, pd.NA, "male", "female"], dtype="string"))
    assert_values_match(loaded.predict_proba(with_na), model.predict_proba(with_na.astype({"sex": object}).fillna({"sex": np.nan})))


def test_pandas_string_and_categorical_dtypes(fitted):
    X, model, loaded = fitted
    categorical = X.astype({"sex": "category", "bmi": "category"})
    assert_values_match(loaded.predict_proba(categorical), model.predict_proba(categorical))
    strings = X.astype({"bmi": "string"})
    assert_values_match(loaded.predict_proba(strings), model.predict_proba(X.astype({"bmi": "str"})))
    assert_values_match(loaded.predict_proba(X.astype({"age": "float32", "bp": "Float64"})), model.predict_proba(X.astype({"age": "float32"})))


def test_dict_of_columns_and_positional_arrays(fitted):
    X, model, loaded = fitted
    expected = model.predict_proba(X)
    assert_values_match(loaded.predict_proba({c: X[c].to_numpy() for c in X.columns}), expected)
    assert_values_match(loaded.predict_proba({c: X[c].to_numpy().reshape(-1, 1) for c in X.columns}), expected)
    assert_values_match(loaded.predict_proba(X.to_numpy(dtype=object)), expected)
    assert_values_match(loaded.predict_proba(X.to_numpy(dtype=object).tolist()), expected)
    with pytest.raises(InputError, match=r"unknown \['colour'\]"):
        loaded.predict({**{c: X[c].to_numpy() for c in X.columns}, "colour": X["sex"].to_numpy()})
    with pytest.raises(InputError, match="expected 9 columns, got 8"):
        loaded.predict(X.to_numpy(dtype=object)[:, :8])
    with pytest.raises(InputError, match="differ in length"):
        loaded.predict({c: X[c].to_numpy()[: 5 if c == "age" else 6] for c in X.columns})


def test_run_takes_columns_by_name(fitted):
    X, model, loaded = fitted
    outputs = loaded.run(X)
    assert_values_match(outputs["probabilities"], model.predict_proba(X))


def test_nul_characters_are_refused(fitted):
    X, _, loaded = fitted
    with pytest.raises(InputError, match="NUL"):
        loaded.predict(X.iloc[:2].assign(sex=["ma\0le", "female"]))


def test_a_column_named_like_an_output(tmp_path):
    frame = pd.DataFrame({"label": ["a", "b", "a", "c"], "probabilities": [1.0, 2.0, 3.0, 4.0]})
    model = make_pipeline(ColumnTransformer([("e", OneHotEncoder(), ["label"])], remainder="passthrough"),
                          LogisticRegression()).fit(frame, [0, 1, 0, 1])
    import mle_runtime

    mle_runtime.export_model(model, tmp_path / "clash.mle")
    loaded = load_model(tmp_path / "clash.mle")
    assert_values_match(loaded.predict_proba(frame), model.predict_proba(frame))
    assert_labels_match(loaded.predict(frame), model.predict(frame))


def test_an_unregistered_ensemble_of_pipelines_reads_what_its_parts_read(fitted):
    from mle_runtime.exporters import columns, registry, tables
    from sklearn.ensemble import VotingClassifier

    X, model, _ = fitted
    registry.model_info(model)
    ensemble = VotingClassifier([("a", model), ("b", model)]).fit(X, model.predict(X))
    kinds = columns.input_kinds(ensemble, X.shape[1])
    assert [c for c, k in zip(X.columns, kinds) if k == tables.STRING] == ["sex", "bmi"]
