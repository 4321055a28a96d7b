"""MLE Runtime's Python SDK: export trained models to .mle files and run them on the JVM engine.

This module is the public API and owns nothing but it: `export_model`, `load_model`, `inspect`,
`supported_models`, `supported`, `engine_info`, the error classes and `__version__`. Importing it starts no JVM
and imports no framework; the JVM starts on the first call that needs the engine. The work itself
lives in `exporters` (conversion), `ir` (the graph handed to the Java writer), `model` (running) and
`_jvm` (finding and starting Java).
"""

from __future__ import annotations

import json
import os
from typing import Any

from . import _jvm
from ._version import __version__
from .errors import (
    EngineError,
    FormatError,
    InputError,
    MleError,
    ModelError,
    UnsupportedModelError,
    VersionError,
    java_errors,
)
from .exporters import export as _export
from .exporters import supported, supported_models
from .model import Model


def export_model(model: Any, path: str | os.PathLike, **options: Any) -> None:
    """Converts a fitted model to a .mle file at `path`, written atomically.

    The framework is detected from the model's class (see `supported_models()`). Options:
    `description` (str) and `properties` (a mapping of free-form metadata, stored as strings).
    Raises UnsupportedModelError for a model without a converter and ModelError for one that cannot
    be exported (e.g. not fitted); a failed export leaves no file behind.
    """
    unknown = sorted(set(options) - {"description", "properties"})
    if unknown:
        raise TypeError(f"export_model() got unexpected options {unknown}; accepted: description, properties")
    _export(model, path, **options)


def _existing(path: str | os.PathLike) -> str:
    target = os.path.abspath(os.fspath(path))
    if not os.path.isfile(target):
        raise FileNotFoundError(f"no such model file: {target}")
    return target


def load_model(path: str | os.PathLike, *, defer_checksum: bool = False, threads: int | None = None) -> Model:
    """Opens a .mle file (memory-mapped, verified) and returns a Model ready to predict.

    With `defer_checksum=True` the weights' checksum is verified in the background instead of
    before returning, so very large models open at once; a mismatch then fails the next call.
    `threads` caps the threads one call may use for a large batch (default: every core).
    """
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    target = _existing(path)
    bridge = _jvm.bridge()
    with java_errors():
        java_model = bridge.load(target, bool(defer_checksum), int(threads or 0))
    return Model(java_model, target)


def inspect(path: str | os.PathLike) -> dict[str, Any]:
    """The file's header, section table, metadata and graph (nodes, attributes, constants) as a dict."""
    target = _existing(path)
    bridge = _jvm.bridge()
    with java_errors():
        return json.loads(str(bridge.inspect(target)))


def engine_info() -> dict[str, Any]:
    """The engine in use: its version, kernel set, and the Java runtime it runs on."""
    bridge = _jvm.bridge()
    import jpype

    with java_errors():
        return {
            "version": str(bridge.version()),
            "kernels": str(bridge.kernels()),
            "vector_kernels": bool(bridge.vectorKernelsEnabled()),
            "java_home": _jvm.java_home(),
            "java_version": str(jpype.java.lang.System.getProperty("java.version")),
        }


__all__ = [
    "EngineError",
    "FormatError",
    "InputError",
    "MleError",
    "Model",
    "ModelError",
    "UnsupportedModelError",
    "VersionError",
    "__version__",
    "engine_info",
    "export_model",
    "inspect",
    "load_model",
    "supported",
    "supported_models",
]
