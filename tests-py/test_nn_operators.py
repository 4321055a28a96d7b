"""The engine's neural-network operators against ONNX Runtime: one ONNX node built with onnx.helper
and the same node in an engine graph, run on the same random float32 inputs; outputs must agree
to float32 rounding (1e-5 relative to the output's magnitude)."""

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

import mle_runtime
from mle_runtime.ir import GraphBuilder


def _run_both(tmp_path, op, x, constants, attrs, outputs, opset=17):
    """Runs node `op` over input x and the named constants (in order; None for an input left out)."""
    names = [k if v is not None else "" for k, v in constants.items()]
    while names and names[-1] == "":
        names.pop()
    node = helper.make_node(op, ["x", *names], outputs, **attrs)
    types = {np.dtype(np.int32): TensorProto.INT32, np.dtype(np.int64): TensorProto.INT64, np.dtype(np.float32): TensorProto.FLOAT}
    inits = [helper.make_tensor(k, types[v.dtype], v.shape, v.flatten()) for k, v in constants.items() if v is not None]
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    expected = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    b = GraphBuilder()
    b.add_input("x", "float32", list(x.shape))
    mapped = {k: b.add_constant(k, v) for k, v in constants.items() if v is not None}
    b.add_node(op, ["x", *[mapped.get(n, "") for n in names]], outputs, **attrs)
    for name, value in zip(outputs, expected, strict=True):
        b.add_output(name, "float32", list(value.shape))
    b.bind("predict", outputs)
    path = tmp_path / "node.mle"
    b.write(path)
    with mle_runtime.load_model(path) as m:
        got = m.run({"x": x})
    for name, value in zip(outputs, expected, strict=True):
        scale = max(1.0, float(np.abs(value).max()))
        assert got[name].shape == value.shape, name
        assert np.abs(got[name] - value).max() / scale < 1e-5, name


RNG = np.random.default_rng(15)


def _normal(*shape, scale=1.0):
    return (RNG.normal(size=shape) * scale).astype(np.float32)


@pytest.mark.parametrize("op, extras", [(op, extras) for op in ["LSTM", "GRU", "RNN"] for extras in ["plain", "lengths_and_initial_state"]]
                         + [("GRU", "linear_before_reset")])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_recurrent_layers(tmp_path, op, direction, extras):
    seq, batch, inputs, hidden = 6, 3, 4, 5
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
    dirs = 2 if direction == "bidirectional" else 1
    constants = {"W": _normal(dirs, gates * hidden, inputs), "R": _normal(dirs, gates * hidden, hidden, scale=0.5),
                 "B": _normal(dirs, 2 * gates * hidden)}
    attrs = {"hidden_size": hidden, "direction": direction}
    if extras == "lengths_and_initial_state":
        constants["sequence_lens"] = np.array([6, 2, 4], dtype=np.int32)
        constants["initial_h"] = _normal(dirs, batch, hidden)
        if op == "LSTM":
            constants["initial_c"] = _normal(dirs, batch, hidden)
    if extras == "linear_before_reset":
        attrs["linear_before_reset"] = 1
    outputs = ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else [])
    _run_both(tmp_path, op, _normal(seq, batch, inputs), constants, attrs, outputs, opset=14)


@pytest.mark.parametrize("case", [
    dict(x=(2, 3, 11, 9), w=(4, 3, 3, 3), attrs=dict(pads=[1, 1, 1, 1])),
    dict(x=(1, 6, 10, 10), w=(6, 1, 3, 3), attrs=dict(group=6, strides=[2, 2], pads=[1, 0, 1, 0])),
    dict(x=(2, 4, 7, 8), w=(6, 2, 2, 3), attrs=dict(group=2, dilations=[2, 1], pads=[1, 1, 0, 1])),
    dict(x=(2, 4, 7, 8), w=(6, 4, 2, 3), attrs=dict(strides=[2, 3], auto_pad="SAME_UPPER")),
    dict(x=(2, 5, 7, 7), w=(8, 5, 1, 1), attrs={}),
    dict(x=(3, 2, 17), w=(4, 2, 5), attrs=dict(strides=[2], auto_pad="SAME_LOWER")),
    dict(x=(1, 2, 4, 5, 6), w=(3, 2, 2, 3, 2), attrs=dict(pads=[1, 0, 1, 0, 1, 1])),
    # Depthwise (one input channel per group): stride 1 with padding, two maps per channel with
    # dilation, a window wider than the padded row, one spatial axis, and three.
    dict(x=(2, 8, 12, 13), w=(8, 1, 3, 3), attrs=dict(group=8, pads=[1, 1, 1, 1])),
    dict(x=(1, 3, 9, 11), w=(6, 1, 3, 3), attrs=dict(group=3, dilations=[2, 2], pads=[2, 1, 2, 3], strides=[1, 2])),
    dict(x=(1, 2, 3, 4), w=(2, 1, 5, 5), attrs=dict(group=2, pads=[2, 2, 2, 2])),
    dict(x=(2, 4, 20), w=(4, 1, 7), attrs=dict(group=4, pads=[3, 3])),
    dict(x=(1, 2, 4, 5, 6), w=(2, 1, 2, 3, 3), attrs=dict(group=2, pads=[1, 1, 1, 0, 1, 1], strides=[1, 1, 2])),
])
def test_convolutions(tmp_path, case):
    constants = {"W": _normal(*case["w"]), "B": _normal(case["w"][0])}
    _run_both(tmp_path, "Conv", _normal(*case["x"]), constants, case["attrs"], ["y"])


