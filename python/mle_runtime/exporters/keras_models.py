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
    saved = pytorch.saved_model(model, example_inputs, dynamic_shapes, input_names, output_names)
    return SavedModel(framework=saved.framework, source=f"{_name(model)} (Keras {keras.__version__})", content=saved.content,
                      framework_version=keras.__version__, model_type=_name(model), framework_name=FRAMEWORK, examples=saved.examples)


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
