"""The in-memory graph the converters build, and its hand-over to the engine's writer.

This module owns `GraphBuilder`: inputs, outputs, constants (numpy arrays or strings), nodes with
typed attributes, metadata and method bindings, plus unique naming. `GraphBuilder.write` passes the
whole graph to the Java `ModelWriter`, which validates it and writes the file; this module must never
produce file bytes itself, so that the format has exactly one implementation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from . import _jvm
from .errors import java_errors

DTYPES = ("float32", "float64", "int32", "int64", "bool", "string")

BATCH = -1


@dataclass(frozen=True)
class Value:
    """A named tensor of the graph with its dtype and shape (BATCH for the row dimension)."""

    name: str
    dtype: str
    shape: tuple[int, ...]


def _numeric_constant(array: np.ndarray) -> tuple[str, np.ndarray]:
    """The file dtype and a C-contiguous little-endian copy of a numeric array."""
    kind = array.dtype.kind
    if kind == "b":
        dtype = "bool"
    elif kind == "f":
        dtype = "float32" if array.dtype.itemsize <= 4 else "float64"
    elif kind in "iu":
        dtype = "int32" if array.dtype == np.int32 else "int64"
    else:
        raise TypeError(f"constant of numpy dtype {array.dtype} cannot be stored; use a numeric or string array")
    target = np.dtype(dtype).newbyteorder("<")
    return dtype, np.array(array, dtype=target, order="C", copy=True)


def _typed_attribute(key: str, value: Any) -> tuple[str, Any]:
    """The engine's attribute kind for a Python value: int, float, string, ints, floats or strings."""
    if isinstance(value, (bool, np.bool_, int, np.integer)):
        return "int", int(value)
    if isinstance(value, (float, np.floating)):
        return "float", float(value)
    if isinstance(value, str):
        return "string", value
    if isinstance(value, (list, tuple, np.ndarray)):
        items = value.tolist() if isinstance(value, np.ndarray) else list(value)
        if all(isinstance(v, str) for v in items) and items:
            return "strings", [str(v) for v in items]
        if all(isinstance(v, (bool, int, np.integer, np.bool_)) for v in items):
            return "ints", [int(v) for v in items]
        if all(isinstance(v, (bool, int, float, np.integer, np.floating, np.bool_)) for v in items):
            return "floats", [float(v) for v in items]
    raise TypeError(f"attribute {key!r}: cannot store {type(value).__name__} {value!r} (use int, float, str or lists of one of them)")


@dataclass
class _Node:
    op_type: str
    name: str
    inputs: list[str]
    outputs: list[str]
    attributes: dict[str, tuple[str, Any]]


