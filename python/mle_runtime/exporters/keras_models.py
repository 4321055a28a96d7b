"""Keras 3 models (Sequential, Functional, subclassed), exported through their torch backend: there a
Keras model is a `torch.nn.Module`, which PyTorch's own ONNX exporter takes (`pytorch.saved_model`),
whereas Keras's own `export(format="onnx")` falls back, for a dynamic batch, to PyTorch's old
TorchScript exporter, which fails on MultiHeadAttention (docs/MODELS.md). TensorFlow is not needed.

This module recognises a Keras model by its class (keras is not imported unless the model is a
Keras one), refuses one on another backend with the way out, fills in an example from the model's
declared inputs when none is given, and records Keras as the framework. It must not translate
operators itself.
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

from ..errors import ModelError
from . import pytorch
from .registry import SavedModel

FRAMEWORK = "keras"


def is_model(model: Any) -> bool:
    return any(cls.__module__.split(".")[0] == "keras" and cls.__name__ in ("Model", "Layer") for cls in type(model).__mro__)


def saved_model(model: Any, example_inputs: Any, dynamic_shapes: Any, input_names: Any, output_names: Any) -> SavedModel:
    """The ONNX export of `model` for the "onnx" converter, with Keras's metadata."""
    import keras

    backend = keras.backend.backend()
    if backend != "torch":
        raise ModelError(f"{_name(model)} runs on Keras's {backend!r} backend; Keras models export on the torch backend: set "
                         "KERAS_BACKEND=torch before keras is first imported (the weights load the same: model.save / keras.saving.load_model)")
    if example_inputs is None:
        example_inputs = _declared_example(model)
    with _recurrent_layers_as_one_op():
        saved = pytorch.saved_model(model, example_inputs, dynamic_shapes, input_names, output_names)
    return SavedModel(framework=saved.framework, source=f"{_name(model)} (Keras {keras.__version__})", content=saved.content,
                      framework_version=keras.__version__, model_type=_name(model), framework_name=FRAMEWORK, examples=saved.examples)


@contextlib.contextmanager
def _recurrent_layers_as_one_op():
    """Keras's LSTM and GRU layers as one PyTorch recurrent op each while exporting.

    On the torch backend a Keras LSTM or GRU takes PyTorch's fused recurrent op (torch._VF.lstm,
    .gru, which the exporter writes as one ONNX LSTM or GRU node) only on CUDA; on the CPU it runs
    its own loop, which the exporter writes out step by step: hundreds of nodes run one after the
    other (a fifth to a third slower than the engine's one LSTM node, docs/MODELS.md). Keras's own conversion of its weights to
    that op's layout is used for the layers it accepts (tanh and sigmoid activations, no mask, not
    unrolled, GRU with reset_after); any other layer, or a Keras without these functions, keeps its
    loop.
    """
    try:
        import torch
        from keras.src import activations, backend, ops

        # The package exports a function of the module's name, so the module is taken by its path.
        rnn = importlib.import_module("keras.src.backend.torch.rnn")
        one_lstm, one_gru, tensor = rnn._cudnn_lstm, rnn._cudnn_gru, rnn.convert_to_tensor
    except (ImportError, AttributeError):
        yield
        return
    lstm, gru = backend.lstm, backend.gru

    def standard(activation, recurrent_activation, unroll):
        return (activation in (activations.tanh, torch.tanh, ops.tanh) and recurrent_activation in (activations.sigmoid, torch.sigmoid, ops.sigmoid)
                and not unroll)

    def as_tensors(kernel, inputs, *states):
        dtype = tensor(kernel).dtype
        return [tensor(t).to(dtype) for t in (inputs, *states)]

    def fused_lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
                   return_sequences=False, go_backwards=False, unroll=False, batch_first=True):
        if mask is not None or not batch_first or not standard(activation, recurrent_activation, unroll):
            return lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
                        return_sequences=return_sequences, go_backwards=go_backwards, unroll=unroll, batch_first=batch_first)
        inputs, h, c = as_tensors(kernel, inputs, initial_state_h, initial_state_c)
        if go_backwards:
            inputs = torch.flip(inputs, dims=[1])
        return one_lstm(inputs, h, c, tensor(kernel), tensor(recurrent_kernel), None if bias is None else tensor(bias),
                        return_sequences=return_sequences, device=inputs.device)

    def fused_gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
                  return_sequences=False, go_backwards=False, unroll=False, reset_after=True):
        if mask is not None or not reset_after or not standard(activation, recurrent_activation, unroll):
            return gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation, recurrent_activation,
                       return_sequences=return_sequences, go_backwards=go_backwards, unroll=unroll, reset_after=reset_after)
        inputs, h = as_tensors(kernel, inputs, initial_state)
        if go_backwards:
            inputs = torch.flip(inputs, dims=[1])
        return one_gru(inputs, h, tensor(kernel), tensor(recurrent_kernel), None if bias is None else tensor(bias),
                        return_sequences=return_sequences, device=inputs.device)

    backend.lstm, backend.gru = fused_lstm, fused_gru
    try:
        yield
    finally:
        backend.lstm, backend.gru = lstm, gru


def _name(model: Any) -> str:
    cls = type(model)
    return f"{cls.__module__}.{cls.__qualname__}"


def _declared_example(model: Any) -> tuple:
    """Two rows per declared input (a Sequential or Functional model built from keras.Input): standard
    normal values for a float input, zeros (a valid token or class index) for an integer one; a
    quantization is measured on them when no calibration is given."""
    import numpy as np

    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or any(d is None for i in inputs for d in i.shape[1:]):
        raise ValueError(f"exporting {_name(model)} needs example_inputs=(array, ...): the model declares no fixed input shapes "
                         "(a subclassed model, or one with variable axes)")
    rng = np.random.default_rng(0)
    return tuple(rng.standard_normal((2, *i.shape[1:])).astype(str(i.dtype)) if np.issubdtype(np.dtype(str(i.dtype)), np.floating)
                 else np.zeros((2, *i.shape[1:]), dtype=str(i.dtype)) for i in inputs)
