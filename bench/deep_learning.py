"""Deep-learning models on the CPU, side by side at one thread count: PyTorch eager
(inference_mode), ONNX Runtime (CPU provider) on the model PyTorch's exporter writes, and
mle_runtime on the .mle file the ONNX importer makes of that export, called from Python and from
Java (bench/java/DeepLearningTiming.java, a JVM of its own with no Python in it).

Models (random weights), each at batch 1 and at a serving batch:

- ResNet-18 and MobileNetV3-Small (torchvision) on 3×224×224 images, batch 8 and 16;
- a TransformerEncoder (d_model 128, 4 heads, 2 layers) on 128 tokens, batch 16;
- a GPT-style decoder (token and position embeddings, 2 causal self-attention blocks of d_model 128
  and 4 heads, a 1000-word vocabulary head) on 128 int64 token ids, batch 16;
- an LSTM (input 128, hidden 256) on 64 steps, batch 32;
- an MLP 784-512-256-10, batch 256.

Figures, each engine taking turns with the others in five rounds so that a shared machine's noisy
moments weigh on all of them alike, after two seconds and at least half as many calls as are timed
of warm-up each (a served model runs warm; the JVM compiles the kernels' loops after their first
calls):

- batch 1: latency p50 and p99 of at least 200 calls and two seconds per engine;
- the serving batch: throughput in samples per second, from the median of at least 10 calls and
  three seconds per engine;
- file sizes: torch.save of the state dict, the .onnx file, the .mle file and its fp16 and int8
  quantized versions;
- load time (warm process, file in the page cache, median of ten): torch.load + the model's
  construction + load_state_dict; ONNX Runtime's InferenceSession; mle_runtime.load_model (no
  background warm-up), with the weights' checksum verified before it returns and with it verified
  in the background (defer_checksum=True), and, in Java, MleModel.open, each with its session built;
- the goals: throughput ≥ PyTorch eager's and ≥ 0.8× ONNX Runtime's, batch-1 p50 ≤ PyTorch
  eager's, and for ResNet-18 a load 20× faster than ONNX Runtime's session creation; judged on
  mle_runtime from Python, with Java's figure beside it.

Prints the tables and writes them to bench/results/deep_learning_<threads>t.md.

    python bench/deep_learning.py                  # 1 thread, about 10 minutes on 2 cores
    python bench/deep_learning.py --threads 2
    python bench/deep_learning.py --quick          # a smoke run: short warm-ups, few calls
    python bench/deep_learning.py --models resnet18,gpt
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
from mlebench.jvm import find_jdk
from mlebench.report import fmt_bytes, fmt_time, table
from mlebench.timing import summarise

import mle_runtime
from mle_runtime import _jvm

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
JAVA_SOURCE = ROOT / "bench" / "java" / "DeepLearningTiming.java"
ROUNDS = 5
ENGINES = ("PyTorch eager", "ONNX Runtime", "mle_runtime (Python)", "mle_runtime (Java)")
QUANTIZATIONS = ("fp16", "int8")
LOAD_GOAL_MODEL = "ResNet-18"

# A serving process loads files and does not convert them; converting in it would leave the JVM's
# type profiles of its memory accesses shaped by the importer's work (about 15 % slower runs
# measured), so the .mle files are made by a process of their own.
CONVERT = """
import json, sys, mle_runtime
onnx_path, stem, *quantizations = sys.argv[1:]
sizes = {"float32": mle_runtime.export_model(onnx_path, stem + ".mle")["file_size"]}
for quantize in quantizations:
    try:
        sizes[quantize] = mle_runtime.export_model(onnx_path, f"{stem}-{quantize}.mle", quantize=quantize)["file_size"]
    except Exception as exc:
        sizes[quantize] = f"{type(exc).__name__}: {exc}"
