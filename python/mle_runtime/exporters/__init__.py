"""Exporting a live model object: framework detection, conversion to a graph, metadata, writing.

This package owns `export`, which finds the registered converter for a model (see `registry`),
runs it on a fresh `GraphBuilder` whose inputs follow the model's column signature (`columns`:
one float64 input [N, n_features], or one input per column when the model reads strings), names the computed
values by the graph naming convention, binds them to the model's methods, records the metadata and
hands the result to the engine's writer. Converters live in the framework modules next to it; this
package must not write file bytes (the Java writer does) nor convert any particular model itself.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Mapping

from .._version import __version__
from ..errors import UnsupportedModelError
from ..ir import GraphBuilder
from . import columns, keras_models, onnx_models, pytorch, registry, tables
from .columns import INPUT_NAME
from .registry import register, supported, supported_models

# A converter's roles are the graph's output names; each is returned by one method of the model.
ROLE_METHODS = {
    "label": "predict",
    "variable": "predict",
    "probabilities": "predict_proba",
    "log_probabilities": "predict_log_proba",
    "scores": "decision_function",
    "transformed": "transform",
    "score_samples": "score_samples",
}

_TYPED_METADATA = ("producer_name", "producer_version", "framework", "framework_version", "model_type", "description")


# The options of deep-learning models (PyTorch's own vocabulary for what an exporter must be told);
# Keras models take them too, as they export through their torch backend.
NETWORK_OPTIONS = ("example_inputs", "dynamic_shapes", "input_names", "output_names")


def is_network(model: Any) -> bool:
    """Whether `model` is a deep-learning model (PyTorch or Keras), exported through PyTorch's exporter."""
    return any(framework.is_model(model) for framework in (keras_models, pytorch))


def export(model: Any, path: str | os.PathLike, *, description: str | None = None, properties: Mapping[str, Any] | None = None,
           file_options: Any = None, network_options: Mapping[str, Any] | None = None, calibration: Any = None) -> str:
    """Converts and writes `model`; `file_options` is the engine's ExportOptions, `network_options`
    those of NETWORK_OPTIONS given, `calibration` a network's calibration inputs (an array or a tuple
    of arrays, as forward takes them), measured on instead of its example. Returns the writer's JSON
    report."""
    clashes = sorted(set(properties or ()) & set(_TYPED_METADATA))
    if clashes:
        raise ValueError(f"properties may not set the typed metadata fields {clashes}; use description= for the description")
    network_options = {k: v for k, v in (network_options or {}).items() if v is not None}
    for framework in (keras_models, pytorch):
        if framework.is_model(model):
            saved = framework.saved_model(model, *(network_options.get(k) for k in NETWORK_OPTIONS))
            if calibration is not None:
                saved = dataclasses.replace(saved, examples=_calibration_inputs(calibration), examples_given=True)
            return _export_saved(saved, path, description, properties, file_options)
    if network_options:
        raise ValueError(f"{sorted(network_options)} apply to PyTorch and Keras models, not to "
                         f"{type(model).__module__}.{type(model).__qualname__}")
    onnx_model = onnx_models.saved_model(model)
    if onnx_model is not None:
        return _export_saved(onnx_model, path, description, properties, file_options)
    saver = registry.file_converter_for(model)
    if saver is not None:
        return _export_saved(saver(model), path, description, properties, file_options)
    converter = registry.converter_for(model)
    info = registry.model_info(model)

    builder = GraphBuilder()
    x, feature_names = columns.add_inputs(builder, model, info.n_features, info.feature_names)
    inputs = {v.name for v in builder.inputs}
    builder.reserve(INPUT_NAME, *ROLE_METHODS)
    computed = converter(builder, model, x)
    if registry.SPARSE_OUTPUT in computed:
        raise UnsupportedModelError(f"{info.model_type}: {computed[registry.SPARSE_OUTPUT]}; MLE Runtime computes dense arrays")
    for role in (r for r in ROLE_METHODS if r in computed):
        # A role holding a list (MultiOutputClassifier's predict_proba) becomes outputs role.0, role.1,
        # …, which the method returns together; unique_name never produces names with a dot.
        found = computed[role]
        named = [(f"{role}.{i}", v) for i, v in enumerate(found)] if isinstance(found, list) else [(role, found)]
        builder.bind(ROLE_METHODS[role], [_add_output(builder, info, role, name, value, inputs) for name, value in named])

    builder.metadata.update(
        producer_name="mle-runtime",
        producer_version=__version__,
        framework=info.framework,
        framework_version=info.framework_version,
        model_type=info.model_type,
    )
    if description:
        builder.metadata["description"] = description
    for key, value in (properties or {}).items():
        builder.metadata[str(key)] = str(value)
    builder.feature_names = feature_names
    return builder.write(path, file_options)


