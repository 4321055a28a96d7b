"""What a hostile file or a careless caller cannot do to the process: files whose graph declares
inputs the SDK cannot pass, buffers shorter than the engine would read or write, models dropped
without close(), keys on a process's first call, malformed metadata, and Java exceptions of any
kind, each surfacing as one of the SDK's own errors. Whatever could crash or leak runs in a
subprocess of its own."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import types
import weakref
import zipfile

import mle_runtime
import numpy as np
import pytest
from mle_runtime import EngineError, FormatError, InputError, MleError, ModelError, _jvm
from mle_runtime.errors import engine_error_class, java_errors
from mle_runtime.model import Model
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from test_file_security import resealed

# DType codes of the file format (docs/FORMAT.md).
FLOAT16, INT8 = 7, 8
METADATA, GRAPH = 1, 2


def run_python(script: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """`script` in a fresh interpreter: its own JVM, and its own crash if it comes to that."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=timeout)


def _u32(data: bytes, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


def _field(data: bytes, table: int, index: int) -> int | None:
    """Where field `index` of the FlatBuffers table at `table` lies, None when it is absent."""
    vtable = table - struct.unpack_from("<i", data, table)[0]
    if 4 + 2 * index >= struct.unpack_from("<H", data, vtable)[0]:
        return None
    offset = struct.unpack_from("<H", data, vtable + 4 + 2 * index)[0]
    return table + offset if offset else None


def _tables(data: bytes, table: int, index: int) -> list[int]:
    """The tables of the vector in field `index` of the table at `table`."""
    field = _field(data, table, index)
    vector = field + _u32(data, field)
    return [vector + 4 + 4 * j + _u32(data, vector + 4 + 4 * j) for j in range(_u32(data, vector))]


def with_input_dtype(data: bytes, code: int) -> bytes:
    """An uncompressed, unencrypted file with every graph input declared as dtype `code`, in the
    graph and in the metadata's copy of the signature, CRCs recomputed: what a fuzzer writes."""
    b = bytearray(data)
    table, count = _u32(b, 16), _u32(b, 24)
    for i in range(count):
        entry = table + 48 * i
        kind, flags, offset = _u32(b, entry), _u32(b, entry + 4), struct.unpack_from("<Q", b, entry + 8)[0]
        if kind in (METADATA, GRAPH):
            assert flags & 0x1F == 0, "the section is stored as it is"
            root = offset + _u32(b, offset)
            # Graph.inputs is field 0, Metadata.inputs field 7; ValueInfo.dtype is field 1.
            for value_info in _tables(b, root, 0 if kind == GRAPH else 7):
                b[_field(b, value_info, 1)] = code
    return resealed(bytes(b))


@pytest.fixture(scope="module")
def rows():
    X = np.random.default_rng(0).normal(size=(300, 20))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(scope="module")
def forest_file(rows, tmp_path_factory):
    """A forest, whose tree kernels take any numeric input dtype, so only the dtype rules refuse a rewritten one."""
    X, y = rows
    path = tmp_path_factory.mktemp("hostile") / "forest.mle"
    mle_runtime.export_model(RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0).fit(X, y), path)
    return path


@pytest.mark.parametrize("code, dtype", [(FLOAT16, "float16"), (INT8, "int8")])
def test_a_file_declaring_an_input_the_sdk_cannot_pass_is_refused_at_load_even_for_a_huge_batch(code, dtype, forest_file, tmp_path):
    hostile = tmp_path / f"{dtype}.mle"
    hostile.write_bytes(with_input_dtype(forest_file.read_bytes(), code))
    done = run_python(f"""
        import numpy as np, mle_runtime
        try:
            model = mle_runtime.load_model({str(hostile)!r})
        except mle_runtime.MleError as exc:
            print(type(exc).__name__, exc)
        else:
            # One byte per value: read at two, the engine would run 40 MB past the array's end.
            model.predict(np.ones((2_000_000, 20), dtype=np.int8))
            print("loaded and ran")
        """)
    assert done.returncode == 0, done.stderr
    # The engine's reader refuses such a graph too (ModelError); the SDK's own rule is tested below.
    assert done.stdout.split()[0] in ("FormatError", "ModelError"), done.stdout
    assert f"input 'input' has dtype {dtype}" in done.stdout


