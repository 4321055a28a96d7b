"""Compression, quantization, signatures and encryption from Python: every combination on a linear
model, a random forest and a perceptron; tampering, wrong and missing keys, truncated files and
lying sizes; key files; option errors; the quantization report; the `mle` console script."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import mle_runtime
import numpy as np
import pytest
from mle_runtime import DecryptionError, FormatError, InputError, SignatureError
from mle_runtime.ir import BATCH, GraphBuilder
from mle_runtime.options import export_options
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

COMPRESSIONS = (None, "lz4", "zstd", "brotli")
QUANTIZATIONS = (None, "fp16", "int8")
# The largest change of a probability each quantization may cause on these models.
TOLERANCE = {None: 0.0, "fp16": 5e-3, "int8": 6e-2}


@pytest.fixture(scope="module")
def keys():
    private, public = mle_runtime.generate_signing_key()
    return {"private": private, "public": public, "aes": mle_runtime.generate_encryption_key()}


@pytest.fixture(scope="module")
def wine(datasets):
    X, y = datasets["wine"]
    return X, y


@pytest.fixture(scope="module")
def fitted(wine):
    X, y = wine
    return {
        "linear": make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y),
        "forest": RandomForestClassifier(n_estimators=15, max_depth=6, random_state=0).fit(X, y),
        "mlp": make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=0)).fit(X, y),
    }


def mlp_builder(pipeline) -> GraphBuilder:
    """scikit-learn's MLPClassifier (which has no converter) as Scaler, Gemm, Relu, Gemm, Softmax."""
    scaler, mlp = pipeline[0], pipeline[-1]
    b = GraphBuilder()
    x = b.add_input("input", "float64", (BATCH, scaler.n_features_in_))
    mean, scale = b.add_constant("mean", scaler.mean_), b.add_constant("scale", scaler.scale_)
    h = b.add_node("Scaler", [x.name, mean, scale], b.unique_name("scaled"), mode="sub_div")
    for i, (weights, bias) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        w, c = b.add_constant(f"w{i}", weights.T), b.add_constant(f"b{i}", bias)
        h = b.add_node("Gemm", [h, w, c], b.unique_name(f"z{i}"), transB=1)
        if i < len(mlp.coefs_) - 1:
            h = b.add_node("Relu", [h], b.unique_name(f"a{i}"))
    b.add_node("Softmax", [h], "probabilities")
    b.add_output("probabilities", "float64", (BATCH, len(mlp.classes_)))
    b.bind("predict_proba", ["probabilities"])
    return b


def export(name, model, path, **options):
    """Exports one of the three models with `options`; returns the export report."""
    if name != "mlp":
        return mle_runtime.export_model(model, path, **options)
    java = export_options(options.get("compression"), options.get("compression_level"), options.get("quantize"),
                          options.get("calibration"), options.get("signing_key"), options.get("encryption_key"))
    import json

    return json.loads(mlp_builder(model).write(path, java))


