"""Hugging Face encoders through `export_model(module, path, example_inputs=..., dynamic_shapes=...)`:
transformers' BertModel and DistilBertModel in tiny configurations with random weights (nothing is
downloaded), exported with a dynamic batch and sequence length and checked against the module's own
forward pass at two lengths, with padded samples: max abs difference relative to the output's
magnitude ≤ 1e-5. Their attention-mask arithmetic is what needs GatherElements, GatherND and IsNaN."""

import mle_runtime
import numpy as np
import pytest
import torch
import transformers

# The exporter's own deprecation and tracing notes, not this package's.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")

VOCABULARY = 100
TOLERANCE = 1e-5


class _Encoder(torch.nn.Module):
    """A transformers model returns a ModelOutput object; the exporter needs tensors, named here in order."""

    def __init__(self, model, outputs):
        super().__init__()
        self.model = model
        self.outputs = outputs

    def forward(self, input_ids, attention_mask):
        result = self.model(input_ids=input_ids, attention_mask=attention_mask)
        return tuple(getattr(result, name) for name in self.outputs)


def _tokens(length, seed):
    """Three samples of `length` tokens, the last two padded. Each keeps a token: PyTorch's ONNX
    exporter writes the boolean attention mask as the float32 minimum added to the scores, so a sample
    without any token attends to all of them evenly where eager attention gives zeros (docs/MODELS.md)."""
    ids = np.random.default_rng(seed).integers(0, VOCABULARY, size=(3, length))
    mask = np.ones((3, length), dtype=np.int64)
    mask[1, length - 1:] = 0
    mask[2, length - 5:] = 0
    return ids, mask


def _check_encoder(model, outputs, tmp_path):
    encoder = _Encoder(model.eval(), outputs)
    axes = {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq", min=2, max=64)}
    path = tmp_path / "encoder.mle"
    mle_runtime.export_model(encoder, path, example_inputs=tuple(torch.from_numpy(a) for a in _tokens(12, 0)),
                             dynamic_shapes=(axes, axes), output_names=list(outputs))
    with mle_runtime.load_model(path) as loaded:
        assert [i["dim_names"] for i in loaded.inputs] == [["batch", "seq"]] * 2
        for length in (12, 20):
            ids, mask = _tokens(length, length)
            got = loaded.run({"input_ids": ids, "attention_mask": mask})
            with torch.inference_mode():
                expected = encoder(torch.from_numpy(ids), torch.from_numpy(mask))
            assert list(got) == list(outputs)
            for name, want in zip(outputs, expected):
                want = want.numpy()
                assert got[name].shape == want.shape and got[name].dtype == np.float32, name
                assert np.abs(got[name] - want).max() / np.abs(want).max() <= TOLERANCE, f"{name} at length {length}"


def test_bert_hidden_states_and_pooler_output(tmp_path):
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=VOCABULARY, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                     intermediate_size=64, max_position_embeddings=64)
    _check_encoder(transformers.BertModel(config), ("last_hidden_state", "pooler_output"), tmp_path)


def test_distilbert_hidden_states(tmp_path):
    torch.manual_seed(1)
    config = transformers.DistilBertConfig(vocab_size=VOCABULARY, dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                                           max_position_embeddings=64)
    _check_encoder(transformers.DistilBertModel(config), ("last_hidden_state",), tmp_path)