def test_inputs_of_the_dtypes_the_sdk_passes_are_converted_to_them(forest_file, rows, tmp_path):
    X, _ = rows
    for code, dtype in ((3, np.int32), (5, np.bool_)):
        rewritten = tmp_path / f"{code}.mle"
        rewritten.write_bytes(with_input_dtype(forest_file.read_bytes(), code))
        with mle_runtime.load_model(rewritten) as model, mle_runtime.load_model(forest_file) as original:
            np.testing.assert_array_equal(model.predict(X), original.predict(X.astype(dtype)))


class _DescribedJavaModel:
    """Stands for the engine's model: a description, and whether it was closed."""

    def __init__(self, description: dict) -> None:
        self.description = description
        self.closed = 0

    def describe(self) -> str:
        return json.dumps(self.description)

    def close(self) -> None:
        self.closed += 1


def _description(inputs, outputs, properties=None) -> dict:
    values = lambda specs: [{"name": n, "dtype": d, "shape": [-1, 2]} for n, d in specs]  # noqa: E731
    return {"inputs": values(inputs), "outputs": values(outputs), "methods": {"transform": [outputs[0][0]]},
            "metadata": {"properties": properties or {}}}


@pytest.mark.parametrize("inputs, outputs, message", [
    ([("x", "float16")], [("y", "float64")], "the model's input 'x' has dtype float16, which the SDK cannot pass"),
    ([("x", "float64")], [("y", "int8")], "the model's output 'y' has dtype int8, which the SDK cannot pass"),
    ([("x", "float64")], [("y", "complex128")], "the model's output 'y' has dtype complex128"),
])
def test_the_sdk_refuses_inputs_and_outputs_it_cannot_pass_whatever_the_engine_lets_through(inputs, outputs, message):
    _jvm.bridge()
    java_model = _DescribedJavaModel(_description(inputs, outputs))
    with pytest.raises(FormatError, match=message):
        Model(java_model, "hostile.mle")
    assert java_model.closed == 1, "a model refused after the engine opened it is closed at once"


@pytest.mark.parametrize("value, message", [
    ("{not json", "property 'categories.colour' is not JSON"),
    ('"red"', "property 'categories.colour' must be a JSON list of category names"),
    ('["red", 3]', "property 'categories.colour' must be a JSON list of category names"),
])
def test_malformed_category_metadata_is_a_format_error(value, message, tmp_path):
    X = np.random.default_rng(1).normal(size=(20, 2))
    path = tmp_path / "scaler.mle"
    mle_runtime.export_model(StandardScaler().fit(X), path, properties={"categories.colour": value})
    with pytest.raises(FormatError, match=message):
        mle_runtime.load_model(path)
    mle_runtime.export_model(StandardScaler().fit(X), path, properties={"categories.colour": '["red", "green"]'})
    mle_runtime.load_model(path).close()


