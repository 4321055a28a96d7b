"""The numeric preprocessing transformers on the bundled datasets, on the rows they were fitted on and
on rows beyond the fitted range (so that clipping, extrapolation and the quantile bounds are
exercised), against scikit-learn's transform."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_proven
from mle_runtime import InputError, UnsupportedModelError, export_model
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    Binarizer,
    FunctionTransformer,
    KBinsDiscretizer,
    MinMaxScaler,
    Normalizer,
    PolynomialFeatures,
    PowerTransformer,
    QuantileTransformer,
    RobustScaler,
    SplineTransformer,
)


def _rows(X):
    """The fitted rows, then the same rows stretched beyond the fitted range and a NaN-free copy shifted."""
    centre = X.mean(axis=0)
    return np.vstack([X, centre + 1.7 * (X - centre), X[:20] - X.std(axis=0) * 3])


TRANSFORMERS = {
    "RobustScaler": RobustScaler(),
    "RobustScaler-no_centering": RobustScaler(with_centering=False, quantile_range=(10.0, 90.0)),
    "MinMaxScaler-clip": MinMaxScaler(feature_range=(-1.0, 2.0), clip=True),
    "Normalizer-l2": Normalizer(),
    "Normalizer-l1": Normalizer(norm="l1"),
    "Normalizer-max": Normalizer(norm="max"),
    "Binarizer": Binarizer(threshold=0.5),
    "PolynomialFeatures-2": PolynomialFeatures(),
    "PolynomialFeatures-3-interaction_only": PolynomialFeatures(degree=3, interaction_only=True, include_bias=False),
    "PolynomialFeatures-(2,3)": PolynomialFeatures(degree=(2, 3)),
    "PolynomialFeatures-(2,2)-no_bias": PolynomialFeatures(degree=(2, 2), include_bias=False),
    "PolynomialFeatures-0": PolynomialFeatures(degree=0),
    "SplineTransformer": SplineTransformer(),
    "SplineTransformer-linear": SplineTransformer(degree=2, n_knots=4, extrapolation="linear", knots="quantile"),
    "SplineTransformer-linear-degree1": SplineTransformer(degree=1, extrapolation="linear", include_bias=False),
    "SplineTransformer-continue": SplineTransformer(extrapolation="continue", include_bias=False),
    "SplineTransformer-periodic": SplineTransformer(degree=3, n_knots=6, extrapolation="periodic"),
    "QuantileTransformer-uniform": QuantileTransformer(n_quantiles=50),
    "QuantileTransformer-normal": QuantileTransformer(n_quantiles=100, output_distribution="normal"),
    "PowerTransformer-yeo-johnson": PowerTransformer(),
    "PowerTransformer-yeo-johnson-raw": PowerTransformer(standardize=False),
    "KBinsDiscretizer-quantile-ordinal": KBinsDiscretizer(n_bins=4, encode="ordinal", quantile_method="averaged_inverted_cdf"),
    "KBinsDiscretizer-uniform-onehot-dense": KBinsDiscretizer(n_bins=3, encode="onehot-dense", strategy="uniform"),
    "KBinsDiscretizer-kmeans-ordinal": KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="kmeans"),
    "KBinsDiscretizer-float32": KBinsDiscretizer(n_bins=4, encode="onehot-dense", strategy="uniform", dtype=np.float32),
    "FunctionTransformer-identity": FunctionTransformer(),
    "FunctionTransformer-square": FunctionTransformer(np.square),
    "FunctionTransformer-abs": FunctionTransformer(np.abs),
    "FunctionTransformer-tanh": FunctionTransformer(np.tanh),
    "FunctionTransformer-negative": FunctionTransformer(np.negative),
}


@pytest.mark.parametrize("name", ["iris", "diabetes"])
@pytest.mark.parametrize("key", TRANSFORMERS)
def test_transformer_matches_sklearn(datasets, export_load, key, name):
    X, _ = datasets[name]
    if (key.startswith("PolynomialFeatures-3") or "kmeans" in key) and name == "diabetes":
        X = X[:, :4]
    from sklearn.base import clone

    model = clone(TRANSFORMERS[key]).fit(X)
    rows = _rows(X)
    assert_proven(model, "transform", export_load(model).transform(rows), model.transform(rows))


@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_normalizer_on_wide_rows(export_load, norm):
    """Digits' 64 columns take the vectorised row loops where the Vector API is present."""
    from sklearn.datasets import load_digits

    X, _ = load_digits(return_X_y=True)
    model = Normalizer(norm=norm).fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


