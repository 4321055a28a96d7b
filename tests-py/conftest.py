"""Shared fixtures: scikit-learn's bundled datasets, a session-wide directory for exported files,
and `export_load`, which exports a fitted model there and loads it back (once per model)."""

from __future__ import annotations

import itertools

import mle_runtime
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine

CLASSIFICATION = ("iris", "wine", "breast_cancer")
REGRESSION = ("diabetes",)
_LOADERS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer, "diabetes": load_diabetes}


@pytest.fixture(scope="session")
def datasets():
    """name → (X float64, y) for the four bundled datasets."""
    return {name: loader(return_X_y=True) for name, loader in _LOADERS.items()}


@pytest.fixture(scope="session")
def frames():
    """name → (DataFrame with the dataset's feature names, y)."""
    return {name: loader(return_X_y=True, as_frame=True) for name, loader in _LOADERS.items()}


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def export_load(model_dir):
    """export_load(model) → the loaded mle_runtime.Model, exporting each model object only once."""
    counter = itertools.count()
    cache = {}

    def export_load(model, **options):
        key = id(model)
        if key not in cache:
            path = model_dir / f"model_{next(counter)}.mle"
            mle_runtime.export_model(model, path, **options)
            cache[key] = (model, mle_runtime.load_model(path))
        return cache[key][1]

    return export_load


def assert_values_match(actual, expected):
    """Float outputs to 1e-9 relative (absolute 1e-12 of the output's magnitude near zero)."""
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    assert actual.dtype == np.float64
    scale = max(float(np.max(np.abs(expected))) if expected.size else 1.0, 1.0)
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12 * scale)


def assert_labels_match(actual, expected):
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    assert np.array_equal(actual, expected)
    if expected.dtype.kind in "OU":
        assert actual.dtype.kind == "U"
    else:
        assert actual.dtype.kind == expected.dtype.kind