def test_the_bridge_refuses_buffers_shorter_than_it_reads_or_writes(rows, tmp_path):
    X, y = rows
    linear, strings = tmp_path / "linear.mle", tmp_path / "strings.mle"
    mle_runtime.export_model(LogisticRegression().fit(X, y), linear)
    words = np.array([["red"], ["green"], [None]], dtype=object)
    mle_runtime.export_model(OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(words), strings)
    # Each call names far more rows than its buffers hold: unchecked, the engine would read and
    # write tens of megabytes beyond them and the process would die.
    done = run_python(f"""
        import numpy as np, mle_runtime
        from jpype import JArray, JLong, JString
        from mle_runtime import _jvm
        from mle_runtime.errors import java_errors

        bridge = _jvm.bridge()
        longs, names = JArray(JLong), JArray(JString)
        x, out = np.zeros((4, 20)), np.zeros((4, 2))

        def attempt(what, call):
            try:
                with java_errors():
                    call()
                print(f"{{what}}: ran")
            except mle_runtime.MleError as exc:
                print(f"{{what}}: {{type(exc).__name__}} {{exc}}")

        linear = bridge.load({str(linear)!r}, False)
        output = next(o["name"] for o in mle_runtime.load_model({str(linear)!r}).outputs if o["dtype"] == "float64")
        attempt("input", lambda: linear.run(names(["input"]), longs([x.ctypes.data, x.nbytes]), 1_000_000,
                                            names([output]), longs([0, 0])))
        many = np.zeros((100_000, 20))
        attempt("output", lambda: linear.run(names(["input"]), longs([many.ctypes.data, many.nbytes]), 100_000,
                                             names([output]), longs([out.ctypes.data, out.nbytes])))
        attempt("addresses only", lambda: linear.run(names(["input"]), longs([x.ctypes.data]), 4,
                                                     names([output]), longs([out.ctypes.data])))
        attempt("negative rows", lambda: linear.run(names(["input"]), longs([x.ctypes.data, x.nbytes]), -1,
                                                    names([output]), longs([out.ctypes.data, out.nbytes])))
        attempt("fits", lambda: linear.run(names(["input"]), longs([x.ctypes.data, x.nbytes]), 4,
                                           names([output]), longs([out.ctypes.data, out.nbytes])))

        encoder = bridge.load({str(strings)!r}, False)
        mask, encoded = np.zeros(1, dtype=np.uint8), np.zeros((1_000_000, 3))
        text = np.frombuffer(b"red\\0" * 1_000_000, dtype=np.uint8)
        attempt("mask", lambda: encoder.run(names(["x0"]), longs([mask.ctypes.data, mask.nbytes]), longs([text.ctypes.data, text.nbytes]),
                                            1_000_000, names(["transformed"]), longs([encoded.ctypes.data, encoded.nbytes])))
        """)
    assert done.returncode == 0, done.stderr
    report = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert report["input"] == "InputError input 'input' needs 160000000 bytes (float64 [1000000, 20]); its buffer holds 640"
    assert report["output"] == "InputError output 'probabilities' needs 1600000 bytes (float64 [100000, 2]); its buffer holds 64"
    assert report["addresses only"].startswith("InputError names, buffers (an address and a length each)")
    assert report["negative rows"] == "InputError the number of rows must not be negative, got -1"
    assert report["fits"] == "ran"
    assert report["mask"] == "InputError input 'x0' has 1000000 values; its missing-value mask holds only 1 bytes"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process's mappings from /proc")
def test_dropping_a_model_without_closing_it_unmaps_its_file(tmp_path):
    path = tmp_path / "wide.mle"
    X = np.random.default_rng(2).normal(size=(2, 250_000))
    mle_runtime.export_model(StandardScaler().fit(X), path)
    assert path.stat().st_size > 3_000_000
    np.save(tmp_path / "row.npy", X[:1])
    # With the cyclic collector off, only reference counting can free the models.
    done = run_python(f"""
        import gc, json, numpy as np, mle_runtime
        gc.disable()
        path, row = {str(path)!r}, np.load({str(tmp_path / "row.npy")!r})

        def mapped():
            with open("/proc/self/maps") as maps:
                return sum(path in line for line in maps)

        def resident_mb():
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * 4096 / 2**20

        for i in range(300):
            model = mle_runtime.load_model(path)
            model.transform(row)
            del model
            if mapped():
                raise SystemExit(f"cycle {{i}}: the file is still mapped {{mapped()}} times")
            if i == 50:
                warm = resident_mb()
        print(json.dumps({{"warm": warm, "end": resident_mb()}}))
        """)
    assert done.returncode == 0, done.stderr
    resident = json.loads(done.stdout)
    # Leaked, 250 more mappings of the 4 MB file would be resident: a gigabyte.
    assert resident["end"] - resident["warm"] < 100, resident


