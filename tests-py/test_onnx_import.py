"""export_model on ONNX models: an onnx.ModelProto or a .onnx path goes to the Java importer, and the
.mle file predicts what ONNX Runtime predicts from the same ONNX model (float32: within 1e-5 of the
output's largest magnitude). scikit-learn models are converted by skl2onnx on the bundled datasets.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import mle_runtime
import numpy as np
import onnx
import onnxruntime as ort
import pytest
import skl2onnx
from mle_runtime.errors import ModelError, UnsupportedModelError
from onnx import numpy_helper
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor


def _onnx(model, X) -> "onnx.ModelProto":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skl2onnx.to_onnx(model, X[:1].astype(np.float32), options={"zipmap": False} if hasattr(model, "classes_") else None,
                                target_opset=21)


def _weights_as_raw_data(proto) -> None:
    """skl2onnx writes weights in the typed fields; onnx moves only raw_data tensors to external files."""
    for i, tensor in enumerate(proto.graph.initializer):
        proto.graph.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name))


def _relative_error(model_source, proto, X, tmp_path, name) -> float:
    path = str(tmp_path / f"{name}.mle")
    mle_runtime.export_model(model_source, path)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {session.get_inputs()[0].name: X.astype(np.float32)}
    expected = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
    got = mle_runtime.load_model(path).run(feeds)
    worst = 0.0
    for key, want in expected.items():
        assert got[key].dtype == want.dtype and got[key].shape == want.shape
        worst = max(worst, float(np.max(np.abs(got[key] - want)) / np.max(np.abs(want))))
    return worst


def test_mlp_regressor_matches_onnx_runtime(datasets, tmp_path):
    X, y = datasets["diabetes"]
    proto = _onnx(MLPRegressor(hidden_layer_sizes=(32, 16), max_iter=300, random_state=0).fit(X, y), X)
    assert _relative_error(proto, proto, X, tmp_path, "mlp_regressor") <= 1e-5


def test_mlp_classifier_probabilities_match_onnx_runtime(datasets, tmp_path):
    X, y = datasets["iris"]
    whole = _onnx(MLPClassifier(hidden_layer_sizes=(16,), max_iter=500, random_state=0).fit(X, y), X)
    # The label output goes through ai.onnx.ml's ArrayFeatureExtractor; the probabilities do not.
    proto = onnx.utils.Extractor(whole).extract_model(["X"], ["probabilities"])
    assert _relative_error(proto, proto, X, tmp_path, "mlp_classifier") <= 1e-5
    with pytest.raises(UnsupportedModelError, match=r"ArrayFeatureExtractor \(ai\.onnx\.ml"):
        mle_runtime.export_model(whole, str(tmp_path / "whole.mle"))


def test_operators_of_other_domains_are_named_at_once(datasets, tmp_path):
    X, y = datasets["iris"]
    proto = _onnx(LogisticRegression(max_iter=500).fit(X, y), X)
    with pytest.raises(UnsupportedModelError, match=r"2 operators.*LinearClassifier \(ai\.onnx\.ml.*Normalizer \(ai\.onnx\.ml"):
        mle_runtime.export_model(proto, str(tmp_path / "logistic.mle"))
    assert not os.path.exists(tmp_path / "logistic.mle")


def test_a_path_reads_external_data_beside_the_model(datasets, tmp_path):
    X, y = datasets["diabetes"]
    proto = _onnx(MLPRegressor(hidden_layer_sizes=(8,), max_iter=200, random_state=0).fit(X, y), X)
    folder = tmp_path / "model"
    folder.mkdir()
    path = str(folder / "regressor.onnx")
    _weights_as_raw_data(proto)
    external = onnx.ModelProto()
    external.CopyFrom(proto)  # save_model rewrites the tensors it moves out
    onnx.save_model(external, path, save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    assert _relative_error(path, proto, X, tmp_path, "external") <= 1e-5
    assert os.path.getsize(folder / "weights.bin") > 0
    # The same model as bytes has no folder to find weights.bin in.
    with pytest.raises(ModelError, match="convert the model from its file path"):
        mle_runtime.export_model(onnx.load(path, load_external_data=False), str(tmp_path / "bytes.mle"))


def test_mle_convert_onnx_reads_external_data(datasets, tmp_path):
    X, y = datasets["diabetes"]
    proto = _onnx(MLPRegressor(hidden_layer_sizes=(8,), max_iter=200, random_state=0).fit(X, y), X)
    _weights_as_raw_data(proto)
    # ONNX Runtime reads a Reshape's shape only from the model itself, so it runs the model before the weights move out.
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    want = session.run(None, {"X": X[:5].astype(np.float32)})[0]
    path = str(tmp_path / "regressor.onnx")
    onnx.save_model(proto, path, save_as_external_data=True, location="regressor.weights", size_threshold=0)
    assert os.path.getsize(tmp_path / "regressor.weights") > 0
    done = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "convert", "onnx", path, str(tmp_path / "cli.mle")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ONNX graph" in done.stdout and "outputs [variable]" in done.stdout
    got = mle_runtime.load_model(str(tmp_path / "cli.mle")).run({"X": X[:5].astype(np.float32)})["variable"]
    assert np.max(np.abs(got - want)) <= 1e-5 * np.max(np.abs(want))


def test_a_missing_onnx_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such ONNX model file"):
        mle_runtime.export_model(str(tmp_path / "absent.onnx"), str(tmp_path / "absent.mle"))
