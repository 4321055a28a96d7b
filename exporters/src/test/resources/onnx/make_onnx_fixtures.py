"""Writes the ONNX importer's test fixtures: each fixture is a folder holding model.onnx (and any
external data file beside it) and, for models the importer translates, test_data_set_0/ with
input_K.pb and output_K.pb as TensorProto files, the layout of ONNX's own backend tests. The
expected outputs are ONNX Runtime's on the same inputs.

Run with the project's virtual environment (onnx, onnxruntime, scikit-learn, skl2onnx):
    .venv/bin/python exporters/src/test/resources/onnx/make_onnx_fixtures.py
"""

from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from skl2onnx import to_onnx

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261207)


def _folder(name: str) -> str:
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def _write(name: str, model: onnx.ModelProto, inputs: dict[str, np.ndarray] | None, external: bool = False) -> None:
    """Saves the model (weights in weights.bin beside it when `external`) and, given inputs, ONNX Runtime's outputs."""
    path = _folder(name)
    model_path = os.path.join(path, "model.onnx")
    if external:
        onnx.save_model(model, model_path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location="weights.bin", size_threshold=0)
    else:
        onnx.save_model(model, model_path)
    onnx.checker.check_model(model_path)
    if inputs is None:
        return
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    outputs = session.run(None, inputs)
    data = os.path.join(path, "test_data_set_0")
    os.makedirs(data)
    for k, (key, value) in enumerate(inputs.items()):
        _save_tensor(os.path.join(data, f"input_{k}.pb"), value, key)
    for k, (out, value) in enumerate(zip(session.get_outputs(), outputs)):
        _save_tensor(os.path.join(data, f"output_{k}.pb"), value, out.name)


def _save_tensor(path: str, value: np.ndarray, name: str) -> None:
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.asarray(value), name).SerializeToString())


def _init(name: str, value: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(value, name)


def gemm_mlp() -> None:
    """Gemm with alpha, beta and transB folded into constants, Relu, a Gemm with a [1, M] bias, Softmax."""
    w1 = RNG.standard_normal((5, 4)).astype(np.float32)
    b1 = RNG.standard_normal(5).astype(np.float32)
    w2 = RNG.standard_normal((5, 3)).astype(np.float32)
    b2 = RNG.standard_normal((1, 3)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], alpha=0.5, beta=2.0, transB=1),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("Gemm", ["r", "w2", "b2"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
        ],
        "gemm_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 3]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [_init("w1", w1), _init("b1", b1), _init("w2", w2), _init("b2", b2)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_onnx_fixtures")
    x = RNG.standard_normal((9, 4)).astype(np.float32)
    _write("gemm_mlp", model, {"x": x})
    _write("gemm_mlp_external", model, {"x": x}, external=True)