print(json.dumps(sizes))
"""


@dataclass(frozen=True)
class Effort:
    """How long each figure is sampled: seconds of warm-up per engine, then at least so many calls
    and so many seconds per engine over all rounds; loads timed per way of loading."""

    warmup: float
    latency_calls: int
    latency_seconds: float
    batch_calls: int
    batch_seconds: float
    loads: int


FULL = Effort(warmup=2.0, latency_calls=200, latency_seconds=2.0, batch_calls=10, batch_seconds=3.0, loads=10)
QUICK = Effort(warmup=0.5, latency_calls=30, latency_seconds=0.3, batch_calls=3, batch_seconds=0.5, loads=3)


@dataclass(frozen=True)
class Network:
    key: str
    name: str
    build: Callable[[], Any]
    sample_shape: tuple[int, ...]
    batch: int
    # Token ids below this for a model that takes int64 tokens; None for float32 inputs.
    vocabulary: int | None = None

    def inputs(self, rows: int) -> np.ndarray:
        rng = np.random.default_rng(rows)
        shape = (rows, *self.sample_shape)
        if self.vocabulary is not None:
            return rng.integers(0, self.vocabulary, size=shape, dtype=np.int64)
        return rng.normal(size=shape).astype(np.float32)


@dataclass
class Measured:
    """Seconds per call at batch 1 and at the serving batch, one list per engine of ENGINES; seconds
    per load (torch.load and construction, ONNX Runtime's session, then mle_runtime from Python,
    from Python with the checksum deferred, and from Java); bytes per file, or why a quantized file could not be made."""

    network: Network
    latency: list[list[float]] = field(default_factory=list)
    batch_calls: list[list[float]] = field(default_factory=list)
    loads: list[list[float]] = field(default_factory=list)
    sizes: dict[str, Any] = field(default_factory=dict)


def networks(torch) -> list[Network]:
    import torchvision

    nn = torch.nn

    class Recurrent(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(128, 256, batch_first=True)

        def forward(self, x):
            return self.lstm(x)[0]

    class Decoder(nn.Module):
        """GPT-style: token and position embeddings, pre-norm causal self-attention blocks, a vocabulary head."""

        def __init__(self, vocabulary=1000, width=128, heads=4, layers=2, context=128):
            super().__init__()
            self.tokens = nn.Embedding(vocabulary, width)
            self.positions = nn.Embedding(context, width)
            block = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0.0, batch_first=True, norm_first=True)
            self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
            self.head = nn.Linear(width, vocabulary)

        def forward(self, idx):
            length = idx.shape[1]
            mask = nn.Transformer.generate_square_subsequent_mask(length)
            h = self.tokens(idx) + self.positions(torch.arange(length))
            return self.head(self.blocks(h, mask=mask, is_causal=True))

    def encoder():
        layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, dropout=0.0, batch_first=True)
        return nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def mlp():
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))

    return [
        Network("resnet18", "ResNet-18", lambda: torchvision.models.resnet18(weights=None), (3, 224, 224), 8),
        Network("mobilenet", "MobileNetV3-Small", lambda: torchvision.models.mobilenet_v3_small(weights=None), (3, 224, 224), 16),
        Network("transformer", "TransformerEncoder", encoder, (128, 128), 16),
        Network("gpt", "GPT decoder", Decoder, (128,), 16, vocabulary=1000),
        Network("lstm", "LSTM", Recurrent, (64, 128), 32),
        Network("mlp", "MLP", mlp, (784,), 256),
    ]


class PythonEngine:
    """An engine called in this process."""

    def __init__(self, call: Callable[[], Any]):
        self.call = call

    def warm(self, seconds: float, calls: int) -> None:
        end = time.perf_counter() + seconds
        done = 0
        while done < calls or time.perf_counter() < end:
            self.call()
            done += 1

    def block(self, calls: int, seconds: float) -> list[float]:
        # The engine that ran just before may still spin its worker threads on a core for a while.
        self.call()
        kept: list[float] = []
        end = time.perf_counter() + seconds
        while len(kept) < calls or time.perf_counter() < end:
            start = time.perf_counter()
            self.call()
            kept.append(time.perf_counter() - start)
        return kept


class JavaTiming:
    """DeepLearningTiming in a JVM of its own, serving one .mle file on the inputs given."""

    def __init__(self, classes: str, model: str, threads: int, inputs: list[np.ndarray]):
        feeds = []
        for i, x in enumerate(inputs):
            raw = f"{os.path.splitext(model)[0]}-input-{i}.bin"
            np.ascontiguousarray(x).tofile(raw)
            feeds.append("x".join(map(str, x.shape)) + "=" + raw)
        home = _jvm.resolve_java_home()
        classpath = os.pathsep.join([classes, *_jvm.engine_jars()])
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([os.path.join(home, "bin", "java"), *_jvm.jvm_options(home), "-cp", classpath,
                                         "DeepLearningTiming", model, str(threads), *feeds],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, text=True)
        self.answer()

    def answer(self, command: str | None = None) -> dict[str, Any]:
        if command is not None:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.errors.seek(0)
            raise RuntimeError(f"DeepLearningTiming stopped: {self.errors.read()}")
        return json.loads(line)

    def engine(self, index: int) -> JavaEngine:
        return JavaEngine(self, index)

    def warm_loads(self, seconds: float) -> None:
        self.answer(f"warm-load {seconds}")

    def load_seconds(self, repeats: int) -> list[float]:
        return [n / 1e9 for n in self.answer(f"load {repeats}")["nanos"]]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()
        self.errors.close()


@dataclass(frozen=True)
class JavaEngine:
    """The Java program's calls on one of its inputs, each timed inside the JVM."""

    timing: JavaTiming
    index: int

    def warm(self, seconds: float, calls: int) -> None:
        self.timing.answer(f"warm {self.index} {calls} {seconds}")

    def block(self, calls: int, seconds: float) -> list[float]:
        return [n / 1e9 for n in self.timing.answer(f"time {self.index} {calls} {seconds}")["nanos"]]


