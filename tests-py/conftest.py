"""Shared fixtures: scikit-learn's bundled datasets, a session-wide directory for exported files,
and `export_load`, which exports a fitted model there and loads it back (once per model).

`assert_proven` checks an exported model's method against the framework's own output at exactly the
tolerance the converter registry promises (and docs/SUPPORTED.md publishes), and records the
(class, method) pair (`assert_methods_match` does so for every prediction method a model has); after a run of the whole suite, every promise the registry makes must have
been checked at least once, or the run fails with the list of what was not.
"""

from __future__ import annotations

import itertools
import os

import mle_runtime
import numpy as np
import pandas as pd
import pytest
from mle_runtime.exporters import registry
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine

CLASSIFICATION = ("iris", "wine", "breast_cancer")
REGRESSION = ("diabetes",)
_LOADERS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer, "diabetes": load_diabetes}


@pytest.fixture(scope="session")
def datasets():
    """name → (X float64, y) for the four bundled datasets."""
    return {name: loader(return_X_y=True) for name, loader in _LOADERS.items()}


@pytest.fixture(scope="session")
def all_datasets(datasets):
    """The four datasets and digits (1797 images of 8×8 integer pixels, 10 classes, many equal distances)."""
    return {**datasets, "digits": load_digits(return_X_y=True)}


@pytest.fixture(scope="session")
def frames():
    """name → (DataFrame with the dataset's feature names, y)."""
    return {name: loader(return_X_y=True, as_frame=True) for name, loader in _LOADERS.items()}


# Per dataset: numeric columns turned into string categories (binned by quantile, each bin named),
# and the columns that get missing values (NaN in numbers, NaN or None in strings).
_STRING_COLUMNS = {
    "wine": {"hue": ["pale", "amber", "ruby", "deep"], "color_intensity": ["light", "medium", "dark"]},
    "breast_cancer": {"mean texture": ["smooth", "grainy", "coarse"], "mean symmetry": ["low", "mid", "high"],
                      "worst smoothness": ["a", "b", "c", "d", "e"]},
    "diabetes": {"sex": ["female", "male"], "bmi": ["under", "normal", "over", "obese"]},
}
_MISSING_COLUMNS = {
    "wine": ["alcohol", "magnesium", "hue", "color_intensity"],
    "breast_cancer": ["mean radius", "worst area", "mean texture", "worst smoothness"],
    "diabetes": ["age", "s5", "sex", "bmi"],
}
MIXED = tuple(_STRING_COLUMNS)


def _mixed_frame(name: str):
    X, y = _LOADERS[name](return_X_y=True, as_frame=True)
    X = X.copy()
    rng = np.random.default_rng(sorted(MIXED).index(name))
    for column, labels in _STRING_COLUMNS[name].items():
        bins = np.quantile(X[column], np.linspace(0, 1, len(labels) + 1)[1:-1])
        X[column] = np.asarray(labels, dtype=object)[np.searchsorted(bins, X[column].to_numpy(), side="right")]
    for i, column in enumerate(_MISSING_COLUMNS[name]):
        holes = rng.random(len(X)) < 0.08
        if column in _STRING_COLUMNS[name]:
            # One string column marks missing values with NaN, the other with None; both are object columns.
            values = X[column].to_numpy(dtype=object)
            values[holes] = np.nan if i % 2 == 0 else None
            X[column] = pd.Series(values, index=X.index, dtype=object)
        else:
            X.loc[holes, column] = np.nan
    if name in CLASSIFICATION:
        y = np.asarray(_LOADERS[name]().target_names, dtype=object)[y.to_numpy()].astype(str)
    else:
        y = y.to_numpy()
    return X, y


@pytest.fixture(scope="session")
def mixed_frames():
    """name → (DataFrame with numeric and string columns and missing values in both, y) for wine,
    breast_cancer (string labels) and diabetes (a regression target). The string columns are
    `string_columns(name)`; every other column is float64."""
    return {name: _mixed_frame(name) for name in MIXED}


def string_columns(name: str) -> list[str]:
    return list(_STRING_COLUMNS[name])



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
    """Equal element for element. Strings come back as a str array, or an object array with None and
    NaN where scikit-learn's object array holds them (both are told apart)."""
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    if expected.dtype.kind == "O" and not all(isinstance(v, str) for v in expected.ravel().tolist()):
        assert actual.dtype.kind == "O"
        assert [_missing_kind(v) for v in actual.ravel().tolist()] == [_missing_kind(v) for v in expected.ravel().tolist()]
        return
    assert np.array_equal(actual, expected)
    if expected.dtype.kind in "OU":
        assert actual.dtype.kind == "U"
    else:
        assert actual.dtype.kind == expected.dtype.kind


def _missing_kind(value):
    """A value, or the name of its kind of missing value, for comparing object arrays."""
    if value is None:
        return "None"
    return "NaN" if isinstance(value, float) and value != value else value


_PROVEN: set[tuple[str, str]] = set()


def assert_proven(model, method, actual, expected):
    """`actual` (the exported model's `method` output) against `expected` (the framework's), to the
    tolerance the registry promises for this model and method; non-float outputs must be identical."""
    tolerance = registry.proven_tolerance(model, method)
    expected = np.asarray(expected)
    if tolerance == registry.IDENTICAL or expected.dtype.kind not in "fc":
        if expected.dtype.kind in "fc":
            assert actual.shape == expected.shape
            np.testing.assert_array_equal(actual, expected)
        else:
            assert_labels_match(actual, expected)
    else:
        assert actual.shape == expected.shape
        finite = np.abs(expected[np.isfinite(expected)])
        scale = max(float(finite.max()) if finite.size else 1.0, 1.0)
        np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=tolerance, atol=tolerance * 1e-2 * scale)
    _PROVEN.add((registry.public_name(type(model)), method))


METHODS = ("predict", "predict_proba", "decision_function", "transform")


def assert_methods_match(model, loaded, X, X_reference=None):
    """Each of METHODS the scikit-learn model has, the exported one has, and on X it returns what
    scikit-learn's returns on X_reference (X by default) to the promised tolerance (a list of arrays
    as a tuple of them); the export has none that the model lacks."""
    X_reference = X if X_reference is None else X_reference
    compared = []
    for method in METHODS:
        if not hasattr(model, method):
            assert not hasattr(loaded, method), f"the exported model has {method}, scikit-learn's has not"
            continue
        expected = getattr(model, method)(X_reference)
        actual = getattr(loaded, method)(X)
        if isinstance(expected, list):
            assert isinstance(actual, tuple) and len(actual) == len(expected)
            for a, e in zip(actual, expected):
                assert_proven(model, method, a, e)
        else:
            assert_proven(model, method, actual, expected)
        compared.append(method)
    assert compared


def pytest_sessionfinish(session, exitstatus):
    """On a full, passing run of tests-py, fail if a registered promise was never checked."""
    here = os.path.dirname(os.path.abspath(__file__))
    whole_suite = [os.path.abspath(a) for a in session.config.args] == [here] and not session.config.option.keyword \
        and not session.config.option.markexpr
    if exitstatus != 0 or not whole_suite:
        return
    promised = {(row["model"], method) for row in registry.supported() for method in row["methods"]}
    unproven = sorted(promised - _PROVEN)
    if unproven:
        lines = "\n".join(f"  {model}.{method}" for model, method in unproven)
        session.config.get_terminal_writer().line(f"\nthe converter registry promises methods no test checked:\n{lines}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