def test_a_dropped_model_is_freed_by_reference_counting_and_its_methods_keep_it_alive(rows, forest_file):
    X, _ = rows
    import gc

    gc.disable()
    try:
        model = mle_runtime.load_model(forest_file)
        model.predict(X[:1])
        alive = weakref.ref(model)
        del model
        assert alive() is None, "the model is in a reference cycle"
        predict = mle_runtime.load_model(forest_file).predict
        assert isinstance(predict, types.MethodType) and predict.__name__ == "predict"
        np.testing.assert_array_equal(predict(X), mle_runtime.load_model(forest_file).predict(X))
    finally:
        gc.enable()


def test_close_is_idempotent_and_a_closed_model_refuses_to_run(rows, forest_file):
    X, _ = rows
    model = mle_runtime.load_model(forest_file)
    model.close()
    model.close()
    with pytest.raises(MleError, match="is closed"):
        model.predict(X)
    assert "closed" in repr(model)
    del model


def test_models_alive_at_exit_are_left_to_the_exit_and_never_call_a_stopped_jvm(forest_file):
    # The finalizers' own exit hook is registered before the JVM's, so it runs after the JVM has
    # stopped, and the models dropped by the hook registered between them are finalized in that gap.
    done = run_python(f"""
        import atexit, weakref
        import mle_runtime

        class Anything:
            pass

        anything = Anything()
        weakref.finalize(anything, print, "exit hooks ran")
        models = []
        atexit.register(models.clear)
        models.append(mle_runtime.load_model({str(forest_file)!r}))
        in_a_cycle = mle_runtime.load_model({str(forest_file)!r})
        in_a_cycle.itself = in_a_cycle
        kept = mle_runtime.load_model({str(forest_file)!r})
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "exit hooks ran\n"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr


@pytest.fixture(scope="module")
def key_files(rows, tmp_path_factory):
    X, y = rows
    directory = tmp_path_factory.mktemp("keys")
    private, public = mle_runtime.generate_signing_key()
    aes = mle_runtime.generate_encryption_key()
    model = LogisticRegression().fit(X, y)
    mle_runtime.export_model(model, directory / "signed.mle", signing_key=private)
    mle_runtime.export_model(model, directory / "encrypted.mle", encryption_key=aes)
    (directory / "public.key").write_bytes(public)
    (directory / "aes.key").write_bytes(aes)
    return directory


@pytest.mark.parametrize("call", [
    "mle_runtime.load_model(directory / 'signed.mle', verify_key=(directory / 'public.key').read_bytes())",
    "mle_runtime.load_model(directory / 'encrypted.mle', decryption_key=(directory / 'aes.key').read_bytes())",
    "mle_runtime.inspect(directory / 'signed.mle', verify_key=(directory / 'public.key').read_bytes())",
    "mle_runtime.inspect(directory / 'encrypted.mle', decryption_key=directory / 'aes.key')",
])
def test_keys_work_on_the_first_call_of_a_process(call, key_files):
    done = run_python(f"""
        import pathlib, mle_runtime
        directory = pathlib.Path({str(key_files)!r})
        result = {call}
        print(type(result).__name__ if isinstance(result, mle_runtime.Model) else isinstance(result, dict))
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("Model", "True")


def test_a_key_the_engine_cannot_read_is_a_value_error_before_the_file_is_opened(key_files):
    with pytest.raises(ValueError, match="32 bytes"):
        mle_runtime.load_model(key_files / "encrypted.mle", decryption_key=b"short")
    with pytest.raises(ValueError):
        mle_runtime.inspect(key_files / "signed.mle", verify_key=b"not a key")


def _throwing(name: str):
    import jpype

    calls = {
        "java.lang.NullPointerException": lambda: jpype.JClass("java.util.Objects").requireNonNull(None, "a null the engine missed"),
        "java.lang.ArithmeticException": lambda: jpype.JClass("java.lang.Math").floorDiv(jpype.JInt(1), jpype.JInt(0)),
        "java.lang.IndexOutOfBoundsException": lambda: jpype.JClass("java.util.ArrayList")().get(3),
        "java.lang.IllegalArgumentException": lambda: jpype.JClass("org.mleruntime.ir.DType").fromLabel("float128"),
        # The JVM refuses the array before allocating anything.
        "java.lang.OutOfMemoryError": lambda: jpype.JClass("java.lang.reflect.Array").newInstance(
            jpype.JClass("java.lang.Long").TYPE, jpype.JInt(2**31 - 1)),
    }
    return calls[name]


@pytest.mark.parametrize("java_class", [
    "java.lang.NullPointerException", "java.lang.ArithmeticException", "java.lang.IndexOutOfBoundsException",
    "java.lang.IllegalArgumentException", "java.lang.OutOfMemoryError",
])
def test_any_other_java_throwable_is_an_internal_engine_error_naming_its_class_and_message(java_class):
    _jvm.bridge()
    with pytest.raises(EngineError) as caught:
        with java_errors():
            _throwing(java_class)()
    prefix = f"internal error in the engine: {java_class}: "
    assert str(caught.value).startswith(prefix) and len(str(caught.value)) > len(prefix), str(caught.value)
    assert caught.value.java_class == java_class
    assert caught.value.__cause__ is not None, "the Java stack trace stays attached"


def _engine_throwables() -> dict[str, object]:
    """Every Throwable class in the engine's jars that can reach Python (the command line runs in a process of its own)."""
    import jpype

    loader = jpype.JClass("org.mleruntime.bridge.PythonBridge").class_.getClassLoader()
    throwable = jpype.JClass("java.lang.Throwable").class_
    found = {}
    for jar in _jvm.engine_jars():
        with zipfile.ZipFile(jar) as archive:
            for entry in archive.namelist():
                if entry.startswith("org/mleruntime/") and entry.endswith(".class") and not entry.startswith("org/mleruntime/cli/"):
                    name = entry[: -len(".class")].replace("/", ".")
                    java_class = jpype.java.lang.Class.forName(name, False, loader)
                    if throwable.isAssignableFrom(java_class):
                        found[name] = java_class
    return found


def test_every_engine_exception_maps_to_its_documented_error():
    _jvm.bridge()
    throwables = _engine_throwables()
    expected = {
        "org.mleruntime.MleException": EngineError,
        "org.mleruntime.CorruptFileException": FormatError,
        "org.mleruntime.UnsupportedVersionException": mle_runtime.VersionError,
        "org.mleruntime.SignatureException": mle_runtime.SignatureError,
        "org.mleruntime.DecryptionException": mle_runtime.DecryptionError,
        "org.mleruntime.InvalidInputException": InputError,
        "org.mleruntime.InvalidModelException": ModelError,
        "org.mleruntime.UnsupportedOperatorException": ModelError,
        "org.mleruntime.exporters.UnsupportedModelException": mle_runtime.UnsupportedModelError,
    }
    assert set(expected) <= set(throwables), sorted(set(expected) - set(throwables))
    unmapped = sorted(name for name, java_class in throwables.items() if engine_error_class(java_class) is None)
    assert not unmapped, f"engine exceptions that would reach Python as internal errors: {unmapped}"
    for name, python_class in expected.items():
        assert engine_error_class(throwables[name]) is python_class, name


def test_the_memory_a_file_may_take_has_a_limit_the_caller_can_set(tmp_path):
    from sklearn.neural_network import MLPClassifier

    X, y = np.random.default_rng(4).normal(size=(200, 64)), np.arange(200) % 3
    model = MLPClassifier(hidden_layer_sizes=(256,), max_iter=5).fit(X, y)
    path = tmp_path / "fp16.mle"
    mle_runtime.export_model(model, path, quantize="fp16")
    size = path.stat().st_size
    # The session derives float64 weights, four times the float16 ones: more than twice the file.
    with pytest.raises(mle_runtime.ModelError, match="memory limit"):
        mle_runtime.load_model(path, max_memory=2 * size)
    assert mle_runtime.load_model(path, max_memory=16 * size).predict(X[:3]).shape == (3,)
    with pytest.raises(ValueError, match="max_memory"):
        mle_runtime.load_model(path, max_memory=-1)