def sample(engines: list, warmup: float, calls: int, seconds: float) -> list[list[float]]:
    """Seconds per call of each engine, the engines taking turns in rounds of a block each, after
    `warmup` seconds and at least half as many calls as are timed of each: a fresh JVM runs its
    first calls interpreted, up to 40 times slower (the GPT decoder's first 25 calls took 3 s)."""
    for engine in engines:
        engine.warm(warmup, calls // 2)
    times: list[list[float]] = [[] for _ in engines]
    for _ in range(ROUNDS):
        for engine, kept in zip(engines, times):
            kept += engine.block(math.ceil(calls / ROUNDS), seconds / ROUNDS)
    return times


def sample_loads(loaders: list[Callable[[], Any]], java: JavaTiming, warmup: float, repeats: int) -> list[list[float]]:
    """Seconds of each way of loading, one load of each a round, after `warmup` seconds of untimed
    loads of each: a server that loads models does so in a warm process (a cold JVM's first loads are
    several times slower)."""
    def timed(load: Callable[[], Any]) -> float:
        start = time.perf_counter()
        loaded = load()
        elapsed = time.perf_counter() - start
        # mle_runtime's model unmaps its file on close(), outside the time as in Java; the others
        # free theirs when dropped.
        if hasattr(loaded, "close"):
            loaded.close()
        return elapsed

    for load in loaders:
        PythonEngine(lambda: timed(load)).warm(warmup, 2)
    java.warm_loads(warmup)
    times: list[list[float]] = [[] for _ in range(len(loaders) + 1)]
    for _ in range(repeats):
        for load, kept in zip(loaders, times):
            kept.append(timed(load))
        times[-1] += java.load_seconds(1)
    return times


def compile_java(workdir: str) -> str:
    """DeepLearningTiming's class, compiled by a JDK's javac: the runtime that serves Python may be a
    trimmed one without a compiler. It then runs on the same runtime as Python's engine."""
    classes = os.path.join(workdir, "classes")
    javac = os.path.join(find_jdk(ROOT), "bin", "javac")
    subprocess.run([javac, "-proc:none", "-cp", os.pathsep.join(_jvm.engine_jars()), "-d", classes, str(JAVA_SOURCE)], check=True)
    return classes


def measure(network: Network, torch, ort, threads: int, effort: Effort, classes: str, workdir: str) -> Measured:
    measured = Measured(network)
    torch.manual_seed(0)
    model = network.build().eval()
    example = torch.from_numpy(network.inputs(2))
    with warnings.catch_warnings():
        # torch.export's own deprecation notices, a screenful per model.
        warnings.simplefilter("ignore", FutureWarning)
        program = torch.onnx.export(model, (example,), dynamo=True, verbose=False, dynamic_shapes=({0: torch.export.Dim("batch")},))
    stem = os.path.join(workdir, network.key)
    onnx_path, state_path, mle_path = stem + ".onnx", stem + ".pt", stem + ".mle"
    with open(onnx_path, "wb") as f:
        f.write(program.model_proto.SerializeToString())
    input_name = program.model_proto.graph.input[0].name
    torch.save(model.state_dict(), state_path)
    converted = subprocess.run([sys.executable, "-c", CONVERT, onnx_path, stem, *QUANTIZATIONS], capture_output=True, text=True)
    if converted.returncode != 0:
        raise SystemExit(f"{network.name} could not be converted to .mle:\n{converted.stderr}")
    measured.sizes = {"state dict": os.path.getsize(state_path), "onnx": os.path.getsize(onnx_path),
                      **json.loads(converted.stdout.splitlines()[-1])}
    for quantize in QUANTIZATIONS:
        if isinstance(measured.sizes[quantize], str):
            print(f"  {network.name}: no {quantize} file: {measured.sizes[quantize]}", flush=True)

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1

    def ort_session():
        return ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])

    def torch_load():
        state = torch.load(state_path)
        rebuilt = network.build()
        rebuilt.load_state_dict(state)
        return rebuilt.eval()

    def mle_load():
        return mle_runtime.load_model(mle_path, threads=threads, warm_up=False)

    def mle_load_deferred():
        return mle_runtime.load_model(mle_path, threads=threads, warm_up=False, defer_checksum=True)

    session = ort_session()
    inputs = [network.inputs(1), network.inputs(network.batch)]
    java = JavaTiming(classes, mle_path, threads, inputs)
    # The exporter leaves many Python objects behind; the collector walking them during timed calls
    # would weigh on every engine, so they are collected and set aside first.
    gc.collect()
    gc.freeze()
    try:
        with mle_runtime.load_model(mle_path, threads=threads) as loaded, torch.inference_mode():
            for index, x in enumerate(inputs):
                tx = torch.from_numpy(x)
                engines = [PythonEngine(lambda: model(tx)), PythonEngine(lambda: session.run(None, {input_name: x})),
                           PythonEngine(lambda: loaded.run({input_name: x})), java.engine(index)]
                if index == 0:
                    measured.latency = sample(engines, effort.warmup, effort.latency_calls, effort.latency_seconds)
                else:
                    measured.batch_calls = sample(engines, effort.warmup, effort.batch_calls, effort.batch_seconds)
        measured.loads = sample_loads([torch_load, ort_session, mle_load, mle_load_deferred], java, effort.warmup, effort.loads)
    finally:
        java.close()
    print(f"{network.name}, ms per call at batch 1 / {network.batch}: " + ", ".join(
        f"{engine} {median(t) * 1e3:.2f} / {median(b) * 1e3:.2f}" for engine, t, b in zip(ENGINES, measured.latency, measured.batch_calls)),
        flush=True)
    return measured


