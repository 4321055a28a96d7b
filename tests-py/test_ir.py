"""The graph builder (naming, typed attributes, constants), the Java writer's validation as seen
from Python, and the mapping of Java exceptions onto the SDK's errors."""

from __future__ import annotations

import mle_runtime
import numpy as np
import pytest
from mle_runtime import EngineError, FormatError, InputError, ModelError, VersionError
from mle_runtime.errors import from_java
from mle_runtime.ir import BATCH, GraphBuilder, _typed_attribute


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, ("int", 1)),
        (True, ("int", 1)),
        (np.int32(-4), ("int", -4)),
        (0.5, ("float", 0.5)),
        (np.float32(0.25), ("float", 0.25)),
        ("sub_div", ("string", "sub_div")),
        ([1, 2, -1], ("ints", [1, 2, -1])),
        ((1, 2.5), ("floats", [1.0, 2.5])),
        (np.array([1.5, 2.0]), ("floats", [1.5, 2.0])),
        (np.array([3, 4], dtype=np.int64), ("ints", [3, 4])),
        (["a", "b"], ("strings", ["a", "b"])),
    ],
)
def test_attributes_are_typed_from_python_values(value, expected):
    assert _typed_attribute("k", value) == expected


@pytest.mark.parametrize("value", [None, {"a": 1}, ["a", 1], object()])
def test_untypable_attributes_are_refused(value):
    with pytest.raises(TypeError, match="attribute 'k'"):
        _typed_attribute("k", value)


def test_constants_are_contiguous_little_endian_copies():
    b = GraphBuilder()
    source = np.arange(12, dtype=">f8").reshape(3, 4).T
    name = b.add_constant("w", source)
    dtype, shape, data = b.constants[name]
    assert (dtype, shape) == ("float64", (4, 3))
    assert data.flags.c_contiguous and data.dtype == np.dtype("<f8")
    source[0, 0] = 99.0
    assert data[0, 0] == 0.0
    assert b.constants[b.add_constant("i", np.array([1, 2], dtype=np.uint8))][0] == "int64"
    assert b.constants[b.add_constant("f", np.float32(1.5))][:2] == ("float32", ())


def test_string_constants_and_unique_names():
    b = GraphBuilder()
    first = b.add_constant("labels", ["a", "b"])
    second = b.add_constant("labels", np.array(["x", "y", "z"], dtype=object))
    assert (first, second) == ("labels", "labels_1")
    assert b.constants[second] == ("string", (3,), ["x", "y", "z"])
    with pytest.raises(TypeError, match="only strings"):
        b.add_constant("mixed", np.array(["a", 1], dtype=object))
    b.reserve("label")
    assert b.unique_name("label") == "label_1"


def test_rename_follows_every_use():
    b = GraphBuilder()
    x = b.add_input("input", "float64", (BATCH, 2))
    h = b.add_node("Relu", [x.name], b.unique_name("h"))
    b.add_node("Sigmoid", [h], "out")
    b.rename(h, "hidden")
    assert b.nodes[0].outputs == ["hidden"] and b.nodes[1].inputs == ["hidden"]


def _tiny_graph(op_type="Relu", **attributes):
    b = GraphBuilder()
    b.add_input("input", "float64", (BATCH, 2))
    b.add_node(op_type, ["input"], "out", **attributes)
    b.add_output("out", "float64", (BATCH, 2))
    b.bind("transform", ["out"])
    return b


def test_a_hand_built_graph_runs(tmp_path):
    _tiny_graph().write(tmp_path / "relu.mle")
    with mle_runtime.load_model(tmp_path / "relu.mle") as model:
        np.testing.assert_array_equal(model.transform([[-1.0, 2.0]]), [[0.0, 2.0]])


def test_unknown_operator_is_a_model_error_and_writes_nothing(tmp_path):
    with pytest.raises(ModelError, match="Frobnicate"):
        _tiny_graph("Frobnicate").write(tmp_path / "bad.mle")
    assert not list(tmp_path.iterdir())


def test_invalid_graphs_are_model_errors(tmp_path):
    b = _tiny_graph()
    b.bind("predict", ["nowhere"])
    with pytest.raises(ModelError, match="nowhere"):
        b.write(tmp_path / "bad.mle")
    b = GraphBuilder()
    b.add_input("input", "float64", (BATCH, 3))
    w = b.add_constant("w", np.ones((2, 2)))
    b.add_node("Gemm", ["input", w], "out", transB=1)
    b.add_output("out", "float64", (BATCH, 2))
    with pytest.raises(ModelError, match="Gemm"):
        b.write(tmp_path / "bad.mle")
    assert not list(tmp_path.iterdir())


class _FakeJavaClass:
    def __init__(self, name, parent=None):
        self.name, self.parent = name, parent

    def getSimpleName(self):
        return self.name.rsplit(".", 1)[-1]

    def getName(self):
        return self.name

    def getSuperclass(self):
        return self.parent


class _FakeJavaException(Exception):
    def __init__(self, java_class, message):
        super().__init__(message)
        self.java_class, self.message = java_class, message

    def getClass(self):
        return self.java_class

    def getMessage(self):
        return self.message


_BASE = _FakeJavaClass("org.mleruntime.MleException", _FakeJavaClass("java.lang.RuntimeException"))
_CORRUPT = _FakeJavaClass("org.mleruntime.CorruptFileException", _BASE)


@pytest.mark.parametrize(
    "java_class, python_class",
    [
        (_CORRUPT, FormatError),
        (_FakeJavaClass("org.mleruntime.UnsupportedVersionException", _CORRUPT), VersionError),
        (_FakeJavaClass("org.mleruntime.InvalidInputException", _BASE), InputError),
        (_FakeJavaClass("org.mleruntime.InvalidModelException", _BASE), ModelError),
        (_FakeJavaClass("org.mleruntime.UnsupportedOperatorException", _BASE), ModelError),
        (_FakeJavaClass("org.mleruntime.ChecksumException", _CORRUPT), FormatError),
        (_BASE, EngineError),
        (_FakeJavaClass("java.lang.IllegalStateException", _FakeJavaClass("java.lang.RuntimeException")), EngineError),
    ],
)
def test_java_exceptions_map_by_class_name(java_class, python_class):
    error = from_java(_FakeJavaException(java_class, "what went wrong"))
    assert type(error) is python_class
    assert "what went wrong" in str(error)
    assert error.java_class == java_class.getName()


def test_non_engine_java_errors_are_internal_errors_with_the_class_name():
    error = from_java(_FakeJavaException(_FakeJavaClass("java.io.IOException"), None))
    assert type(error) is EngineError and str(error) == "internal error in the engine: java.io.IOException"
    error = from_java(_FakeJavaException(_FakeJavaClass("org.example.InvalidInputException"), "not the engine's"))
    assert type(error) is EngineError and str(error) == "internal error in the engine: org.example.InvalidInputException: not the engine's"
