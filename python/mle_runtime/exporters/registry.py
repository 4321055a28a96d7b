"""The converter registry: which Python class converts with which function, per framework.

This module owns the mapping from estimator classes to converter functions (filled by `@register`
in the framework modules), framework detection from a model's class, and the lazy import of a
framework's converter modules, so that `import mle_runtime` never imports scikit-learn. It knows
nothing about how any model is converted and must not build graphs itself.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import UnsupportedModelError
from ..ir import GraphBuilder, Value

Converter = Callable[[GraphBuilder, Any, Value], "dict[str, Value]"]


@dataclass(frozen=True)
class ModelInfo:
    """What a framework module reports about a fitted model before it is converted."""

    framework: str
    framework_version: str
    model_type: str
    n_features: int
    feature_names: list[str] | None


# Per framework (the top-level package of a model's class): the module with its `model_info`
# function, then its converter modules. Imported on first use, only if the framework is installed.
_FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "xgboost": ("mle_runtime.exporters.boosters",),
    "lightgbm": ("mle_runtime.exporters.boosters",),
    "catboost": ("mle_runtime.exporters.boosters",),
    "sklearn": (
        "mle_runtime.exporters.sklearn_common",
        "mle_runtime.exporters.sklearn_linear",
        "mle_runtime.exporters.sklearn_multiclass",
        "mle_runtime.exporters.sklearn_preprocessing",
        "mle_runtime.exporters.sklearn_pipeline",
        "mle_runtime.exporters.sklearn_trees",
    ),
}

@dataclass(frozen=True)
class SavedModel:
    """A model in its framework's own file format, for the engine's Java converters (exporters module).

    `framework` names the Java converter; `classes` are the wrapper's class labels when they are not
    simply 0..K-1; `options` go to the converter (e.g. {"iterations": "all"}).
    """

    framework: str
    source: str
    content: bytes
    framework_version: str
    model_type: str
    feature_names: list[str] | None = None
    classes: Any = None
    options: dict[str, str] | None = None


FileConverter = Callable[[Any], SavedModel]

_CONVERTERS: dict[type, Converter] = {}
_FILE_CONVERTERS: dict[type, FileConverter] = {}
_loaded: set[str] = set()


def register(*classes: type) -> Callable[[Converter], Converter]:
    """Decorator registering a converter function for classes: `@register(LogisticRegression)`.

    A converter takes (builder, fitted model, input value) and returns the values it computes keyed
    by role: "label", "probabilities", "scores", "variable" or "transformed".
    """

    def decorate(converter: Converter) -> Converter:
        for cls in classes:
            _CONVERTERS[cls] = converter
        return converter

    return decorate


def register_file(*classes: type) -> Callable[[FileConverter], FileConverter]:
    """Decorator registering a function that saves a model in its framework's own format, for
    frameworks whose files the engine converts itself (XGBoost, LightGBM, CatBoost)."""

    def decorate(converter: FileConverter) -> FileConverter:
        for cls in classes:
            _FILE_CONVERTERS[cls] = converter
        return converter

    return decorate


def file_converter_for(model: Any) -> FileConverter | None:
    """The registered saver for exactly this model's class, if its framework's file is converted in Java."""
    framework = framework_of(model)
    if framework in _FRAMEWORKS:
        _load(framework)
    return _FILE_CONVERTERS.get(type(model))


def framework_of(model: Any) -> str:
    return type(model).__module__.split(".")[0]


def public_name(cls: type) -> str:
    """`sklearn.linear_model.LogisticRegression` rather than the private defining module."""
    parts = []
    for part in cls.__module__.split("."):
        if part.startswith("_"):
            break
        parts.append(part)
    return ".".join(parts + [cls.__qualname__])


def _load(framework: str) -> bool:
    """Imports a framework's converter modules; False when the framework is not installed."""
    if framework in _loaded:
        return True
    try:
        importlib.import_module(framework)
    except ImportError:
        return False
    for module in _FRAMEWORKS[framework]:
        importlib.import_module(module)
    _loaded.add(framework)
    return True


def supported_models() -> list[str]:
    """Every model class export_model converts, by public name, for the frameworks installed here."""
    for framework in _FRAMEWORKS:
        _load(framework)
    return sorted(public_name(cls) for cls in {**_CONVERTERS, **_FILE_CONVERTERS})


def converter_for(model: Any) -> Converter:
    """The converter registered for exactly this model's class.

    Subclasses are not matched: a subclass may change what predict computes, and a silently wrong
    export is worse than a refusal.
    """
    framework = framework_of(model)
    if framework in _FRAMEWORKS:
        _load(framework)
    converter = _CONVERTERS.get(type(model))
    if converter is None and type(model) not in _FILE_CONVERTERS:
        raise UnsupportedModelError(
            f"cannot export {public_name(type(model))}: no converter is registered for it. "
            f"Supported models: {', '.join(supported_models())}"
        )
    return converter


def model_info(model: Any) -> ModelInfo:
    """The framework module's description of `model`, which also checks that it is fitted."""
    framework = framework_of(model)
    _load(framework)
    return importlib.import_module(_FRAMEWORKS[framework][0]).model_info(model)