def test_the_perceptron_graph_is_scikit_learns(fitted, wine, tmp_path):
    X, _ = wine
    export("mlp", fitted["mlp"], tmp_path / "mlp.mle")
    np.testing.assert_allclose(mle_runtime.load_model(tmp_path / "mlp.mle").predict_proba(X), fitted["mlp"].predict_proba(X),
                               rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def unmodified(fitted, wine, tmp_path_factory):
    X, _ = wine
    out = {}
    for name, model in fitted.items():
        path = tmp_path_factory.mktemp("plain") / f"{name}.mle"
        export(name, model, path)
        out[name] = mle_runtime.load_model(path).run(X)["probabilities"]
    return out


@pytest.mark.parametrize("name,compression,quantize,signed,encrypted",
                         list(itertools.product(("linear", "forest", "mlp"), COMPRESSIONS, QUANTIZATIONS, (False, True), (False, True))))
def test_every_combination_round_trips(name, compression, quantize, signed, encrypted, fitted, wine, keys, unmodified, tmp_path):
    X, _ = wine
    path = tmp_path / "m.mle"
    report = export(name, fitted[name], path, compression=compression, quantize=quantize,
                    calibration=X if quantize else None,
                    signing_key=keys["private"] if signed else None, encryption_key=keys["aes"] if encrypted else None)
    loaded = mle_runtime.load_model(path, verify_key=keys["public"] if signed else None,
                                    decryption_key=keys["aes"] if encrypted else None)
    probabilities = loaded.run(X)["probabilities"]
    change = float(np.max(np.abs(probabilities - unmodified[name])))
    if quantize is None:
        np.testing.assert_array_equal(probabilities, unmodified[name])
        assert report["quantization"] is None
    else:
        assert change <= TOLERANCE[quantize], change
        measured = next(o for o in report["quantization"]["outputs"] if o["output"] == "probabilities")
        assert measured["max_abs_change"] == pytest.approx(change, rel=1e-12, abs=1e-15), "the report measures the calibration rows"
    info = mle_runtime.inspect(path, decryption_key=keys["aes"] if encrypted else None)
    assert (info["signature_key_id"] is not None) == signed
    assert (info["encryption_key_id"] is not None) == encrypted
    assert info["quantized"] == (quantize is not None)
    assert report["file_size"] == os.path.getsize(path)


@pytest.fixture(scope="module")
def signed_file(fitted, keys, tmp_path_factory):
    path = tmp_path_factory.mktemp("signed") / "linear.mle"
    export("linear", fitted["linear"], path, signing_key=keys["private"])
    return path


def flipped(data: bytes, position: int) -> bytes:
    b = bytearray(data)
    b[position] ^= 0x5A
    return bytes(b)


def test_every_single_flipped_byte_of_a_signed_file_is_a_signature_error(signed_file, keys, tmp_path):
    data = signed_file.read_bytes()
    bad = tmp_path / "bad.mle"
    for position in range(len(data)):
        bad.write_bytes(flipped(data, position))
        with pytest.raises(SignatureError):
            mle_runtime.load_model(bad, verify_key=keys["public"])


def test_sampled_flipped_bytes_of_a_large_signed_file_are_signature_errors(wine, keys, tmp_path):
    X, y = wine
    forest = RandomForestClassifier(n_estimators=300, random_state=1).fit(np.tile(X, (4, 1)) + np.random.default_rng(0).normal(size=(4 * len(X), X.shape[1])),
                                                                          np.tile(y, 4))
    path = tmp_path / "large.mle"
    mle_runtime.export_model(forest, path, signing_key=keys["private"])
    data = path.read_bytes()
    assert len(data) > 500_000
    rng = np.random.default_rng(3)
    positions = list(range(64)) + list(range(len(data) - 256, len(data))) + rng.integers(0, len(data), 300).tolist()
    bad = tmp_path / "bad.mle"
    for position in positions:
        bad.write_bytes(flipped(data, position))
        with pytest.raises(SignatureError):
            mle_runtime.load_model(bad, verify_key=keys["public"])


def test_signatures_need_the_right_key_and_can_be_required(signed_file, fitted, keys, tmp_path):
    _, other = mle_runtime.generate_signing_key()
    with pytest.raises(SignatureError, match="signed with key id .* not by the given key"):
        mle_runtime.load_model(signed_file, verify_key=other)
    plain = tmp_path / "plain.mle"
    export("linear", fitted["linear"], plain)
    with pytest.raises(SignatureError, match="not signed"):
        mle_runtime.load_model(plain, verify_key=keys["public"])
    mle_runtime.load_model(plain, verify_key=keys["public"], require_signature=False)
    with pytest.raises(ValueError, match="needs verify_key"):
        mle_runtime.load_model(signed_file, require_signature=True)
    assert isinstance(SignatureError("x"), FormatError)
    mle_runtime.load_model(signed_file)


def test_encrypted_files_need_their_key_and_hide_their_content(fitted, wine, keys, tmp_path):
    X, _ = wine
    path = tmp_path / "secret.mle"
    export("forest", fitted["forest"], path, encryption_key=keys["aes"], compression="zstd")
    with pytest.raises(DecryptionError, match="encrypted \\(key id"):
        mle_runtime.load_model(path)
    with pytest.raises(DecryptionError, match="not with the given key"):
        mle_runtime.load_model(path, decryption_key=mle_runtime.generate_encryption_key())
    info = mle_runtime.inspect(path)
    assert info["metadata"] is None and info["graph"] is None and "decryption key" in info["content"]
    assert all(s["encrypted"] for s in info["sections"] if s["kind"] != "ENCRYPTION")
    assert b"RandomForestClassifier" not in path.read_bytes()
    np.testing.assert_array_equal(mle_runtime.load_model(path, decryption_key=keys["aes"]).predict(X), fitted["forest"].predict(X))


def test_truncated_files_are_refused(fitted, keys, tmp_path):
    path = tmp_path / "m.mle"
    export("forest", fitted["forest"], path, compression="brotli", signing_key=keys["private"], encryption_key=keys["aes"])
    data = path.read_bytes()
    short = tmp_path / "short.mle"
    for length in (0, 63, 64, len(data) // 3, len(data) - 1):
        short.write_bytes(data[:length])
        with pytest.raises(FormatError, match="truncated|shorter"):
            mle_runtime.load_model(short, decryption_key=keys["aes"])
        with pytest.raises(SignatureError):
            mle_runtime.load_model(short, verify_key=keys["public"], decryption_key=keys["aes"])


def resealed(data: bytes) -> bytes:
    """`data` with every section CRC, the table CRC and the header CRC recomputed (what a careful attacker does)."""
    import jpype

    crc32c = jpype.JClass("java.util.zip.CRC32C")

    def crc(chunk: bytes) -> int:
        c = crc32c()
        c.update(jpype.JArray(jpype.JByte)(chunk))
        return int(c.getValue())

    b = bytearray(data)
    table, count = int.from_bytes(b[16:24], "little"), int.from_bytes(b[24:28], "little")
    for i in range(count):
        entry = table + 48 * i
        offset, length = int.from_bytes(b[entry + 8:entry + 16], "little"), int.from_bytes(b[entry + 16:entry + 24], "little")
        b[entry + 32:entry + 36] = crc(bytes(b[offset:offset + length])).to_bytes(4, "little")
    b[28:32] = crc(bytes(b[table:table + 48 * count])).to_bytes(4, "little")
    b[60:64] = crc(bytes(b[0:60])).to_bytes(4, "little")
    return bytes(b)


def test_declared_sizes_beyond_their_bounds_are_refused(fitted, tmp_path):
    path = tmp_path / "m.mle"
    export("forest", fitted["forest"], path, compression="zstd")
    data = bytearray(path.read_bytes())
    table, count = int.from_bytes(data[16:24], "little"), int.from_bytes(data[24:28], "little")
    entries = [table + 48 * i for i in range(count)]
    tensor_data = next(e for e in entries if int.from_bytes(data[e:e + 4], "little") == 3)
    assert data[tensor_data + 4] & 0xF == 2, "the weights are zstd-compressed"
    bad = tmp_path / "bad.mle"
    for raw_length in (1 << 40, (1 << 63) - 1, int.from_bytes(data[tensor_data + 24:tensor_data + 32], "little") + 1):
        lying = bytearray(data)
        lying[tensor_data + 24:tensor_data + 32] = raw_length.to_bytes(8, "little")
        bad.write_bytes(resealed(bytes(lying)))
        with pytest.raises(FormatError, match="declares"):
            mle_runtime.load_model(bad)
    offset = int.from_bytes(data[tensor_data + 8:tensor_data + 16], "little")
    lying = bytearray(data)
    lying[offset + 16:offset + 20] = (1 << 31).to_bytes(4, "little")
    bad.write_bytes(resealed(bytes(lying)))
    with pytest.raises(FormatError, match="block 0 is stored in"):
        mle_runtime.load_model(bad)


def test_keys_are_taken_as_bytes_pem_text_or_files(fitted, wine, tmp_path):
    X, _ = wine
    subprocess.run([sys.executable, "-m", "mle_runtime.cli", "keygen", "--out", str(tmp_path / "keys")], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "mle_runtime.cli", "keygen", "--aes", "--out", str(tmp_path / "keys")], check=True, capture_output=True)
    path = tmp_path / "m.mle"
    export("linear", fitted["linear"], path, signing_key=tmp_path / "keys" / "priv.pem", encryption_key=str(tmp_path / "keys" / "aes.key"))
    public_pem = (tmp_path / "keys" / "pub.pem").read_text()
    for verify_key in (tmp_path / "keys" / "pub.pem", public_pem, public_pem.encode()):
        model = mle_runtime.load_model(path, verify_key=verify_key, decryption_key=tmp_path / "keys" / "aes.key")
        np.testing.assert_array_equal(model.predict(X), fitted["linear"].predict(X))
    with pytest.raises(ValueError, match="32 bytes"):
        mle_runtime.export_model(fitted["linear"], tmp_path / "x.mle", encryption_key=b"short")
    with pytest.raises(ValueError, match="PRIVATE KEY"):
        mle_runtime.export_model(fitted["linear"], tmp_path / "x.mle", signing_key=public_pem)
    with pytest.raises(FileNotFoundError, match="signing key file not found"):
        mle_runtime.export_model(fitted["linear"], tmp_path / "x.mle", signing_key=tmp_path / "nope.pem")
    with pytest.raises(TypeError, match="signing key must be bytes"):
        mle_runtime.export_model(fitted["linear"], tmp_path / "x.mle", signing_key=42)
    assert not (tmp_path / "x.mle").exists()


def test_bad_options_are_refused_before_any_work(fitted, wine, tmp_path):
    X, _ = wine
    model = fitted["linear"]
    target = tmp_path / "x.mle"
    with pytest.raises(ValueError, match="compression must be one of"):
        mle_runtime.export_model(model, target, compression="gzip")
    with pytest.raises(ValueError, match="zstd compression_level must be an integer from 1 to 22"):
        mle_runtime.export_model(model, target, compression="zstd", compression_level=30)
    with pytest.raises(ValueError, match="compression_level needs"):
        mle_runtime.export_model(model, target, compression_level=3)
    with pytest.raises(ValueError, match="quantize must be one of"):
        mle_runtime.export_model(model, target, quantize="int4")
    with pytest.raises(ValueError, match="calibration is only used with quantize"):
        mle_runtime.export_model(model, target, calibration=X)
    with pytest.raises(InputError, match="calibration rows must have shape"):
        mle_runtime.export_model(model, target, quantize="int8", calibration=X[:, :3])
    assert not target.exists()


def test_quantization_reports_and_never_moves_a_threshold_that_would_change_a_decision(wine, tmp_path):
    X, y = wine
    boosted = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)
    report = mle_runtime.export_model(boosted, tmp_path / "hgb.mle", quantize="fp16", calibration=X)["quantization"]
    decisions = report["thresholds"]
    assert decisions and all(not d["quantized"] and "would change the decision" in d["reason"] for d in decisions)
    labels = mle_runtime.load_model(tmp_path / "hgb.mle").predict(X)
    assert np.mean(labels == boosted.predict(X)) > 0.97
    label = next(o for o in report["outputs"] if o["output"] == "label")
    assert label["changed"] == int(np.sum(labels != boosted.predict(X)))
    assert report["weight_bytes_after"] < report["weight_bytes_before"]
    rounded = np.round(X)
    integer_features = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(rounded, y)
    moved = mle_runtime.export_model(integer_features, tmp_path / "int.mle", quantize="int8", calibration=rounded)["quantization"]
    assert all(d["quantized"] for d in moved["thresholds"]), moved["thresholds"]


