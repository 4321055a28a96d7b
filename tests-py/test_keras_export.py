"""`export_model(keras_model, path)` for Keras 3 models on the torch backend: Sequential, Functional
and subclassed models, exported through PyTorch's ONNX exporter and the engine's importer, against
Keras's own predict on the same inputs (max abs difference relative to the output's magnitude ≤
1e-5). Keras must be imported with KERAS_BACKEND=torch; this file sets it before its first import,
and is skipped when another test imported Keras on another backend first."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import mle_runtime  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":
    pytest.skip("Keras was imported on another backend before this file", allow_module_level=True)
L = keras.layers
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


def _same(model, path, x):
    with mle_runtime.load_model(path) as loaded:
        got = loaded.predict(x)
    expected = np.asarray(model.predict(x, verbose=0))
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() / max(1.0, float(np.abs(expected).max())) <= 1e-5


def _normal(*shape):
    return np.random.default_rng(sum(shape)).normal(size=shape).astype(np.float32)


def test_sequential_mlp_from_its_declared_input(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12,)), L.Dense(16, activation="relu"), L.Dense(3, activation="softmax")])
    path = tmp_path / "mlp.mle"
    mle_runtime.export_model(model, path)
    for rows in (1, 9):
        _same(model, path, _normal(rows, 12))
    with mle_runtime.load_model(path) as loaded:
        assert loaded.metadata["framework"] == "keras"
        assert loaded.metadata["framework_version"] == keras.__version__


def test_functional_cnn_with_batch_norm_pooling_and_dropout(tmp_path):
    keras.utils.set_random_seed(1)
    inputs = keras.Input((32, 32, 3))
    x = L.Conv2D(8, 3, activation="relu")(inputs)
    x = L.BatchNormalization()(x)
    x = L.MaxPooling2D()(x)
    x = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dropout(0.3)(x)
    model = keras.Model(inputs, L.Dense(10)(x))
    path = tmp_path / "cnn.mle"
    mle_runtime.export_model(model, path)
    _same(model, path, _normal(4, 32, 32, 3))


def _op_types(path):
    return [n["op_type"] for n in mle_runtime.inspect(path)["graph"]["nodes"]]


def test_lstm_text_model(tmp_path):
    keras.utils.set_random_seed(2)
    inputs = keras.Input((20,), dtype="int32")
    model = keras.Model(inputs, L.Dense(2)(L.LSTM(24)(L.Embedding(50, 16)(inputs))))
    path = tmp_path / "lstm.mle"
    mle_runtime.export_model(model, path)
    tokens = np.random.default_rng(3).integers(0, 50, size=(3, 20)).astype(np.int32)
    _same(model, path, tokens)
    ops = _op_types(path)
    assert ops.count("LSTM") == 1 and len(ops) < 60, "one LSTM node, not the layer's steps written out"


def test_recurrent_stack_bidirectional_and_gru(tmp_path):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((15, 6))
    x = L.Bidirectional(L.LSTM(10, return_sequences=True))(inputs)
    x = L.GRU(12, return_sequences=True, go_backwards=True)(x)
    model = keras.Model(inputs, L.Dense(3)(L.GRU(8)(x)))
    path = tmp_path / "stack.mle"
    mle_runtime.export_model(model, path)
    _same(model, path, _normal(4, 15, 6))
    ops = _op_types(path)
    assert (ops.count("LSTM"), ops.count("GRU")) == (2, 2)


def test_masked_sequences_keep_their_steps(tmp_path):
    keras.utils.set_random_seed(5)
    inputs = keras.Input((12,), dtype="int32")
    model = keras.Model(inputs, L.Dense(2)(L.LSTM(8)(L.Embedding(30, 8, mask_zero=True)(inputs))))
    path = tmp_path / "masked.mle"
    mle_runtime.export_model(model, path)
    # Keras's masked loop fixes the batch at the example's (2 rows of its declared input), docs/MODELS.md.
    tokens = np.random.default_rng(6).integers(1, 30, size=(2, 12)).astype(np.int32)
    tokens[1, 8:] = 0
    _same(model, path, tokens)
    assert "LSTM" not in _op_types(path), "a mask is applied by Keras's own loop"


def test_transformer_block_with_multi_head_attention(tmp_path):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((10, 32))
    attended = L.LayerNormalization()(inputs + L.MultiHeadAttention(num_heads=4, key_dim=8)(inputs, inputs))
    ffn = L.Dense(32)(L.Dense(64, activation="gelu")(attended))
    model = keras.Model(inputs, L.LayerNormalization()(attended + ffn))
    path = tmp_path / "block.mle"
    mle_runtime.export_model(model, path)
    _same(model, path, _normal(2, 10, 32))


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = L.Dense(8, activation="tanh")
        self.out = L.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


def test_subclassed_model_needs_an_example(tmp_path):
    keras.utils.set_random_seed(5)
    model = _Subclassed()
    x = _normal(6, 5)
    model(x)
    with pytest.raises(ValueError, match="example_inputs"):
        mle_runtime.export_model(model, tmp_path / "none.mle")
    path = tmp_path / "sub.mle"
    mle_runtime.export_model(model, path, example_inputs=(x[:1],))
    _same(model, path, x)
