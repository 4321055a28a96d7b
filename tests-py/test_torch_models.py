"""The seven reference networks of the deep-learning engine, exported by PyTorch's own exporter
(torch.onnx.export with dynamo=True, torch.export underneath) with small random weights, imported
by the ONNX importer and run: outputs must match PyTorch's forward pass and ONNX Runtime's on the
same inputs to 1e-4 of the output's magnitude."""

import mle_runtime
import numpy as np
import onnxruntime as ort
import pytest
import torch
import torchvision

nn = torch.nn
# The exporter's own deprecation and tracing notes, not this package's.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


def _export(model, args, dynamic_shapes, tmp_path):
    program = torch.onnx.export(model.eval(), args, dynamo=True, dynamic_shapes=dynamic_shapes, verbose=False)
    proto = program.model_proto
    path = tmp_path / "model.mle"
    mle_runtime.export_model(proto, path)
    return proto, mle_runtime.load_model(path)


def _check(model, proto, loaded, inputs):
    with torch.inference_mode():
        expected = model(*[torch.from_numpy(x) for x in inputs])
    expected = expected[0] if isinstance(expected, tuple) else expected
    expected = expected.numpy()
    names = [i.name for i in proto.graph.input]
    got = list(loaded.run(dict(zip(names, inputs))).values())[0]
    reference = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, dict(zip(names, inputs)))[0]
    scale = max(1.0, float(np.abs(expected).max()))
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() / scale < 1e-4, "against PyTorch"
    assert np.abs(got - reference).max() / scale < 1e-4, "against ONNX Runtime"


def _rand(*shape):
    return np.random.default_rng(sum(shape)).normal(size=shape).astype(np.float32)


def test_mlp(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.GELU(), nn.Linear(32, 5))
    batch = torch.export.Dim("batch")
    proto, loaded = _export(model, (torch.randn(2, 20),), {"input": {0: batch}}, tmp_path)
    for rows in (1, 7):
        _check(model, proto, loaded, [_rand(rows, 20)])


def test_cnn_with_batch_norm_pooling_and_dropout(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(16, 10))
    with torch.no_grad():
        model[1].running_mean.uniform_(-0.5, 0.5)
        model[1].running_var.uniform_(0.5, 2)
    batch = torch.export.Dim("batch")
    proto, loaded = _export(model, (torch.randn(2, 3, 16, 16),), {"input": {0: batch}}, tmp_path)
    _check(model, proto, loaded, [_rand(3, 3, 16, 16)])


def test_resnet18(tmp_path):
    torch.manual_seed(2)
    model = torchvision.models.resnet18(weights=None)
    proto, loaded = _export(model, (torch.randn(2, 3, 64, 64),), {"x": {0: torch.export.Dim("batch")}}, tmp_path)
    _check(model, proto, loaded, [_rand(1, 3, 64, 64)])


class _Recurrent(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def forward(self, x):
        return self.cell(x)[0]


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_recurrent(tmp_path, kind, bidirectional):
    torch.manual_seed(3)
    model = _Recurrent(getattr(nn, kind)(10, 16, num_layers=2, batch_first=True, bidirectional=bidirectional))
    proto, loaded = _export(model, (torch.randn(2, 7, 10),), {"x": {0: torch.export.Dim("batch")}}, tmp_path)
    _check(model, proto, loaded, [_rand(3, 7, 10)])


def test_mobilenet_v3_small(tmp_path):
    """Depthwise convolutions, squeeze-and-excitation, HardSwish and HardSigmoid."""
    torch.manual_seed(3)
    model = torchvision.models.mobilenet_v3_small(weights=None)
    proto, loaded = _export(model, (torch.randn(2, 3, 64, 64),), {"x": {0: torch.export.Dim("batch")}}, tmp_path)
    _check(model, proto, loaded, [_rand(2, 3, 64, 64)])


def test_transformer_encoder(tmp_path):
    torch.manual_seed(4)
    layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.1, batch_first=True)
    model = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
    seq = torch.export.Dim("seq", min=2, max=256)
    proto, loaded = _export(model, (torch.randn(2, 10, 32),), {"src": {0: torch.export.Dim("batch"), 1: seq}}, tmp_path)
    assert loaded._description["operators"].get("Attention") == 2, "each layer's attention runs as one fused node"
    for length in (10, 17):
        _check(model, proto, loaded, [_rand(2, length, 32)])


class _Decoder(nn.Module):
    """A GPT-style decoder: token and position embeddings, causal self-attention blocks, a vocabulary head."""

    def __init__(self, vocabulary=50, width=32, heads=4, layers=2):
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, width)
        self.positions = nn.Embedding(128, width)
        block = nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.0, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.head = nn.Linear(width, vocabulary)

    def forward(self, idx):
        length = idx.shape[1]
        mask = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
        h = self.tokens(idx) + self.positions(torch.arange(length))
        return self.head(self.blocks(h, mask=mask, is_causal=True))


def test_gpt_decoder_at_two_lengths(tmp_path):
    torch.manual_seed(5)
    model = _Decoder()
    seq = torch.export.Dim("seq", min=2, max=128)
    proto, loaded = _export(model, (torch.randint(0, 50, (2, 12)),), {"idx": {0: torch.export.Dim("batch"), 1: seq}}, tmp_path)
    assert loaded._description["operators"].get("Attention") == 2, "each block's causal attention runs as one fused node"
    for length in (12, 21):
        idx = np.random.default_rng(length).integers(0, 50, size=(2, length)).astype(np.int64)
        _check(model, proto, loaded, [idx])


def test_work_split_between_threads_changes_no_bit(tmp_path):
    """Convolutions, products and attention heads large enough to be split between a run's threads
    give the same bits as one thread: each output is summed by one thread in one order."""
    torch.manual_seed(6)
    resnet = torchvision.models.resnet18(weights=None)
    layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
    for name, model, shape in (("resnet", resnet, (2, 3, 64, 64)), ("encoder", encoder, (2, 128, 128))):
        program = torch.onnx.export(model.eval(), (torch.randn(*shape),), dynamo=True, verbose=False)
        path = tmp_path / f"{name}.mle"
        mle_runtime.export_model(program.model_proto, path)
        x = _rand(*shape)
        input_name = program.model_proto.graph.input[0].name
        with mle_runtime.load_model(path, threads=1) as one, mle_runtime.load_model(path, threads=2) as two:
            # Both compared once their kernels are compiled: the Vector API's exp and tanh give other
            # last bits before the JIT compiles them than after (docs/OPERATORS.md, "Vector math").
            for _ in range(20):
                one.run({input_name: x})
                two.run({input_name: x})
            np.testing.assert_array_equal(one.run({input_name: x})[program.model_proto.graph.output[0].name],
                                          two.run({input_name: x})[program.model_proto.graph.output[0].name], err_msg=name)
