"""ONNX models for the engine's ONNX importer (the Java `exporters` module, which JVM and Spark users
call too): an `onnx.ModelProto` is serialized and handed over as bytes, a path to a `.onnx` file is
handed over as the path, so that external data files beside the model are found.

This module only recognises ONNX models; reading and translating them is the importer's job, and
the `onnx` package is never imported here (a ModelProto is recognised by its class).
"""

from __future__ import annotations

import os
from typing import Any

from .registry import SavedModel


def _is_model_proto(model: Any) -> bool:
    cls = type(model)
    return cls.__name__ == "ModelProto" and cls.__module__.split(".")[0] == "onnx"


def saved_model(model: Any) -> SavedModel | None:
    """The model for the "onnx" converter when `model` is an onnx.ModelProto or a path ending in .onnx, else None."""
    if _is_model_proto(model):
        return SavedModel(
            framework="onnx",
            source=f"onnx.ModelProto (graph {model.graph.name!r})",
            content=model.SerializeToString(),
            framework_version="",
            model_type="",
        )
    if isinstance(model, (str, os.PathLike)) and os.fspath(model).lower().endswith(".onnx"):
        path = os.path.abspath(os.fspath(model))
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no such ONNX model file: {path}")
        return SavedModel(framework="onnx", source=path, content=b"", framework_version="", model_type="", file=path)
    return None
