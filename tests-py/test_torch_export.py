"""`export_model(module, path, example_inputs=...)` for PyTorch modules: the module exported by
PyTorch's own ONNX exporter in memory and imported by the engine, checked against the module's own
forward pass on the same inputs (max abs difference relative to the output's magnitude ≤ 1e-5),
with a batch-1 example, dynamic batch and sequence lengths, several inputs, metadata, and the
errors of modules that cannot be exported."""

import mle_runtime
import numpy as np
import pytest
import torch

nn = torch.nn
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


def _rand(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).normal(size=shape).astype(np.float32)


def _same(module, loaded, *inputs, tolerance=1e-5):
    with torch.inference_mode():
        expected = module(*[torch.from_numpy(x) for x in inputs])
    expected = (expected[0] if isinstance(expected, tuple) else expected).numpy()
    got = loaded.predict(*inputs)
    assert got.shape == expected.shape
    scale = max(1.0, float(np.abs(expected).max()))
    assert np.abs(got - expected).max() / scale <= tolerance


def test_a_batch_of_one_as_example_gives_a_dynamic_batch(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 3))
    path = tmp_path / "mlp.mle"
    mle_runtime.export_model(model, path, example_inputs=(torch.randn(1, 12),))
    with mle_runtime.load_model(path) as loaded:
        for rows in (1, 7, 300):
            _same(model, loaded, _rand(rows, 12))
        metadata = loaded.metadata
    assert metadata["framework"] == "pytorch"
    assert metadata["framework_version"] == torch.__version__
    assert metadata["model_type"] == "torch.nn.modules.container.Sequential"


def test_numpy_example_and_the_module_keeps_its_training_mode(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5), nn.Tanh(), nn.Dropout(0.5))
    model.train()
    model[3].eval()
    path = tmp_path / "m.mle"
    mle_runtime.export_model(model, path, example_inputs=_rand(3, 6))
    assert model.training and model[1].training, "export leaves the module in the mode it was in"
    assert not model[3].training, "and each submodule in its own"
    model.eval()
    with mle_runtime.load_model(path) as loaded:
        _same(model, loaded, _rand(5, 6))


