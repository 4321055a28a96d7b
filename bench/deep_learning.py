"""Deep-learning models on the CPU, side by side at the same thread count: PyTorch eager
(inference_mode), ONNX Runtime (CPU provider) on the model PyTorch's exporter writes, and
mle_runtime on the .mle file the ONNX importer makes of that export, called from Python.

- ResNet-18 and MobileNetV3-Small (torchvision, random weights) on 1×3×224×224;
- a TransformerEncoder (d_model 128, 4 heads, 2 layers, seq 128) at batch 1 and 16;
- an LSTM (seq 64, input 128, hidden 256) at batch 1 and 32;
- an MLP 784-512-256-10 at batch 1 and 256.

Each cell is the median of timed calls after two seconds of warm-up calls (a served model runs
warm; the JVM compiles the kernels' loops after their first calls), the engines taking turns in
five rounds so that a shared machine's noisy moments hit all of them alike; the table gives milliseconds per call
and mle_runtime's time over ONNX Runtime's and over PyTorch's (below 1 is faster). Writes the table
to bench/results/deep_learning_<threads>t.md.

    python bench/deep_learning.py              # 1 thread
    python bench/deep_learning.py --threads 2
    python bench/deep_learning.py --quick      # fewer timed calls
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def networks(torch):
    import torchvision

    nn = torch.nn
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, dropout=0.0, batch_first=True)

    class Recurrent(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(128, 256, batch_first=True)

        def forward(self, x):
            return self.lstm(x)[0]

    return [
        ("ResNet-18", torchvision.models.resnet18(weights=None), [(1, 3, 224, 224)], {0: "batch"}),
        ("MobileNetV3-Small", torchvision.models.mobilenet_v3_small(weights=None), [(1, 3, 224, 224)], {0: "batch"}),
        ("TransformerEncoder", nn.TransformerEncoder(layer, 2, enable_nested_tensor=False), [(1, 128, 128), (16, 128, 128)], {0: "batch"}),
        ("LSTM", Recurrent(), [(1, 64, 128), (32, 64, 128)], {0: "batch"}),
        ("MLP", nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)), [(1, 784), (256, 784)],
         {0: "batch"}),
    ]


def median_ms(calls: list, repeat: int) -> list[float]:
    """The median milliseconds of each call. Served models run warm (the JVM compiles a kernel's
    loops after their first calls), so each is called for two seconds first (at most 200 calls, at
    least 5). The timed calls then come in five rounds of a block per engine, so that a noisy moment
    of a shared machine weighs on every engine alike; each block starts with an untimed call, as an
    engine's worker threads may still spin for a while after its own last call and would take a
    core from the next engine's first one."""
    for call in calls:
        start = time.perf_counter()
        for done in range(200):
            call()
            if done >= 4 and time.perf_counter() - start > 2:
                break
    times: list[list[float]] = [[] for _ in calls]
    rounds = 5
    for _ in range(rounds):
        for call, kept in zip(calls, times):
            call()
            for _ in range(max(1, repeat // rounds)):
                start = time.perf_counter()
                call()
                kept.append(time.perf_counter() - start)
    return [statistics.median(kept) * 1e3 for kept in times]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import onnxruntime as ort
    import torch

    import mle_runtime

    torch.set_num_threads(args.threads)
    repeat = 10 if args.quick else 40
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, model, shapes, dynamic in networks(torch):
            model.eval()
            example = torch.randn(2, *shapes[0][1:])
            program = torch.onnx.export(model, (example,), dynamo=True, verbose=False,
                                        dynamic_shapes=({k: torch.export.Dim(v) for k, v in dynamic.items()},))
            proto = program.model_proto
            path = os.path.join(workdir, name + ".mle")
            onnx_path = os.path.join(workdir, name + ".onnx")
            with open(onnx_path, "wb") as f:
                f.write(proto.SerializeToString())
            # A serving process loads files and does not convert them; converting here would leave the
            # JVM's type profiles of its memory accesses shaped by the importer's work (about 15 % slower
            # runs measured), so the .mle file is made by a process of its own.
            subprocess.run([sys.executable, "-c", "import sys, mle_runtime; mle_runtime.export_model(sys.argv[1], sys.argv[2])",
                            onnx_path, path], check=True)
            options = ort.SessionOptions()
            options.intra_op_num_threads = args.threads
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
            input_name = proto.graph.input[0].name
            # The exporter leaves many Python objects behind; the collector walking them during timed
            # calls would weigh on every engine, so they are collected and set aside first.
            gc.collect()
            gc.freeze()
            with mle_runtime.load_model(path, threads=args.threads) as loaded:
                for shape in shapes:
                    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
                    tx = torch.from_numpy(x)
                    with torch.inference_mode():
                        t_torch, t_ort, t_mle = median_ms([lambda: model(tx), lambda: session.run(None, {input_name: x}),
                                                           lambda: loaded.run({input_name: x})], repeat)
                    rows.append((name, "×".join(map(str, shape)), t_torch, t_ort, t_mle))
                    print(f"{name:20s} {rows[-1][1]:>14s}  torch {t_torch:9.2f} ms  ort {t_ort:9.2f} ms  mle {t_mle:9.2f} ms", flush=True)
    lines = [f"Deep learning, {args.threads} thread(s), ms per call (median), mle_runtime from Python", "",
             "| model | input | PyTorch eager | ONNX Runtime | mle_runtime | mle / ORT | mle / PyTorch |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, shape, t_torch, t_ort, t_mle in rows:
        lines.append(f"| {name} | {shape} | {t_torch:.2f} | {t_ort:.2f} | {t_mle:.2f} | {t_mle / t_ort:.2f} | {t_mle / t_torch:.2f} |")
    table = "\n".join(lines)
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"deep_learning_{args.threads}t.md").write_text(table + "\n")


if __name__ == "__main__":
    sys.exit(main())
