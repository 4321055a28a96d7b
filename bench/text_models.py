"""TF-IDF (word 1- and 2-grams, 50 000 features) + LogisticRegression exported to .mle against
scikit-learn's own pipeline and ONNX Runtime (the same pipeline converted by skl2onnx): one document
from Python, and 10 000 documents in one call; then the peak memory of a fresh process scoring
10 000 documents with a 100 000-term vocabulary, next to what a dense row per document would take.
Documents are paragraphs of the docstrings and sources that ship with scikit-learn and Python.
Prints a table and writes it to bench/results/text_models.md.

    python bench/text_models.py
    python bench/text_models.py --quick
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils import all_estimators
from threadpoolctl import threadpool_limits
from mlebench.report import fmt_bytes, fmt_rate, fmt_time, fmt_timing
from mlebench.timing import Budget, measure

import mle_runtime

RESULTS = Path(__file__).resolve().parent / "results"


def paragraphs() -> list[str]:
    """Paragraphs of scikit-learn's estimator docstrings and of the standard library's sources."""
    found = []
    for _, estimator in all_estimators():
        found += [p for p in (inspect.getdoc(estimator) or "").split("\n\n") if len(p.strip()) > 40]
    stdlib = Path(os.__file__).parent
    for source in sorted(stdlib.glob("*.py"))[:150]:
        found += [p for p in source.read_text(errors="replace").split("\n\n") if len(p.strip()) > 40]
    return found


def labelled(documents: list[str]) -> np.ndarray:
    """Three classes a model can learn from the words: docstring, code, or comment-heavy code."""
    return np.array(["code" if "def " in d or "import " in d else "prose" if "#" not in d else "commented" for d in documents])


def onnx_session(model, workdir: str):
    """The pipeline through skl2onnx and ONNX Runtime, or the reason it cannot be run."""
    try:
        import onnxruntime
        from skl2onnx import to_onnx
        from skl2onnx.common.data_types import StringTensorType
    except ImportError as e:
        return None, f"not installed ({e.name})"
    try:
        onx = to_onnx(model, initial_types=[("input", StringTensorType([None, 1]))],
                      options={id(model[-1]): {"zipmap": False}, id(model[0]): {"tokenexp": r"\b\w\w+\b", "locale": "C.UTF-8"}}, target_opset=17)
        path = os.path.join(workdir, "text.onnx")
        with open(path, "wb") as f:
            f.write(onx.SerializeToString())
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"]), None
    except Exception as e:  # noqa: BLE001 - any failure to convert is reported in the table
        return None, f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"


# VmHWM, not getrusage: a child's ru_maxrss starts from its parent's peak, which exec keeps.
PEAK_SCRIPT = """
import re, sys
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
documents = open(sys.argv[2], encoding="utf-8").read().split("\\x1e")
if sys.argv[1] == "mle":
    import mle_runtime
    model = mle_runtime.load_model(sys.argv[3])
else:
    import joblib
    model = joblib.load(sys.argv[3])