class _Classifier(nn.Module):
    """Token embeddings averaged over the sequence, then a linear layer: integer inputs."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 16)
        self.head = nn.Linear(16, 4)

    def forward(self, tokens):
        return self.head(self.embedding(tokens).mean(dim=1))


def test_text_classifier_with_a_dynamic_sequence_length(tmp_path):
    torch.manual_seed(2)
    model = _Classifier().eval()
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq")
    path = tmp_path / "text.mle"
    mle_runtime.export_model(model, path, example_inputs=(torch.randint(0, 100, (1, 9)),), dynamic_shapes={"tokens": {0: batch, 1: seq}},
                             input_names=["tokens"], output_names=["scores"])
    with mle_runtime.load_model(path) as loaded:
        for rows, length in ((1, 9), (4, 23)):
            tokens = np.random.default_rng(length).integers(0, 100, size=(rows, length)).astype(np.int64)
            with torch.inference_mode():
                expected = model(torch.from_numpy(tokens)).numpy()
            got = loaded.run({"tokens": tokens})["scores"]
            assert np.abs(got - expected).max() <= 1e-5 * max(1.0, float(np.abs(expected).max()))


class _TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 6)
        self.b = nn.Linear(3, 6)

    def forward(self, x, y):
        return torch.relu(self.a(x) + self.b(y))


def test_several_inputs_share_the_batch(tmp_path):
    torch.manual_seed(3)
    model = _TwoInputs().eval()
    path = tmp_path / "two.mle"
    mle_runtime.export_model(model, path, example_inputs=(torch.randn(1, 5), torch.randn(1, 3)))
    with mle_runtime.load_model(path) as loaded:
        x, y = _rand(4, 5), _rand(4, 3, seed=1)
        with torch.inference_mode():
            expected = model(torch.from_numpy(x), torch.from_numpy(y)).numpy()
        got = list(loaded.run({"x": x, "y": y}).values())[0]
        assert np.abs(got - expected).max() <= 1e-5 * max(1.0, float(np.abs(expected).max()))


class _DataDependent(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 1


def test_data_dependent_control_flow_is_refused_naming_the_module(tmp_path):
    path = tmp_path / "bad.mle"
    with pytest.raises(mle_runtime.ModelError, match="_DataDependent"):
        mle_runtime.export_model(_DataDependent(), path, example_inputs=(torch.randn(2, 3),))
    assert not path.exists(), "no file is left behind"


def test_a_module_needs_its_example_inputs(tmp_path):
    with pytest.raises(ValueError, match="example_inputs"):
        mle_runtime.export_model(nn.Linear(2, 2), tmp_path / "m.mle")


def test_network_options_are_refused_for_other_models(tmp_path):
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit(np.eye(3), np.arange(3.0))
    with pytest.raises(ValueError, match="example_inputs"):
        mle_runtime.export_model(model, tmp_path / "m.mle", example_inputs=(np.eye(3),))


def test_one_dimensional_convolutions_over_sequences_of_any_length(tmp_path):
    torch.manual_seed(4)
    model = nn.Sequential(nn.Conv1d(8, 16, 5, padding=2), nn.ReLU(), nn.Conv1d(16, 4, 3, dilation=2), nn.AdaptiveAvgPool1d(1),
                          nn.Flatten()).eval()
    batch, length = torch.export.Dim("batch"), torch.export.Dim("length", min=8, max=512)
    path = tmp_path / "conv1d.mle"
    mle_runtime.export_model(model, path, example_inputs=(torch.randn(1, 8, 40),), dynamic_shapes=({0: batch, 2: length},))
    with mle_runtime.load_model(path) as loaded:
        for rows, steps in ((1, 40), (3, 97)):
            _same(model, loaded, _rand(rows, 8, steps))


class _Lstm(nn.Module):
    """An LSTM called with initial states, batch first, returning its sequence output."""

    def __init__(self, layers, bidirectional):
        super().__init__()
        self.rnn = nn.LSTM(6, 10, num_layers=layers, bidirectional=bidirectional, batch_first=True)

    def forward(self, x, h0, c0):
        return self.rnn(x, (h0, c0))[0]


class _Gru(nn.Module):
    def __init__(self, layers, bidirectional):
        super().__init__()
        self.rnn = nn.GRU(6, 10, num_layers=layers, bidirectional=bidirectional, batch_first=True)

    def forward(self, x, h0):
        return self.rnn(x, h0)[0]


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_recurrent_layers_with_initial_states(tmp_path, kind, layers, bidirectional):
    torch.manual_seed(5)
    model = (_Lstm if kind == "LSTM" else _Gru)(layers, bidirectional).eval()
    directions = 2 if bidirectional else 1
    batch = torch.export.Dim("batch")
    states = 2 if kind == "LSTM" else 1
    example = (torch.randn(1, 7, 6), *[torch.randn(layers * directions, 1, 10) for _ in range(states)])
    path = tmp_path / "rnn.mle"
    mle_runtime.export_model(model, path, example_inputs=example,
                             dynamic_shapes=({0: batch}, *[{1: batch} for _ in range(states)]))
    rows = 3
    inputs = [_rand(rows, 7, 6), *[_rand(layers * directions, rows, 10, seed=s + 1) for s in range(states)]]
    with torch.inference_mode():
        expected = model(*[torch.from_numpy(a) for a in inputs]).numpy()
    with mle_runtime.load_model(path) as loaded:
        names = [spec["name"] for spec in loaded.inputs]
        got = loaded.run(dict(zip(names, inputs)))
    got = list(got.values())[0]
    assert np.abs(got - expected).max() <= 1e-5 * max(1.0, float(np.abs(expected).max()))
