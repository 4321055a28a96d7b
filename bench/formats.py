"""File coding against the plain file and joblib: size, export time, load time and output change for
each compression codec and level, each quantization, and signing and encryption, on a random forest
and a perceptron. Prints one table per model (and writes them to bench/results/formats.md).

    python bench/formats.py            # 100-tree forest on 20 000×30, perceptron 30-512-512-2
    python bench/formats.py --quick    # smaller models, fewer repetitions, no Brotli 11
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time

import joblib
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.neural_network import MLPClassifier

import mle_runtime
from mle_runtime.ir import BATCH, GraphBuilder
from mle_runtime.options import export_options


def timed(fn, repeat: int, warmup_seconds: float) -> tuple[float, float]:
    """(median, best) seconds per call after calling `fn` for `warmup_seconds`, so that the JIT has
    compiled what it runs. On a shared machine the best is the steadier estimate of the work itself."""
    deadline = time.perf_counter() + warmup_seconds
    fn()
    while time.perf_counter() < deadline:
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} KB"


def perceptron_builder(mlp: MLPClassifier) -> GraphBuilder:
    """scikit-learn's MLPClassifier (relu, binary) as Gemm/Relu layers and a logistic head: it has no converter yet."""
    b = GraphBuilder()
    h = b.add_input("input", "float64", (BATCH, mlp.n_features_in_)).name
    for i, (weights, bias) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        w, c = b.add_constant(f"w{i}", weights.T), b.add_constant(f"b{i}", bias)
        h = b.add_node("Gemm", [h, w, c], b.unique_name(f"z{i}"), transB=1)
        if i < len(mlp.coefs_) - 1:
            h = b.add_node("Relu", [h], b.unique_name(f"a{i}"))
    b.add_node("Sigmoid", [h], "probability")
    b.add_output("probability", "float64", (BATCH, 1))
    b.bind("predict_proba", ["probability"])
    return b


def variants(quick: bool, keys: dict):
    """(name, export options) pairs: the plain file first."""
    yield "plain (memory-mapped)", {}
    for codec, levels in (("lz4", (1, 9)), ("zstd", (1, 3, 9, 19)), ("brotli", (1, 6, 9) if quick else (1, 6, 9, 11))):
        for level in levels:
            yield f"{codec} {level}", {"compression": codec, "compression_level": level}
    yield "fp16", {"quantize": "fp16"}
    yield "int8", {"quantize": "int8"}
    yield "int8 + zstd 3", {"quantize": "int8", "compression": "zstd", "compression_level": 3}
    yield "signed", {"signing_key": keys["private"]}
    yield "encrypted", {"encryption_key": keys["aes"]}
    yield "zstd 3 + signed + encrypted", {"compression": "zstd", "compression_level": 3, "signing_key": keys["private"],
                                          "encryption_key": keys["aes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller models, fewer repetitions, no Brotli 11")
    parser.add_argument("--threads", type=int, default=1, help="threads per prediction (default 1)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 15
    warmup = 0.5 if args.quick else 2.0
    X, y = make_classification(n_samples=5000 if args.quick else 20000, n_features=30, n_informative=15, random_state=0)
    sample = X[:1000]
    private, public = mle_runtime.generate_signing_key()
    keys = {"private": private, "public": public, "aes": mle_runtime.generate_encryption_key()}
    workdir = tempfile.mkdtemp(prefix="mle-formats-")
    info = mle_runtime.engine_info()
    lines = [
        f"# File coding — {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"Java {info['java_version']} ({info['kernels']} kernels). Load = `load_model` (open, verify, decode, "
        f"build the session) in a warm process, median and best of {repeat} after {warmup} s of warm-up; joblib.load likewise. Max change: largest absolute change of predict_proba on "
        f"{len(sample)} training rows against the plain file.",
    ]
    print("\n".join(lines), flush=True)
    fitted = {
        "RandomForest, 30 trees" if args.quick else "RandomForest, 100 trees":
            RandomForestClassifier(n_estimators=30 if args.quick else 100, random_state=0, n_jobs=-1).fit(X, y),
        "perceptron 30-128-128-1" if args.quick else "perceptron 30-512-512-1":
            MLPClassifier(hidden_layer_sizes=(128, 128) if args.quick else (512, 512), max_iter=5, random_state=0).fit(X, y),
    }
    for model_name, model in fitted.items():
        joblib_path = os.path.join(workdir, "model.joblib")
        joblib.dump(model, joblib_path)
        joblib_size = os.path.getsize(joblib_path)
        joblib_load, joblib_best = timed(lambda: joblib.load(joblib_path), repeat, warmup)
        joblib_z = os.path.join(workdir, "model-z.joblib")
        joblib.dump(model, joblib_z, compress=3)
        joblib_z_load, _ = timed(lambda: joblib.load(joblib_z), repeat, warmup)
        table = [
            "",
            f"## {model_name} (joblib {fmt_size(joblib_size)}, load {fmt_time(joblib_load)} (best {fmt_time(joblib_best)}); joblib compress=3 "
            f"{fmt_size(os.path.getsize(joblib_z))}, load {fmt_time(joblib_z_load)})",
            "",
            "| variant | size | ÷ plain | ÷ joblib | export | load | load (best) | joblib.load ÷ load | max change |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        print("\n".join(table), flush=True)
        baseline = None
        plain_size = None
        for name, options in variants(args.quick, keys):
            path = os.path.join(workdir, "model.mle")
            if "quantize" in options:
                options = dict(options, calibration=sample)
            start = time.perf_counter()
            if isinstance(model, MLPClassifier):
                java = export_options(options.get("compression"), options.get("compression_level"), options.get("quantize"),
                                      options.get("calibration"), options.get("signing_key"), options.get("encryption_key"))
                json.loads(perceptron_builder(model).write(path, java))
            else:
                mle_runtime.export_model(model, path, **options)
            export_seconds = time.perf_counter() - start
            load_keys = {"threads": args.threads}
            if "signing_key" in options:
                load_keys["verify_key"] = keys["public"]
            if "encryption_key" in options:
                load_keys["decryption_key"] = keys["aes"]
            def load_and_close():
                mle_runtime.load_model(path, **load_keys).close()

            load, best = timed(load_and_close, repeat, warmup)
            loaded = mle_runtime.load_model(path, **load_keys)
            proba = loaded.predict_proba(sample)
            loaded.close()
            size = os.path.getsize(path)
            if baseline is None:
                baseline, plain_size = proba, size
            change = float(np.max(np.abs(proba - baseline)))
            row = (f"| {name} | {fmt_size(size)} | {size / plain_size:.3f} | {size / joblib_size:.3f} | {fmt_time(export_seconds)} "
                   f"| {fmt_time(load)} | {fmt_time(best)} | {joblib_load / load:.1f}× | {change:.1e} |")
            print(row, flush=True)
            table.append(row)
        lines += table
    lines += ["", "÷ plain and ÷ joblib: file size over the plain .mle and over joblib's (lower is smaller). joblib.load ÷ load: "
              "how many times faster the .mle loads than joblib.load (higher is better). A plain file is used in place from the "
              "memory map; compressed and encrypted sections are decoded once at load, on every core."]
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "formats.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
