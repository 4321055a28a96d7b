"""The optimiser's float32 recognitions end to end: ONNX graphs that write layer norm and GELU out in
primitives (built with onnx.helper, as older exporters write them) and torch's Linear → BatchNorm1d
→ ReLU, imported, optimised into one node each, and run: outputs must match ONNX Runtime's on the
same inputs to 1e-5 of the output's magnitude."""

import math

import mle_runtime
import numpy as np
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(29)


def _scalar(name, value):
    return numpy_helper.from_array(np.array(value, dtype=np.float32), name)


def _import_and_compare(tmp_path, model, x):
    path = tmp_path / "model.mle"
    mle_runtime.export_model(model, path)
    loaded = mle_runtime.load_model(path)
    expected = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    got = list(loaded.run({"x": x}).values())[0]
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() / max(1.0, float(np.abs(expected).max())) < 1e-5
    return loaded._description["operators"]


def _model(nodes, initializers, shape, opset):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


@pytest.mark.parametrize("opset", [13, 18])
def test_layer_norm_in_primitives_runs_as_one_node(tmp_path, opset):
    width = 16
    mean_args = {"axes": [-1]} if opset < 18 else {}
    axes_input = ["axes"] if opset >= 18 else []
    nodes = [
        helper.make_node("ReduceMean", ["x", *axes_input], ["mu"], **mean_args),
        helper.make_node("Sub", ["x", "mu"], ["d"]),
        helper.make_node("Pow", ["d", "two"], ["d2"]),
        helper.make_node("ReduceMean", ["d2", *axes_input], ["var"], **mean_args),
        helper.make_node("Add", ["var", "eps"], ["ve"]),
        helper.make_node("Sqrt", ["ve"], ["sigma"]),
        helper.make_node("Div", ["d", "sigma"], ["n"]),
        helper.make_node("Mul", ["n", "gamma"], ["scaled"]),
        helper.make_node("Add", ["scaled", "beta"], ["y"]),
    ]
    inits = [_scalar("two", 2.0), _scalar("eps", 1e-5),
             numpy_helper.from_array((1 + 0.2 * RNG.normal(size=width)).astype(np.float32), "gamma"),
             numpy_helper.from_array(RNG.normal(size=width).astype(np.float32), "beta"),
             numpy_helper.from_array(np.array([-1], dtype=np.int64), "axes")]
    x = (RNG.normal(size=(3, 7, width)) * 4 + 2).astype(np.float32)
    operators = _import_and_compare(tmp_path, _model(nodes, inits, [3, 7, width], opset), x)
    assert operators == {"LayerNormalization": 1}


@pytest.mark.parametrize("form", ["exact", "tanh"])
def test_gelu_in_primitives_runs_as_one_node(tmp_path, form):
    if form == "exact":
        nodes = [helper.make_node("Div", ["x", "sqrt2"], ["a"]), helper.make_node("Erf", ["a"], ["e"]),
                 helper.make_node("Add", ["e", "one"], ["p"]), helper.make_node("Mul", ["x", "p"], ["xp"]),
                 helper.make_node("Mul", ["xp", "half"], ["y"])]
    else:
        nodes = [helper.make_node("Pow", ["x", "three"], ["x3"]), helper.make_node("Mul", ["cubic", "x3"], ["c"]),
                 helper.make_node("Add", ["x", "c"], ["s"]), helper.make_node("Mul", ["s", "k"], ["t"]),
                 helper.make_node("Tanh", ["t"], ["th"]), helper.make_node("Add", ["one", "th"], ["p"]),
                 helper.make_node("Mul", ["half", "x"], ["hx"]), helper.make_node("Mul", ["hx", "p"], ["y"])]
    inits = [_scalar("sqrt2", math.sqrt(2)), _scalar("one", 1.0), _scalar("half", 0.5), _scalar("three", 3.0),
             _scalar("cubic", 0.044715), _scalar("k", math.sqrt(2 / math.pi))]
    inits = [t for t in inits if any(t.name in n.input for n in nodes)]
    x = (RNG.normal(size=(5, 12)) * 3).astype(np.float32)
    assert _import_and_compare(tmp_path, _model(nodes, inits, [5, 12], 17), x) == {"Gelu": 1}


def test_linear_batch_norm_relu_folds_into_one_gemm(tmp_path):
    torch.manual_seed(8)
    model = torch.nn.Sequential(torch.nn.Linear(10, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU()).eval()
    with torch.no_grad():
        model[1].running_mean.normal_()
        model[1].running_var.uniform_(0.5, 2)
    # Without the exporter's own optimisation, which would fold the BatchNorm itself.
    program = torch.onnx.export(model, (torch.randn(4, 10),), dynamo=True, optimize=False, input_names=["x"],
                                dynamic_shapes={"input": {0: torch.export.Dim("batch")}}, verbose=False)
    assert [n.op_type for n in program.model_proto.graph.node] == ["Gemm", "BatchNormalization", "Relu"]
    x = RNG.normal(size=(9, 10)).astype(np.float32)
    assert _import_and_compare(tmp_path, program.model_proto, x) == {"Gemm": 1}