@pytest.mark.parametrize("op, attrs", [
    ("MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
    ("MaxPool", dict(kernel_shape=[2, 3], strides=[2, 2], ceil_mode=1)),
    ("AveragePool", dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)),
    ("AveragePool", dict(kernel_shape=[3, 2], strides=[2, 1], pads=[1, 0, 1, 1])),
    ("GlobalAveragePool", {}),
    ("GlobalMaxPool", {}),
])
def test_pooling(tmp_path, op, attrs):
    _run_both(tmp_path, op, _normal(2, 3, 9, 8), {}, attrs, ["y"])


def test_normalisations(tmp_path):
    _run_both(tmp_path, "BatchNormalization", _normal(2, 4, 3, 3),
              {"scale": _normal(4), "B": _normal(4), "mean": _normal(4), "var": np.abs(_normal(4)) + 0.1}, dict(epsilon=1e-3), ["y"])
    _run_both(tmp_path, "LayerNormalization", _normal(2, 5, 8), {"scale": _normal(8), "B": _normal(8)}, dict(axis=-1), ["y"])
    _run_both(tmp_path, "LayerNormalization", _normal(2, 5, 8), {"scale": _normal(5, 8)}, dict(axis=1), ["y"])


@pytest.mark.parametrize("op, attrs", [("Gelu", {}), ("Gelu", dict(approximate="tanh")), ("Erf", {}), ("HardSwish", {}),
                                       ("Softplus", {}), ("Elu", dict(alpha=0.7)), ("Selu", {}), ("LeakyRelu", dict(alpha=0.2)),
                                       ("HardSigmoid", {}), ("Softmax", dict(axis=1)), ("LogSoftmax", dict(axis=2))])
def test_activations(tmp_path, op, attrs):
    _run_both(tmp_path, op, _normal(2, 3, 4, scale=3), {}, attrs, ["y"], opset=20)


@pytest.mark.parametrize("case", [
    dict(x=(1, 3, 4, 5), w=(3, 2, 3, 3), attrs=dict(strides=[2, 2])),
    dict(x=(2, 4, 3, 3), w=(4, 1, 2, 2), attrs=dict(group=2, strides=[2, 1], pads=[0, 1, 1, 0], output_padding=[1, 0])),
    dict(x=(1, 2, 5), w=(2, 3, 4), attrs=dict(dilations=[2], strides=[3])),
    dict(x=(1, 2, 3, 3), w=(2, 2, 3, 3), attrs=dict(strides=[2, 2], output_shape=[6, 6])),
])
def test_transposed_convolutions(tmp_path, case):
    groups = case["attrs"].get("group", 1)
    constants = {"W": _normal(*case["w"]), "B": _normal(case["w"][1] * groups)}
    _run_both(tmp_path, "ConvTranspose", _normal(*case["x"]), constants, case["attrs"], ["y"])


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
def test_padding(tmp_path, mode):
    pads = np.array([0, 1, 2, 0, 2, 1], dtype=np.int64)
    _run_both(tmp_path, "Pad", _normal(2, 4, 5), {"pads": pads, "value": np.array(1.5, dtype=np.float32)}, dict(mode=mode), ["y"], opset=19)


def test_triangles(tmp_path):
    for upper, k in [(1, 0), (0, 1), (1, -2)]:
        _run_both(tmp_path, "Trilu", _normal(2, 4, 5), {"k": np.array(k, dtype=np.int64)}, dict(upper=upper), ["y"], opset=14)