def operator_mix() -> None:
    """Most mapped operators in one opset-17 graph over a batch of [2, 3] blocks."""
    shift = RNG.standard_normal(6).astype(np.float32)
    scale = (RNG.random(6) + 0.5).astype(np.float32)
    nodes = [
        helper.make_node("Flatten", ["x"], ["flat"], axis=1),
        helper.make_node("Constant", [], ["shift"], value=_init("shift_value", shift)),
        helper.make_node("Sub", ["flat", "shift"], ["centred"]),
        helper.make_node("Div", ["centred", "scale"], ["scaled"]),
        helper.make_node("Abs", ["scaled"], ["magnitude"]),
        helper.make_node("Sqrt", ["magnitude"], ["root"]),
        helper.make_node("Pow", ["scaled", "two"], ["squared"]),
        helper.make_node("Neg", ["squared"], ["negated"]),
        helper.make_node("Exp", ["negated"], ["bell"]),
        helper.make_node("Add", ["magnitude", "one"], ["shifted"]),
        helper.make_node("Log", ["shifted"], ["logged"]),
        helper.make_node("Mul", ["logged", "root"], ["product"]),
        helper.make_node("Sigmoid", ["product"], ["sig"]),
        helper.make_node("Tanh", ["scaled"], ["tanh"]),
        helper.make_node("Cos", ["scaled"], ["cos"]),
        helper.make_node("Sin", ["scaled"], ["sin"]),
        helper.make_node("Clip", ["scaled", "low", ""], ["clipped"]),
        helper.make_node("Concat", ["bell", "sig", "tanh", "cos", "sin", "clipped"], ["features"], axis=1),
        helper.make_node("Dropout", ["features", "half"], ["kept"]),
        helper.make_node("Reshape", ["kept", "blocks"], ["blocked"]),
        helper.make_node("Softmax", ["blocked"], ["soft"], axis=-1),
        helper.make_node("ReduceSum", ["blocked", "last"], ["sums"], keepdims=0),
        helper.make_node("ArgMax", ["blocked"], ["argmax"], axis=-1, keepdims=0),
        helper.make_node("Greater", ["flat", "shift"], ["above"]),
        helper.make_node("Cast", ["above"], ["above_f"], to=TensorProto.DOUBLE),
        helper.make_node("Identity", ["soft"], ["soft_out"]),
    ]
    inits = [_init("scale", scale), _init("two", np.array(2, np.int64)), _init("one", np.array(1, np.float32)),
             _init("low", np.array(-0.25, np.float32)), _init("blocks", np.array([0, 6, -1], np.int64)),
             _init("last", np.array([-1], np.int64)), _init("half", np.array(0.5, np.float32))]
    graph = helper.make_graph(
        nodes, "operator_mix",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 3])],
        [helper.make_tensor_value_info("soft_out", TensorProto.FLOAT, ["N", 6, 6]),
         helper.make_tensor_value_info("sums", TensorProto.FLOAT, ["N", 6]),
         helper.make_tensor_value_info("argmax", TensorProto.INT64, ["N", 6]),
         helper.make_tensor_value_info("above_f", TensorProto.DOUBLE, ["N", 6])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_onnx_fixtures")
    _write("operator_mix", model, {"x": RNG.standard_normal((8, 2, 3)).astype(np.float32)})


def old_opsets() -> None:
    """Opset 9: Clip bounds as attributes, Softmax over the input flattened from axis 1 of a rank-3 value."""
    w = RNG.standard_normal((3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x2", "w"], ["y2"]),
        helper.make_node("Clip", ["y2"], ["clipped"], min=-0.5, max=0.75),
        helper.make_node("Reshape", ["clipped", "blocks"], ["blocked"]),
        helper.make_node("Softmax", ["blocked"], ["soft"], axis=1),
        helper.make_node("Dropout", ["soft"], ["out"], ratio=0.1),
    ]
    graph = helper.make_graph(
        nodes, "old_opsets",
        [helper.make_tensor_value_info("x2", TensorProto.FLOAT, [None, 3])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [None, 3, 1])],
        [_init("w", w), _init("blocks", np.array([-1, 3, 1], np.int64))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 9)], producer_name="make_onnx_fixtures")
    model.ir_version = 4
    _write("old_opsets", model, {"x2": RNG.standard_normal((6, 3)).astype(np.float32)})


def sklearn_models() -> None:
    """scikit-learn models through skl2onnx: an MLP regressor, an MLP classifier's probabilities, and the
    classifiers whole (they use the ai.onnx.ml domain, which the importer refuses, naming every operator)."""
    warnings.filterwarnings("ignore")
    x, y = load_diabetes(return_X_y=True)
    regressor = MLPRegressor(hidden_layer_sizes=(16, 8), max_iter=300, random_state=0).fit(x, y)
    model = to_onnx(regressor, x[:1].astype(np.float32), target_opset=21)
    _write("skl_mlp_regressor", model, {"X": x[:40].astype(np.float32)})

    x, y = load_iris(return_X_y=True)
    classifier = MLPClassifier(hidden_layer_sizes=(10,), max_iter=500, random_state=0).fit(x, y)
    whole = to_onnx(classifier, x[:1].astype(np.float32), options={"zipmap": False}, target_opset=21)
    _write("skl_mlp_classifier", whole, None)
    path = os.path.join(HERE, "skl_mlp_classifier", "model.onnx")
    probabilities = onnx.utils.Extractor(onnx.load(path)).extract_model(["X"], ["probabilities"])
    _write("skl_mlp_classifier_probabilities", probabilities, {"X": x[::5].astype(np.float32)})

    logistic = LogisticRegression(max_iter=500).fit(x, y)
    _write("skl_logistic_regression", to_onnx(logistic, x[:1].astype(np.float32), options={"zipmap": False}, target_opset=21), None)


