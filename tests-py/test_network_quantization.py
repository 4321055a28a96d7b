"""float16 and int8 weights for PyTorch networks (`export_model(module, path, quantize=...)`): the
convolution filters, linear and attention matrices and recurrent weights stored in lower precision,
the file smaller by about 2× and 4×, predictions close to the module's own, and the report's change
of outputs measured on the export's example or on the calibration inputs given."""

import mle_runtime
import numpy as np
import pytest
import torch

nn = torch.nn
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


def _images(count, seed):
    return np.random.default_rng(seed).normal(size=(count, 3, 16, 16)).astype(np.float32)


def _cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)).eval()


def _forward(module, *inputs):
    with torch.inference_mode():
        out = module(*[torch.from_numpy(x) for x in inputs])
    return (out[0] if isinstance(out, tuple) else out).numpy()


def _relative(a, b):
    return float(np.abs(a - b).max() / max(1.0, np.abs(b).max()))


def test_int8_cnn_stores_filters_and_matrices_per_channel_and_measures_the_example(tmp_path):
    model = _cnn()
    example = _images(4, 1)
    plain = mle_runtime.export_model(model, tmp_path / "cnn.mle", example_inputs=(example,))
    report = mle_runtime.export_model(model, tmp_path / "cnn8.mle", example_inputs=(example,), quantize="int8")
    q = report["quantization"]
    assert {t["shape"][0] for t in q["tensors"]} == {32, 64, 10}, "both convolutions' filters and the linear layer"
    assert all(t["to"] == "int8" and t["scales"] in (32, 64, 10) for t in q["tensors"])
    assert report["file_size"] < 0.4 * plain["file_size"]
    assert q["calibration"] == "the example inputs of the export (4 samples)"
    change = q["outputs"][0]
    assert 0 < change["max_rel_change"] < 0.05
    images = _images(9, 2)
    with mle_runtime.load_model(tmp_path / "cnn.mle") as exact, mle_runtime.load_model(tmp_path / "cnn8.mle") as quantized:
        assert _relative(quantized.predict(images), _forward(model, images)) < 0.05
        measured = np.abs(quantized.predict(example) - exact.predict(example)).max()
    assert measured == pytest.approx(change["max_abs_change"], rel=1e-6, abs=1e-9), "the report measures what the files compute"


def test_float16_transformer_encoder_halves_the_file(tmp_path):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=256, dropout=0.0, batch_first=True)
    model = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval()
    example = np.random.default_rng(3).normal(size=(2, 10, 64)).astype(np.float32)
    plain = mle_runtime.export_model(model, tmp_path / "t.mle", example_inputs=(example,))
    report = mle_runtime.export_model(model, tmp_path / "t16.mle", example_inputs=(example,), quantize="fp16")
    assert report["file_size"] < 0.6 * plain["file_size"]
    assert len(report["quantization"]["tensors"]) >= 8, "attention's projections and the feed-forward matrices of both layers"
    assert report["quantization"]["outputs"][0]["max_rel_change"] < 2e-3
    x = np.random.default_rng(4).normal(size=(3, 10, 64)).astype(np.float32)
    with mle_runtime.load_model(tmp_path / "t16.mle") as loaded:
        assert _relative(loaded.predict(x), _forward(model, x)) < 2e-3


class _Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(16, 64, num_layers=2, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


def test_int8_recurrent_weights_are_folded_from_the_exporters_gate_order(tmp_path):
    torch.manual_seed(0)
    model = _Lstm().eval()
    example = np.random.default_rng(5).normal(size=(2, 12, 16)).astype(np.float32)
    plain = mle_runtime.export_model(model, tmp_path / "l.mle", example_inputs=(example,))
    report = mle_runtime.export_model(model, tmp_path / "l8.mle", example_inputs=(example,), quantize="int8")
    shapes = sorted(tuple(t["shape"]) for t in report["quantization"]["tensors"])
    assert shapes == [(1, 256, 16), (1, 256, 64), (1, 256, 64), (1, 256, 64)], "W and R of both layers, as whole matrices"
    assert report["file_size"] < 0.45 * plain["file_size"]
    with mle_runtime.load_model(tmp_path / "l8.mle") as loaded:
        assert _relative(loaded.predict(example), _forward(model, example)) < 0.05


def test_calibration_inputs_are_measured_instead_of_the_example(tmp_path):
    model = _cnn()
    calibration = _images(6, 7)
    report = mle_runtime.export_model(model, tmp_path / "c.mle", example_inputs=(_images(1, 1),), quantize="int8",
                                      calibration=torch.from_numpy(calibration))
    assert report["quantization"]["calibration"] == "the calibration inputs given (6 samples)"
    assert report["quantization"]["calibration_rows"] == 6


def test_network_calibration_errors_name_the_problem(tmp_path):
    model = _cnn()
    with pytest.raises(ValueError, match="calibration is only used with quantize"):
        mle_runtime.export_model(model, tmp_path / "a.mle", example_inputs=(_images(2, 1),), calibration=_images(2, 1))
    with pytest.raises(ValueError, match="calibration must be an array or tensor"):
        mle_runtime.export_model(model, tmp_path / "b.mle", example_inputs=(_images(2, 1),), quantize="int8", calibration="images")
    with pytest.raises(mle_runtime.MleError, match="calibration has 2 inputs for a model that takes 1"):
        mle_runtime.export_model(model, tmp_path / "c.mle", example_inputs=(_images(2, 1),), quantize="int8",
                                 calibration=(_images(2, 1), _images(2, 1)))
    assert not any(tmp_path.iterdir()), "no file is left behind"


def test_int8_mlp_in_a_large_batch_matches_the_module(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(300, 256), nn.ReLU(), nn.Linear(256, 10)).eval()
    x = np.random.default_rng(8).normal(size=(64, 300)).astype(np.float32)
    mle_runtime.export_model(model, tmp_path / "m8.mle", example_inputs=(x[:1],), quantize="int8")
    with mle_runtime.load_model(tmp_path / "m8.mle") as loaded:
        for rows in (1, 64):
            assert _relative(loaded.predict(x[:rows]), _forward(model, x[:rows])) < 0.05
