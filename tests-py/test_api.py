"""The public API around export and load: supported models, refusals, atomic writes, metadata,
`run`, `inspect`, methods present exactly when bound, label dtypes, closing, file errors."""

from __future__ import annotations

import os
import struct
import subprocess
import sys

import mle_runtime
import numpy as np
import pytest
from conftest import assert_labels_match, assert_values_match
from mle_runtime import FormatError, InputError, MleError, ModelError, UnsupportedModelError, VersionError
from sklearn.decomposition import NMF
from sklearn.gaussian_process import GaussianProcessClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge, SGDClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import LinearSVC


@pytest.fixture(scope="module")
def iris_pipeline(datasets):
    X, y = datasets["iris"]
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(X, y)


@pytest.fixture(scope="module")
def iris_file(iris_pipeline, model_dir):
    path = model_dir / "iris_pipeline.mle"
    mle_runtime.export_model(iris_pipeline, path, description="iris demo", properties={"owner": "tests", "run": 7})
    return path


def test_supported_models_come_from_the_registry():
    supported = mle_runtime.supported_models()
    for name in (
        "sklearn.linear_model.LogisticRegression",
        "sklearn.linear_model.LinearRegression",
        "sklearn.svm.LinearSVC",
        "sklearn.multiclass.OneVsRestClassifier",
        "sklearn.preprocessing.StandardScaler",
        "sklearn.pipeline.Pipeline",
    ):
        assert name in supported
    assert supported == sorted(supported)


def test_unsupported_estimator_is_named_in_a_short_message_with_its_relatives(datasets, tmp_path):
    X, y = datasets["iris"]
    with pytest.raises(UnsupportedModelError) as info:
        mle_runtime.export_model(GaussianProcessClassifier().fit(X, y), tmp_path / "gp.mle")
    message = str(info.value)
    assert "sklearn.gaussian_process.GaussianProcessClassifier" in message
    assert "mle_runtime.supported_models()" in message and len(message) < 400, message
    assert isinstance(info.value, TypeError)
    assert not (tmp_path / "gp.mle").exists()
    with pytest.raises(UnsupportedModelError) as info:
        mle_runtime.export_model(_Subclassed().fit(X, y), tmp_path / "sub.mle")
    assert "derives from sklearn.linear_model.LogisticRegression, which converts" in str(info.value), str(info.value)
    assert len(str(info.value)) < 400


def test_a_refused_class_with_a_close_name_points_to_it(datasets, tmp_path):
    X, y = datasets["iris"]
    # Not a subclass, but a close name: the message points to the supported relative.
    close = type("LogisticRegresion", (), {"fit": lambda self, *a: self, "predict": lambda self, X: X[:, 0]})()
    with pytest.raises(UnsupportedModelError, match="Close relatives that convert: sklearn.linear_model.LogisticRegression"):
        mle_runtime.export_model(close, tmp_path / "typo.mle")


def test_non_model_objects_are_unsupported(tmp_path):
    with pytest.raises(UnsupportedModelError, match="builtins.dict"):
        mle_runtime.export_model({"not": "a model"}, tmp_path / "x.mle")


def test_unsupported_step_inside_a_pipeline_is_named(datasets, tmp_path):
    X, y = datasets["iris"]
    # NMF's transform solves an optimisation problem for each row: no graph computes it.
    with pytest.raises(UnsupportedModelError, match="sklearn.decomposition.NMF"):
        mle_runtime.export_model(make_pipeline(NMF(n_components=2, max_iter=50), LogisticRegression()).fit(X, y), tmp_path / "p.mle")


def test_unfitted_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="not fitted"):
        mle_runtime.export_model(LogisticRegression(), tmp_path / "unfitted.mle")
    with pytest.raises(ModelError, match="not fitted"):
        mle_runtime.export_model(make_pipeline(StandardScaler(), Ridge()), tmp_path / "unfitted.mle")
    assert not (tmp_path / "unfitted.mle").exists()


class _Subclassed(LogisticRegression):
    """Converters match exact classes: a subclass may compute something else."""