def activations() -> None:
    """The operators the importer builds from several engine operators, on values of both signs."""
    slope = (RNG.random(5) * 0.5).astype(np.float32)
    nodes = [
        helper.make_node("LeakyRelu", ["x"], ["leaky"], alpha=0.1),
        helper.make_node("PRelu", ["x", "slope"], ["prelu"]),
        helper.make_node("Elu", ["x"], ["elu"], alpha=0.7),
        helper.make_node("Selu", ["x"], ["selu"]),
        helper.make_node("Celu", ["x"], ["celu"], alpha=1.5),
        helper.make_node("HardSigmoid", ["x"], ["hard_sigmoid"], alpha=0.3, beta=0.4),
        helper.make_node("HardSwish", ["x"], ["hard_swish"]),
        helper.make_node("Softsign", ["x"], ["softsign"]),
        helper.make_node("Reciprocal", ["x"], ["reciprocal"]),
        helper.make_node("Sum", ["leaky", "elu", "selu"], ["sum"]),
        helper.make_node("Mean", ["celu", "softsign"], ["mean"]),
        helper.make_node("Less", ["x", "slope"], ["less"]),
        helper.make_node("LessOrEqual", ["hard_sigmoid", "slope"], ["less_or_equal"]),
    ]
    outputs = ["prelu", "hard_swish", "reciprocal", "sum", "mean"]
    graph = helper.make_graph(
        nodes, "activations",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 5])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, ["N", 5]) for o in outputs]
        + [helper.make_tensor_value_info(o, TensorProto.BOOL, ["N", 5]) for o in ("less", "less_or_equal")],
        [_init("slope", slope)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_onnx_fixtures")
    x = (RNG.standard_normal((12, 5)) * 3).astype(np.float32)
    _write("activations", model, {"x": x})


def squeeze_unsqueeze() -> None:
    """Unsqueeze and Squeeze as reshapes that keep the batch first: axes as constant inputs (operator set 13
    on) and as attributes (before 13)."""
    for opset in (17, 11):
        if opset >= 13:
            inits = [_init("at_1_3", np.array([1, 3], np.int64)), _init("at_3", np.array([3], np.int64))]
            nodes = [helper.make_node("Unsqueeze", ["x", "at_1_3"], ["wide"]),
                     helper.make_node("Squeeze", ["wide", "at_3"], ["narrower"])]
        else:
            inits = []
            nodes = [helper.make_node("Unsqueeze", ["x"], ["wide"], axes=[1, 3]),
                     helper.make_node("Squeeze", ["wide"], ["narrower"], axes=[3])]
        nodes += [helper.make_node("Relu", ["narrower"], ["positive"]), helper.make_node("Squeeze", ["positive"], ["y"])]
        graph = helper.make_graph(
            nodes, f"squeeze_unsqueeze_{opset}",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
            [helper.make_tensor_value_info("narrower", TensorProto.FLOAT, ["N", 1, 3]),
             helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
            inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_onnx_fixtures")
        model.ir_version = 8
        _write(f"squeeze_unsqueeze_{opset}", model, {"x": RNG.standard_normal((5, 3)).astype(np.float32)})


def normalization() -> None:
    """LayerNormalization over the last axis, and ReduceMean with its axes as an attribute (operator set 17)
    and as a constant input (18)."""
    scale = (RNG.random(6) + 0.5).astype(np.float32)
    bias = RNG.standard_normal(6).astype(np.float32)
    for opset in (17, 18):
        mean = (helper.make_node("ReduceMean", ["x"], ["mean"], axes=[-1], keepdims=0) if opset < 18
                else helper.make_node("ReduceMean", ["x", "last"], ["mean"], keepdims=0))
        nodes = [helper.make_node("LayerNormalization", ["x", "scale", "bias"], ["normalized"], epsilon=1e-3), mean]
        graph = helper.make_graph(
            nodes, f"normalization_{opset}",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6])],
            [helper.make_tensor_value_info("normalized", TensorProto.FLOAT, ["N", 6]),
             helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["N"])],
            [_init("scale", scale), _init("bias", bias)] + ([_init("last", np.array([-1], np.int64))] if opset >= 18 else []),
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_onnx_fixtures")
        model.ir_version = 8
        _write(f"normalization_{opset}", model, {"x": (RNG.standard_normal((7, 6)) * 4 + 1).astype(np.float32)})


if __name__ == "__main__":
    gemm_mlp()
    operator_mix()
    old_opsets()
    sklearn_models()
    activations()
    squeeze_unsqueeze()
    normalization()