@pytest.mark.parametrize("function", [np.log1p, np.expm1, np.log, np.exp, np.sqrt])
def test_function_transformer_on_positive_data(datasets, export_load, function):
    X, _ = datasets["breast_cancer"]
    X = X / X.max(axis=0)
    model = FunctionTransformer(function).fit(X)
    assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


@pytest.mark.parametrize("standardize", [True, False])
def test_power_transformer_box_cox(datasets, export_load, standardize):
    X, _ = datasets["breast_cancer"]
    X = X[:, :12] + 0.1
    model = PowerTransformer(method="box-cox", standardize=standardize).fit(X)
    loaded = export_load(model)
    assert_proven(model, "transform", loaded.transform(X), model.transform(X))
    with pytest.raises(InputError, match="strictly positive"):
        loaded.transform(X - 1.0)


def test_spline_transformer_with_missing_values(datasets, export_load):
    X, _ = datasets["diabetes"]
    X = X.copy()
    X[::7, 2] = np.nan
    for extrapolation in ("constant", "continue"):
        model = SplineTransformer(handle_missing="zeros", extrapolation=extrapolation).fit(X)
        assert_proven(model, "transform", export_load(model).transform(X), model.transform(X))


def test_spline_transformer_error_extrapolation(datasets, export_load):
    X, _ = datasets["iris"]
    model = SplineTransformer(extrapolation="error").fit(X)
    loaded = export_load(model)
    assert_proven(model, "transform", loaded.transform(X), model.transform(X))
    with pytest.raises(InputError, match="beyond the limits of the knots"):
        loaded.transform(X * 2)


def test_quantile_transformer_in_a_pipeline(datasets, export_load):
    X, y = datasets["wine"]
    model = make_pipeline(QuantileTransformer(n_quantiles=80, output_distribution="normal"), PolynomialFeatures(),
                          LogisticRegression(max_iter=5000)).fit(X, y)
    loaded = export_load(model)
    assert_proven(model, "predict", loaded.predict(X), model.predict(X))
    assert_proven(model, "predict_proba", loaded.predict_proba(X), model.predict_proba(X))


def test_kbins_discretizer_refuses_nan_and_sparse_output(datasets, export_load, tmp_path):
    X, _ = datasets["iris"]
    loaded = export_load(KBinsDiscretizer(n_bins=3, encode="ordinal", quantile_method="averaged_inverted_cdf").fit(X))
    with pytest.raises(InputError, match="missing value"):
        loaded.transform(np.where(X > 5, np.nan, X))
    with pytest.raises(UnsupportedModelError, match="onehot-dense"):
        export_model(KBinsDiscretizer(n_bins=3, quantile_method="averaged_inverted_cdf").fit(X), tmp_path / "sparse.mle")


@pytest.mark.parametrize("func", [lambda v: v + 1, np.cos, np.log2], ids=["lambda", "cos", "log2"])
def test_function_transformer_refuses_other_functions(datasets, tmp_path, func):
    X, _ = datasets["iris"]
    with pytest.raises(UnsupportedModelError, match=r"never carries code.*np\.log1p"):
        export_model(FunctionTransformer(func).fit(X), tmp_path / "f.mle")
    with pytest.raises(UnsupportedModelError, match="kw_args"):
        export_model(FunctionTransformer(np.log1p, kw_args={"out": None}).fit(X), tmp_path / "f.mle")
    assert not list(tmp_path.iterdir())