class GraphBuilder:
    """A model under construction: a graph plus its metadata, written with `write(path)`."""

    def __init__(self) -> None:
        self.inputs: list[Value] = []
        self.outputs: list[Value] = []
        self.constants: dict[str, tuple[str, tuple[int, ...], Any]] = {}
        self.nodes: list[_Node] = []
        self.metadata: dict[str, str] = {}
        self.feature_names: list[str] | None = None
        self.class_labels: tuple[str, list[str]] | None = None
        self.methods: dict[str, list[str]] = {}
        self._taken: set[str] = set()

    def reserve(self, *names: str) -> None:
        """Keeps `names` from being handed out by `unique_name` (e.g. final output names)."""
        self._taken.update(names)

    def unique_name(self, hint: str) -> str:
        name, i = hint, 1
        while name in self._taken:
            name = f"{hint}_{i}"
            i += 1
        self._taken.add(name)
        return name

    def add_input(self, name: str, dtype: str, shape: Sequence[int]) -> Value:
        value = Value(name, _check_dtype(dtype), tuple(int(d) for d in shape))
        self._taken.add(name)
        self.inputs.append(value)
        return value

    def add_output(self, name: str, dtype: str, shape: Sequence[int]) -> Value:
        value = Value(name, _check_dtype(dtype), tuple(int(d) for d in shape))
        self.outputs.append(value)
        return value

    def add_constant(self, name: str, value: Any) -> str:
        """Adds a constant under a unique name derived from `name` and returns that name.

        Numeric arrays are copied (later changes to the caller's array do not leak in); arrays or
        lists of str become string constants.
        """
        array = np.asarray(value)
        name = self.unique_name(name)
        if array.dtype.kind in "UOS":
            strings = [v.decode() if isinstance(v, bytes) else v for v in array.ravel().tolist()]
            if not all(isinstance(v, str) for v in strings):
                raise TypeError(f"constant {name!r}: an object array must hold only strings")
            self.constants[name] = ("string", array.shape, strings)
        else:
            dtype, data = _numeric_constant(array)
            self.constants[name] = (dtype, data.shape, data)
        return name

    def add_node(self, op_type: str, inputs: Sequence[str], outputs: str | Sequence[str], **attributes: Any) -> str | list[str]:
        """Adds a node and returns its output name(s), in the form they were given."""
        names = [outputs] if isinstance(outputs, str) else list(outputs)
        self._taken.update(names)
        typed = {key: _typed_attribute(key, value) for key, value in attributes.items()}
        self.nodes.append(_Node(op_type, self.unique_name(op_type), list(inputs), names, typed))
        return outputs if isinstance(outputs, str) else names

    def producer(self, value: str) -> _Node | None:
        """The node that outputs `value`; None for inputs and constants."""
        return next((n for n in self.nodes if value in n.outputs), None)

    def set_attributes(self, node: _Node, **attributes: Any) -> None:
        """Adds or replaces attributes of a node already added (a converter refining its producer)."""
        node.attributes.update({key: _typed_attribute(key, value) for key, value in attributes.items()})

    def rename(self, old: str, new: str) -> None:
        """Renames a value everywhere it is produced or used (for naming final outputs)."""
        if old == new:
            return
        for node in self.nodes:
            node.inputs = [new if n == old else n for n in node.inputs]
            node.outputs = [new if n == old else n for n in node.outputs]
        self._taken.add(new)

    def bind(self, method: str, outputs: Sequence[str]) -> None:
        """Declares that the model's `method` (e.g. "predict") returns these graph outputs."""
        self.methods[method] = list(outputs)

    def write(self, path: str | os.PathLike, options: Any = None) -> str:
        """Hands the model to the engine's writer, which validates it and writes `path` atomically.

        `options` is the engine's `ExportOptions` (compression, quantization, keys; see `options`);
        returns the writer's JSON report.
        """
        from jpype import JArray, JDouble, JLong, JString

        def longs(values):
            return JArray(JLong)([int(v) for v in values])

        def strings(values):
            return JArray(JString)([str(v) for v in values])

        target = os.path.abspath(os.fspath(path))
        parent = os.path.dirname(target)
        if not os.path.isdir(parent):
            raise FileNotFoundError(f"cannot write {target}: the directory {parent} does not exist")
        bridge = _jvm.bridge()
        with java_errors():
            writer = bridge.newWriter()
            for v in self.inputs:
                writer.input(v.name, v.dtype, longs(v.shape))
            for v in self.outputs:
                writer.output(v.name, v.dtype, longs(v.shape))
            for name, (dtype, shape, data) in self.constants.items():
                if dtype == "string":
                    writer.stringConstant(name, longs(shape), strings(data))
                else:
                    # `data` is kept alive by self.constants while Java copies it by address.
                    writer.constant(name, dtype, longs(shape), data.ctypes.data, data.nbytes)
            for node in self.nodes:
                index = writer.node(node.op_type, node.name, strings(node.inputs), strings(node.outputs))
                for key, (kind, value) in node.attributes.items():
                    if kind == "int":
                        writer.attrInt(index, key, value)
                    elif kind == "float":
                        writer.attrFloat(index, key, value)
                    elif kind == "string":
                        writer.attrString(index, key, value)
                    elif kind == "ints":
                        writer.attrInts(index, key, longs(value))
                    elif kind == "floats":
                        writer.attrFloats(index, key, JArray(JDouble)(value))
                    else:
                        writer.attrStrings(index, key, strings(value))
            for key, value in self.metadata.items():
                writer.metadata(key, str(value))
            if self.feature_names is not None:
                writer.featureNames(strings(self.feature_names))
            if self.class_labels is not None:
                dtype, labels = self.class_labels
                writer.classLabels(dtype, strings(labels))
            for method, outputs in self.methods.items():
                writer.method(method, strings(outputs))
            if options is None:
                options = bridge.exportOptions()
            return str(writer.write(target, options))


def _check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; expected one of {', '.join(DTYPES)}")
    return dtype
