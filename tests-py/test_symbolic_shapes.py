"""A model whose sequence length is a named symbolic dimension (format 1.2), run from Python at
several lengths: planned per shape of inputs, its outputs shaped by the engine for each call."""

from pathlib import Path

import numpy as np
import pytest

import mle_runtime
from mle_runtime.errors import InputError

GOLDEN = Path(__file__).resolve().parent.parent / "tests-java/src/test/resources/golden/v1.2/sequence_spread.mle"


@pytest.fixture(scope="module")
def model():
    with mle_runtime.load_model(GOLDEN) as m:
        yield m


def test_the_signature_names_the_symbolic_dimensions(model):
    assert model.inputs == [{"name": "input", "dtype": "float64", "shape": [-1, -1], "dim_names": ["batch", "seq"]}]


@pytest.mark.parametrize("shape", [(3, 5), (2, 9), (1, 1), (3, 5)])
def test_each_sequence_length_gives_numpys_result(model, shape):
    x = np.random.default_rng(sum(shape)).normal(size=shape)
    expected = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-12, atol=1e-12)
    assert model.run({"input": x})["spread"].shape == (shape[0], 1)


def test_a_wrong_rank_is_refused_naming_the_input(model):
    with pytest.raises(InputError, match="input 'input' must have 2 dimensions"):
        model.predict(np.zeros((2, 3, 4)))