def median(samples: list[float]) -> float:
    return summarise(samples).median


def throughput(m: Measured, engine: int) -> float:
    return m.network.batch / median(m.batch_calls[engine])


def fmt_samples_per_second(per_second: float) -> str:
    return f"{per_second:,.0f}" if per_second >= 100 else f"{per_second:.1f}"


def ratio_cell(python: float, java: float, goal: float) -> str:
    verdict = "met" if python >= goal else "**missed**"
    return f"{verdict} {python:.2f}× (Java {java:.2f}×)"


def report(results: list[Measured], threads: int, effort: Effort, quick: bool, load_average: tuple[float, float]) -> str:
    info = mle_runtime.engine_info()
    lines = [f"# Deep learning on the CPU, {threads} thread(s) — {time.strftime('%Y-%m-%d %H:%M')}", "",
             f"{os.cpu_count()} cores; load average {load_average[0]:.1f} at the start, {load_average[1]:.1f} at the end; "
             f"Java {info['java_version']} ({info['kernels']} kernels)" + ("; --quick: short warm-ups and few calls" if quick else ""), "",
             f"## Batch 1: latency p50 / p99 (at least {effort.latency_calls} calls)", ""]
    lines += table(["model", "input", *ENGINES, "mle (Python) p50 ÷ ORT's", "÷ PyTorch's"], [
        [m.network.name, "×".join(map(str, (1, *m.network.sample_shape))),
         *(f"{fmt_time(summarise(t).median)} / {fmt_time(summarise(t).p99)}" for t in m.latency),
         f"{median(m.latency[2]) / median(m.latency[1]):.2f}", f"{median(m.latency[2]) / median(m.latency[0]):.2f}"]
        for m in results])
    lines += ["", "Below 1 mle_runtime is faster."]
    lines += ["", "## Batch throughput: samples/s (median ms per call)", ""]
    lines += table(["model", "input", *ENGINES, "mle (Python) samples/s ÷ ORT's", "÷ PyTorch's"], [
        [m.network.name, "×".join(map(str, (m.network.batch, *m.network.sample_shape))),
         *(f"{fmt_samples_per_second(throughput(m, e))} ({fmt_time(median(m.batch_calls[e]))})" for e in range(len(ENGINES))),
         f"{throughput(m, 2) / throughput(m, 1):.2f}", f"{throughput(m, 2) / throughput(m, 0):.2f}"]
        for m in results])
    lines += ["", "Above 1 mle_runtime is faster."]
    lines += ["", "## File size", ""]
    lines += table(["model", "torch.save(state_dict)", ".onnx", ".mle", *(f".mle {q}" for q in QUANTIZATIONS)], [
        [m.network.name, *(fmt_bytes(size) if isinstance(size, int) else "—"
                           for size in (m.sizes[k] for k in ("state dict", "onnx", "float32", *QUANTIZATIONS)))]
        for m in results])
    lines += ["", "— : the exporter refused to quantize the model (the run prints why)."]
    lines += ["", f"## Load, session included (median of {effort.loads}, warm process, file in the page cache)", ""]
    lines += table(["model", "torch.load + construction + load_state_dict", "ONNX Runtime session", "mle_runtime (Python)",
                    "mle_runtime (Python, checksum deferred)", "mle_runtime (Java)", "ORT ÷ mle (Python)", "ORT ÷ mle (deferred)"], [
        [m.network.name, *(fmt_time(median(t)) for t in m.loads), f"{median(m.loads[1]) / median(m.loads[2]):.3g}×",
         f"{median(m.loads[1]) / median(m.loads[3]):.3g}×"]
        for m in results])
    lines += ["", "Deferred: load_model(defer_checksum=True) verifies the weights' CRC32C in the background; a mismatch fails the "
              "next call. Otherwise the whole file's checksum is verified before the model is returned."]
    lines += ["", "## Goals (mle_runtime from Python; Java in brackets)", ""]
    lines += table(["model", "throughput ≥ PyTorch", "throughput ≥ 0.8× ORT", "batch-1 p50 ≤ PyTorch",
                    f"load ≥ 20× faster than ORT ({LOAD_GOAL_MODEL})"], [
        [m.network.name,
         ratio_cell(throughput(m, 2) / throughput(m, 0), throughput(m, 3) / throughput(m, 0), 1.0),
         ratio_cell(throughput(m, 2) / throughput(m, 1), throughput(m, 3) / throughput(m, 1), 0.8),
         ratio_cell(median(m.latency[0]) / median(m.latency[2]), median(m.latency[0]) / median(m.latency[3]), 1.0),
         ratio_cell(median(m.loads[1]) / median(m.loads[2]), median(m.loads[1]) / median(m.loads[4]), 20.0)
         + f"; checksum deferred {median(m.loads[1]) / median(m.loads[3]):.2f}×"
         if m.network.name == LOAD_GOAL_MODEL else "—"]
        for m in results])
    lines += ["", "Ratios are PyTorch's or ONNX Runtime's time over mle_runtime's, or mle_runtime's throughput over theirs: "
              "above the goal is met."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="short warm-ups and few calls: a smoke run")
    parser.add_argument("--models", help="comma-separated keys: resnet18, mobilenet, transformer, gpt, lstm, mlp (default: all)")
    args = parser.parse_args()
    import onnxruntime as ort
    import torch

    torch.set_num_threads(args.threads)
    effort = QUICK if args.quick else FULL
    chosen = networks(torch)
    if args.models:
        wanted = {key.strip().lower() for key in args.models.split(",")}
        unknown = wanted - {n.key for n in chosen}
        if unknown:
            parser.error(f"unknown model(s) {', '.join(sorted(unknown))}; choose from {', '.join(n.key for n in chosen)}")
        chosen = [n for n in chosen if n.key in wanted]
    start_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as workdir:
        classes = compile_java(workdir)
        results = [measure(network, torch, ort, args.threads, effort, classes, workdir) for network in chosen]
    text = report(results, args.threads, effort, args.quick, (start_load, os.getloadavg()[0]))
    print()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"deep_learning_{args.threads}t.md").write_text(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