def test_refused_configurations_say_why(datasets, tmp_path):
    X, y = datasets["iris"]
    with pytest.raises(UnsupportedModelError, match="never carries code"):
        mle_runtime.export_model(FunctionTransformer(lambda v: v + 1).fit(X), tmp_path / "lambda.mle")
    with pytest.raises(UnsupportedModelError, match="OneVsRestClassifier over _Subclassed cannot be exported"):
        mle_runtime.export_model(OneVsRestClassifier(_Subclassed()).fit(X, y), tmp_path / "ovr.mle")
    with pytest.raises(TypeError, match="unexpected options"):
        mle_runtime.export_model(Ridge().fit(X, y), tmp_path / "r.mle", compress=True)
    assert not list(tmp_path.iterdir())


def test_failed_export_leaves_no_file_and_keeps_an_existing_one(datasets, tmp_path):
    X, y = datasets["iris"]
    path = tmp_path / "model.mle"
    with pytest.raises(UnsupportedModelError):
        mle_runtime.export_model(GaussianProcessClassifier().fit(X, y), path)
    assert not path.exists()

    mle_runtime.export_model(Ridge().fit(X, y), path)
    before = path.read_bytes()
    with pytest.raises(ModelError):
        mle_runtime.export_model(LogisticRegression(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.mle"]


def test_modified_huber_exports_without_predict_proba(datasets, export_load):
    X, y = datasets["wine"]
    model = make_pipeline(StandardScaler(), SGDClassifier(loss="modified_huber", random_state=0)).fit(X, y)
    with pytest.warns(UserWarning, match="predict_proba is not exported"):
        loaded = export_load(model)
    assert not hasattr(loaded, "predict_proba")
    assert_labels_match(loaded.predict(X), model.predict(X))
    assert_values_match(loaded.decision_function(X), model.decision_function(X))


def test_metadata_records_the_model(iris_file):
    with mle_runtime.load_model(iris_file) as model:
        meta = model.metadata
    assert meta["producer_name"] == "mle-runtime"
    assert meta["producer_version"] == mle_runtime.__version__
    assert meta["framework"] == "sklearn"
    assert meta["framework_version"]
    assert meta["model_type"] == "Pipeline(StandardScaler,LogisticRegression)"
    assert meta["description"] == "iris demo"
    assert meta["class_labels"] == ["0", "1", "2"]
    assert meta["class_label_dtype"] == "int64"
    assert meta["properties"] == {"owner": "tests", "run": "7"}
    assert meta["methods"] == {"predict": ["label"], "predict_proba": ["probabilities"], "decision_function": ["scores"]}


def test_feature_names_are_recorded_from_dataframes(frames, export_load):
    X, y = frames["diabetes"]
    loaded = export_load(Ridge().fit(X, y))
    assert loaded.metadata["feature_names"] == list(X.columns)


def test_inputs_outputs_and_methods(iris_file):
    with mle_runtime.load_model(iris_file) as model:
        assert model.inputs == [{"name": "input", "dtype": "float64", "shape": [-1, 4]}]
        assert model.outputs == [
            {"name": "label", "dtype": "int64", "shape": [-1]},
            {"name": "probabilities", "dtype": "float64", "shape": [-1, 3]},
            {"name": "scores", "dtype": "float64", "shape": [-1, 3]},
        ]
        assert model.methods == {"predict": ["label"], "predict_proba": ["probabilities"], "decision_function": ["scores"]}
        assert {"predict", "predict_proba", "decision_function"} <= set(dir(model))


def test_methods_exist_only_when_bound(datasets, export_load):
    X, y = datasets["diabetes"]
    loaded = export_load(LinearRegression().fit(X, y))
    assert callable(loaded.predict)
    for missing in ("predict_proba", "decision_function", "transform"):
        assert not hasattr(loaded, missing)
    with pytest.raises(AttributeError, match="predict"):
        loaded.predict_proba(X)
    scaler = export_load(StandardScaler().fit(X))
    assert callable(scaler.transform) and not hasattr(scaler, "predict")


def test_every_array_layout_gives_the_same_result_in_fresh_arrays(iris_file, iris_pipeline, datasets):
    X = datasets["iris"][0]
    expected = iris_pipeline.predict_proba(X)
    with mle_runtime.load_model(iris_file) as model:
        first = model.predict_proba(X)
        assert_values_match(first, expected)
        second = model.predict_proba(X)
        assert second is not first and not np.shares_memory(first, second)
        for other in (np.asfortranarray(X), X[::-1][::-1], X.tolist(), X[:, :]):
            assert_values_match(model.predict_proba(other), expected)
        rounded = X.astype(np.float32)
        assert_values_match(model.predict_proba(rounded), iris_pipeline.predict_proba(rounded.astype(np.float64)))
        assert_labels_match(model.predict(X[:1]), iris_pipeline.predict(X[:1]))
        with pytest.raises(InputError, match="expected 4 features, got 3"):
            model.predict(np.ascontiguousarray(X[:, :3]))


def test_run_returns_every_output_by_name(iris_file, iris_pipeline, datasets):
    X = datasets["iris"][0]
    with mle_runtime.load_model(iris_file) as model:
        out = model.run(X)
        assert list(out) == ["label", "probabilities", "scores"]
        assert_labels_match(out["label"], iris_pipeline.predict(X))
        assert_values_match(out["probabilities"], iris_pipeline.predict_proba(X))
        assert_values_match(out["scores"], iris_pipeline.decision_function(X))
        assert list(model.run({"input": X[:5]})) == ["label", "probabilities", "scores"]
        with pytest.raises(InputError, match="unknown"):
            model.run({"features": X})


def test_inspect_returns_the_file_description(iris_file):
    info = mle_runtime.inspect(iris_file)
    assert info["format_version"] == info["reader_version"] == "1.2"
    assert info["file_size"] == os.path.getsize(iris_file)
    kinds = [s["kind"] for s in info["sections"]]
    assert "GRAPH" in kinds and "METADATA" in kinds
    for section in info["sections"]:
        assert section["offset"] % 64 == 0
        assert set(section) >= {"kind", "offset", "length", "raw_length", "crc32c", "compression", "encrypted"}
    assert info["metadata"]["model_type"] == "Pipeline(StandardScaler,LogisticRegression)"
    ops = [n["op_type"] for n in info["graph"]["nodes"]]
    # The scaler's input is checked for infinity first, as scikit-learn's StandardScaler does.
    assert ops[:2] == ["RequireFinite", "Scaler"] and "Gemm" in ops and "Softmax" in ops and "LabelMap" in ops
    gemm = next(n for n in info["graph"]["nodes"] if n["op_type"] == "Gemm")
    assert gemm["attributes"] == {"transB": 1} and gemm["opset_version"] == 1
    coef = next(c for c in info["graph"]["constants"] if c["name"] == "coef")
    assert coef == {"name": "coef", "dtype": "float64", "shape": [3, 4], "bytes": 96}


@pytest.mark.parametrize(
    "labels, dtype_kind, recorded",
    [
        (np.array(["setosa", "versicolor", "virginica"]), "U", "string"),
        (np.array(["setosa", "versicolor", "virginica"], dtype=object), "U", "string"),
        (np.array(["nul\x00inside", "ünïcødé\nline", ""], dtype=object), "U", "string"),
        (np.array([-3, 10, 42]), "i", "int64"),
        (np.array([-1.0, 2.0, 7.0]), "f", "float64"),
    ],
    ids=["str", "object-str", "odd-str", "int", "float"],
)
def test_class_labels_keep_their_kind(datasets, export_load, labels, dtype_kind, recorded):
    X, y = datasets["iris"]
    model = LogisticRegression(max_iter=300).fit(X, labels[y])
    loaded = export_load(model)
    predicted = loaded.predict(X)
    assert predicted.dtype.kind == dtype_kind
    assert np.array_equal(predicted, model.predict(X))
    assert loaded.metadata["class_label_dtype"] == recorded


def test_boolean_and_binary_string_labels(datasets, export_load):
    X, y = datasets["breast_cancer"]
    for labels in (y == 1, np.array(["malignant", "benign"])[y]):
        model = make_pipeline(StandardScaler(), LinearSVC()).fit(X, labels)
        loaded = export_load(model)
        assert_labels_match(loaded.predict(X), model.predict(X))
        assert loaded.decision_function(X).shape == (len(X),)


def _row_with_scores(coef, intercept, score):
    """An input row whose decision score is `score` for every class."""
    row, *_ = np.linalg.lstsq(coef, np.full(len(coef), score) - intercept, rcond=None)
    return row.reshape(1, -1)


def test_all_zero_probability_rows_match_sklearn(datasets, export_load):
    """Where every one-vs-rest probability underflows to 0, scikit-learn returns a uniform row
    (SGDClassifier's _predict_proba_lr) or leaves the zeros (OneVsRestClassifier), and so must the export."""
    X, y = datasets["wine"]
    sgd = SGDClassifier(loss="log_loss", random_state=0).fit(X, y)
    rows = np.vstack([X[:5], _row_with_scores(sgd.coef_, sgd.intercept_, -1e6)])
    expected = sgd.predict_proba(rows)
    np.testing.assert_array_equal(expected[-1], np.full(3, 1 / 3))
    assert_values_match(export_load(sgd).predict_proba(rows), expected)

    ovr = OneVsRestClassifier(LogisticRegression(max_iter=300)).fit(X, y)
    coef = np.vstack([e.coef_ for e in ovr.estimators_])
    intercept = np.concatenate([e.intercept_ for e in ovr.estimators_])
    rows = np.vstack([X[:5], _row_with_scores(coef, intercept, -1e6)])
    expected = ovr.predict_proba(rows)
    np.testing.assert_array_equal(expected[-1], np.zeros(3))
    assert_values_match(export_load(ovr).predict_proba(rows), expected)


def test_nan_inputs_are_refused_where_scikit_learn_refuses_them(datasets, export_load):
    X, y = datasets["diabetes"]
    model = Ridge().fit(X, y)
    X_nan = X[:10].copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(X_nan)
    with pytest.raises(InputError, match=r"NaN \(in column 'x2'|NaN \(in column 2"):
        export_load(model).predict(X_nan)


def test_zero_rows(iris_file):
    with mle_runtime.load_model(iris_file) as model:
        assert model.predict(np.empty((0, 4))).shape == (0,)
        assert model.predict_proba(np.empty((0, 4))).shape == (0, 3)


def test_closed_model_refuses_calls(iris_file, datasets):
    model = mle_runtime.load_model(iris_file)
    model.close()
    model.close()
    with pytest.raises(MleError, match="closed"):
        model.predict(datasets["iris"][0])


def test_relative_paths_follow_the_current_directory(datasets, tmp_path, monkeypatch):
    X, y = datasets["diabetes"]
    monkeypatch.chdir(tmp_path)
    mle_runtime.export_model(Ridge().fit(X, y), "relative.mle")
    assert (tmp_path / "relative.mle").exists()
    with mle_runtime.load_model("relative.mle", defer_checksum=True) as model:
        assert model.predict(X).shape == (len(X),)


def test_missing_files_and_directories(tmp_path, datasets):
    with pytest.raises(FileNotFoundError):
        mle_runtime.load_model(tmp_path / "nope.mle")
    with pytest.raises(FileNotFoundError):
        mle_runtime.inspect(tmp_path / "nope.mle")
    X, y = datasets["diabetes"]
    with pytest.raises(FileNotFoundError):
        mle_runtime.export_model(Ridge().fit(X, y), tmp_path / "no" / "such" / "dir.mle")


def _crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_corrupt_truncated_and_future_files(iris_file, tmp_path):
    data = iris_file.read_bytes()
    damaged = tmp_path / "damaged.mle"
    flipped = bytearray(data)
    flipped[-100] ^= 0xFF
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(FormatError):
        mle_runtime.load_model(damaged)

    truncated = tmp_path / "truncated.mle"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError):
        mle_runtime.load_model(truncated)

    not_mle = tmp_path / "text.mle"
    not_mle.write_bytes(b"hello, world\n" * 20)
    with pytest.raises(FormatError):
        mle_runtime.inspect(not_mle)

    future = bytearray(data)
    struct.pack_into("<H", future, 8, 2)
    struct.pack_into("<I", future, 60, _crc32c(bytes(future[:60])))
    (tmp_path / "future.mle").write_bytes(bytes(future))
    with pytest.raises(VersionError) as info:
        mle_runtime.load_model(tmp_path / "future.mle")
    assert "2" in str(info.value)
    assert "at org." not in str(info.value)


def test_a_directory_is_named_as_one_in_python_and_on_the_command_line(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        mle_runtime.load_model(tmp_path)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        mle_runtime.inspect(tmp_path)
    done = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "inspect", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "is a directory" in done.stderr, done.stderr