def _add_output(builder: GraphBuilder, info: registry.ModelInfo, role: str, name: str, value: Any, inputs: set[str]) -> str:
    """Makes `value` the graph output `name` (or a fresh name when an input column has that one) and returns the name."""
    if isinstance(value, tables.Table):
        if len({b.dtype for b in value.blocks if b is not None}) > 1:
            raise UnsupportedModelError(
                f"{info.model_type}: its {ROLE_METHODS[role]} output mixes string and numeric columns, which no single "
                "array holds; export the model that consumes that output (a pipeline ending in an estimator) instead"
            )
        value = tables.matrix(builder, value, info.model_type)
    if name in inputs:
        name = builder.unique_name(name)
    if value.name in inputs:
        builder.add_node("Identity", [value.name], name)
    else:
        builder.rename(value.name, name)
    builder.add_output(name, value.dtype, value.shape)
    return name


def _calibration_inputs(calibration: Any) -> tuple:
    import torch

    arrays = pytorch.graph_inputs(torch, calibration)
    if not arrays:
        raise ValueError(f"a network's calibration must be an array or tensor, or a tuple of them (one per input); got {type(calibration).__name__}")
    return arrays


__all__ = ["export", "is_network", "register", "supported", "supported_models", "ROLE_METHODS", "NETWORK_OPTIONS"]


def _export_saved(saved: registry.SavedModel, path: str | os.PathLike, description: str | None,
                  properties: Mapping[str, Any] | None, file_options: Any) -> str:
    """Converts a framework's own saved model in the engine and completes it with what Python knows."""
    import numpy as np
    from jpype import JArray, JByte, JLong, JString

    from .. import _jvm
    from ..errors import java_errors
    from .labels import label_strings

    options = saved.options or {}
    with java_errors():
        keys, values = JArray(JString)(list(options)), JArray(JString)(list(options.values()))
        if saved.file is not None:
            converted = _jvm.bridge().convertFile(saved.framework, saved.file, keys, values)
        else:
            converted = _jvm.bridge().convert(saved.framework, saved.source, JArray(JByte)(saved.content), keys, values)
        if saved.classes is not None:
            dtype, rendered = label_strings(saved.classes)
            converted.relabel(dtype, JArray(JString)(rendered))
        if saved.feature_names:
            converted.featureNames(JArray(JString)(saved.feature_names))
        if saved.framework_name:
            converted.metadata("framework", saved.framework_name)
        if saved.framework_version:
            converted.metadata("framework_version", saved.framework_version)
        if saved.model_type:
            converted.metadata("model_type", saved.model_type)
        if description:
            converted.metadata("description", description)
        for key, value in (properties or {}).items():
            converted.metadata(str(key), str(value))
        if file_options is None:
            file_options = _jvm.bridge().exportOptions()
        for example in saved.examples:
            # `array` stays referenced here while Java copies it by address.
            array = np.ascontiguousarray(example)
            file_options.callInput(array.dtype.name, JArray(JLong)(list(array.shape)), array.ctypes.data, array.nbytes, saved.examples_given)
        return str(converted.write(os.fspath(path), file_options))