@pytest.mark.parametrize("attrs, scales", [
    (dict(mode="nearest"), [1, 1, 2, 3]),
    (dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"), [1, 1, 0.5, 2.5]),
    (dict(mode="linear"), [1, 1, 2, 1.5]),
    (dict(mode="linear", coordinate_transformation_mode="align_corners"), [1, 1, 1.6, 2]),
    (dict(mode="linear", coordinate_transformation_mode="pytorch_half_pixel"), [1, 1, 0.6, 2]),
])
def test_resizing(tmp_path, attrs, scales):
    constants = {"roi": None, "scales": np.array(scales, dtype=np.float32)}
    _run_both(tmp_path, "Resize", _normal(1, 2, 5, 4), constants, attrs, ["y"], opset=13)


@pytest.mark.parametrize("equation, second", [("bqhd,bkhd->bhqk", (2, 6, 3, 4)), ("ij,jk", (5, 6)), ("bij,bjk->bik", (2, 5, 3))])
def test_einsum(tmp_path, equation, second):
    first = {"bqhd,bkhd->bhqk": (2, 5, 3, 4), "ij,jk": (3, 5), "bij,bjk->bik": (2, 4, 5)}[equation]
    _run_both(tmp_path, "Einsum", _normal(*first), {"b": _normal(*second)}, dict(equation=equation), ["y"], opset=12)


def test_batch_norm_and_activation_fold_into_the_convolution(tmp_path):
    x = _normal(2, 3, 8, 8)
    w, b = _normal(4, 3, 3, 3), _normal(4)
    scale, shift, mean, var = _normal(4), _normal(4), _normal(4), np.abs(_normal(4)) + 0.5
    low, high = np.array(0, np.float32), np.array(6, np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["n"], epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["r"]),
             helper.make_node("Conv", ["r", "w2"], ["c2"]),
             helper.make_node("Clip", ["c2", "low", "high"], ["y"])]
    w2 = _normal(2, 4, 1, 1)
    tensors = {"w": w, "b": b, "scale": scale, "shift": shift, "mean": mean, "var": var, "w2": w2, "low": low, "high": high}
    inits = [helper.make_tensor(k, TensorProto.FLOAT, v.shape, v.flatten()) for k, v in tensors.items()]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    expected = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    builder = GraphBuilder()
    builder.add_input("x", "float32", list(x.shape))
    names = {k: builder.add_constant(k, v) for k, v in tensors.items()}
    builder.add_node("Conv", ["x", names["w"], names["b"]], "c", pads=[1, 1, 1, 1])
    builder.add_node("BatchNormalization", ["c", *(names[k] for k in ["scale", "shift", "mean", "var"])], "n", epsilon=1e-3)
    builder.add_node("Relu", ["n"], "r")
    builder.add_node("Conv", ["r", names["w2"]], "c2")
    builder.add_node("Clip", ["c2", names["low"], names["high"]], "y")
    builder.add_output("y", "float32", list(expected.shape))
    builder.bind("predict", ["y"])
    builder.write(tmp_path / "cnn.mle")
    with mle_runtime.load_model(tmp_path / "cnn.mle") as m:
        runs = [line for line in m.summary().splitlines() if line.startswith("runs")]
        assert runs and runs[0].split()[1:] == ["Conv", "×2"], "BatchNormalization, Relu and Clip fold into the convolutions"
        got = m.predict(x)
    assert np.abs(got - expected).max() / max(1.0, float(np.abs(expected).max())) < 1e-5


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Min", "Max"])
@pytest.mark.parametrize("shapes", [((2, 5, 6, 7), (2, 5, 1, 1)), ((2, 5, 6, 7), (2, 1, 1, 1)), ((3, 4, 5), (3, 4, 1)),
                                    ((2, 5, 6, 7), (1, 5, 1, 1)), ((2, 3, 4), (3, 1))])
def test_broadcast_over_trailing_axes(tmp_path, op, shapes):
    """One operand of the output's shape, the other its leading axes then 1s (a per-channel scale),
    either way round, and broadcasts that are not of that form."""
    full, other = shapes
    _run_both(tmp_path, op, _normal(*full) + 2, {"y": _normal(*other) + 3}, {}, ["z"])
    node = helper.make_node(op, ["y", "x"], ["z"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, full)],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, None)],
                              [helper.make_tensor("y", TensorProto.FLOAT, other, (_normal(*other) + 3).flatten())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    x = _normal(*full) + 2
    expected = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    path = tmp_path / "reversed.mle"
    mle_runtime.export_model(model, path)
    with mle_runtime.load_model(path) as m:
        got = m.run({"x": x})["z"]
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