model.predict_proba(documents[:10])
before = peak()
model.predict_proba(documents)
print(before, peak())
"""


def peak_memory(runtime: str, documents_path: str, model_path: str) -> tuple[int, int]:
    """Peak resident memory of a fresh process before and after scoring the documents."""
    out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, runtime, documents_path, model_path], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    args = parser.parse_args()
    budget = Budget(warmup=0.5, sample=1.0) if args.quick else Budget(warmup=2.0, sample=4.0)
    workdir = tempfile.mkdtemp(prefix="mle-bench-text-")
    corpus = paragraphs()
    labels = labelled(corpus)
    rng = np.random.default_rng(0)
    batch = [corpus[i] for i in rng.integers(0, len(corpus), 10_000)]
    one = [corpus[len(corpus) // 3]]
    info = mle_runtime.engine_info()
    lines = [f"# Text classification — {time.strftime('%Y-%m-%d %H:%M')}", "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
             f"Java {info['java_version']} ({info['kernels']} kernels). {len(corpus)} documents "
             f"(median {int(np.median([len(d) for d in corpus]))} characters) to fit; 10 000 drawn from them to score.", ""]
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), max_features=50_000, sublinear_tf=True),
                          LogisticRegression(max_iter=300)).fit(corpus, labels)
    path = os.path.join(workdir, "text.mle")
    mle_runtime.export_model(model, path)
    loaded = mle_runtime.load_model(path)
    single = mle_runtime.load_model(path, threads=1)
    ort, why_not = onnx_session(model, workdir)
    as_column = np.array(batch, dtype=object).reshape(-1, 1)
    one_column = np.array(one, dtype=object).reshape(-1, 1)
    agree = float(np.abs(loaded.predict_proba(batch) - model.predict_proba(batch)).max())
    rows = []
    with threadpool_limits(1):
        timings = {
            "scikit-learn": (measure(lambda: model.predict_proba(one), budget), measure(lambda: model.predict_proba(batch), budget)),
            ".mle, 1 thread": (measure(lambda: single.predict_proba(one), budget), measure(lambda: single.predict_proba(batch), budget)),
            f".mle, {os.cpu_count()} threads": (None, measure(lambda: loaded.predict_proba(batch), budget)),
        }
        if ort is not None:
            timings["ONNX Runtime, 1 thread"] = (measure(lambda: ort.run(None, {"input": one_column}), budget),
                                                 measure(lambda: ort.run(None, {"input": as_column}), budget))
            ort_diff = float(np.abs(ort.run(None, {"input": as_column})[1] - model.predict_proba(batch)).max())
    reference_one, reference_batch = timings["scikit-learn"]
    for name, (latency, throughput) in timings.items():
        rate = 10_000 / throughput.median
        rows.append(f"| {name} | {fmt_timing(latency) if latency else '—'} | "
                    f"{f'{reference_one.median / latency.median:.1f}×' if latency else '—'} | {fmt_time(throughput.median)} | "
                    f"{fmt_rate(rate, 'docs/s')} | {rate / (10_000 / reference_batch.median):.1f}× |")
    lines += ["| runtime | 1 document | speed-up | 10 000 documents | throughput | vs scikit-learn |", "|---|---|---|---|---|---|", *rows, "",
              f"Largest difference from scikit-learn's probabilities over the 10 000 documents: .mle {agree:.1e}"
              + (f", ONNX Runtime {ort_diff:.1e} (its tokenizer is not scikit-learn's)." if ort is not None else
                 f"; ONNX Runtime not run: {why_not}."), ""]
    print("\n".join(lines), flush=True)

    wide = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), max_features=100_000), LogisticRegression(max_iter=300)).fit(corpus, labels)
    vocabulary = len(wide[0].vocabulary_)
    wide_path = os.path.join(workdir, "wide.mle")
    mle_runtime.export_model(wide, wide_path)
    import joblib

    joblib.dump(wide, os.path.join(workdir, "wide.joblib"))
    documents_path = os.path.join(workdir, "documents.txt")
    with open(documents_path, "w", encoding="utf-8") as f:
        f.write("\x1e".join(d.replace("\x1e", " ") for d in batch))
    memory = []
    for runtime, model_path in (("scikit-learn", os.path.join(workdir, "wide.joblib")), (".mle", wide_path)):
        before, after = peak_memory("mle" if runtime == ".mle" else "sklearn", documents_path, model_path)
        memory.append(f"| {runtime} | {fmt_bytes(before)} | {fmt_bytes(after)} | {fmt_bytes(after - before)} |")
    memory_lines = [f"Peak memory of a fresh process scoring the 10 000 documents in one call, vocabulary of {vocabulary:,} terms "
                    f"(a dense float64 row per document would be {fmt_bytes(10_000 * vocabulary * 8)}):", "",
                    "| runtime | peak after loading | peak after scoring | scoring added |", "|---|---|---|---|", *memory, ""]
    print("\n".join(memory_lines))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "text_models.md").write_text("\n".join(lines + memory_lines))


if __name__ == "__main__":
    main()