def test_the_recorded_input_ranges_calibrate_later_quantizations(fitted, wine, tmp_path):
    X, _ = wine
    path = tmp_path / "m.mle"
    mle_runtime.export_model(fitted["forest"], path, quantize="fp16", calibration=X)
    properties = mle_runtime.load_model(path).metadata["properties"]
    assert np.allclose([float(v) for v in properties["input_min"].split(",")], X.min(axis=0))
    result = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "quantize", str(path), str(tmp_path / "q.mle")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "input ranges recorded in the file" in result.stdout


def test_the_console_script_runs_the_java_command_line(signed_file, keys, tmp_path):
    (tmp_path / "pub.raw").write_bytes(keys["public"])
    ok = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "verify", str(signed_file), "--key", str(tmp_path / "pub.raw")],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "OK, signed by key id" in ok.stdout, ok.stderr
    assert "WARNING" not in ok.stderr
    inspect = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "inspect", str(signed_file)], capture_output=True, text=True)
    assert inspect.returncode == 0 and "SECTION" in inspect.stdout and "SIGNATURE" in inspect.stdout
    failed = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "verify", str(tmp_path / "nope.mle")], capture_output=True, text=True)
    # The launcher echoes JAVA_TOOL_OPTIONS when the environment sets it; the error is the one line after.
    error = "".join(line for line in failed.stderr.splitlines(keepends=True) if not line.startswith("Picked up "))
    assert failed.returncode == 1 and error.count("\n") == 1 and error.startswith("error: ")
    script = os.path.join(os.path.dirname(sys.executable), "mle")
    assert os.path.exists(script), "pip installs the mle console script"
