"""An MLPClassifier and KNeighborsClassifier exported to .mle against scikit-learn's own predict:
one-row latency from Python and 10 000-row throughput, measured in this one run on the same data
with one thread on both sides. Prints a table (and writes it to bench/results/sklearn_models.md).

    python bench/sklearn_models.py
    python bench/sklearn_models.py --quick
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits
from mlebench.report import fmt_time, fmt_timing
from mlebench.timing import Budget, measure

import mle_runtime


def models():
    yield "MLPClassifier (64-64 relu)", lambda: MLPClassifier(hidden_layer_sizes=(64, 64), max_iter=50, random_state=0)
    yield "KNeighborsClassifier (k=5, KD tree)", lambda: KNeighborsClassifier(5, algorithm="kd_tree")
    yield "KNeighborsClassifier (k=5, brute)", lambda: KNeighborsClassifier(5, algorithm="brute")


def datasets():
    X, y = load_digits(return_X_y=True)
    yield "digits 1797×64", X / 16.0, y
    X, y = make_classification(n_samples=5000, n_features=10, n_informative=6, random_state=0)
    yield "synthetic 5000×10", X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    budget = Budget(warmup=0.2, sample=0.5) if args.quick else Budget(warmup=1.0, sample=2.0)
    workdir = tempfile.mkdtemp(prefix="mle-bench-")
    info = mle_runtime.engine_info()
    lines = [
        f"# scikit-learn MLP and k-NN — {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"Java {info['java_version']} ({info['kernels']} kernels); one thread on every side.",
        "",
        "| model | data | 1 row .mle | 1 row scikit-learn | 1-row speed-up | 10k rows .mle | 10k rows scikit-learn | throughput ratio "
        "| max abs diff | labels equal |",
        "|" + "---|" * 10,
    ]
    print("\n".join(lines[:3]))
    with threadpool_limits(1):
        for data_name, X, y in datasets():
            big = np.ascontiguousarray(np.tile(X, (10_000 // len(X) + 1, 1))[:10_000])
            one = X[:1]
            for name, factory in models():
                model = factory().fit(X, y)
                path = os.path.join(workdir, "model.mle")
                mle_runtime.export_model(model, path)
                loaded = mle_runtime.load_model(path, threads=1)
                row_mle = measure(lambda: loaded.predict_proba(one), budget, min_samples=200)
                row_native = measure(lambda: model.predict_proba(one), budget, min_samples=200)
                batch_mle = measure(lambda: loaded.predict_proba(big), budget)
                batch_native = measure(lambda: model.predict_proba(big), budget)
                diff = float(np.max(np.abs(loaded.predict_proba(big) - model.predict_proba(big))))
                equal = bool(np.array_equal(loaded.predict(big), model.predict(big)))
                row = (f"| {name} | {data_name} | {fmt_time(row_mle.median)} | {fmt_time(row_native.median)} "
                       f"| {row_native.median / row_mle.median:.1f}× | {fmt_timing(batch_mle)} | {fmt_timing(batch_native)} "
                       f"| {batch_native.median / batch_mle.median:.2f}× | {diff:.1e} | {equal} |")
                print(row, flush=True)
                lines.append(row)
                loaded.close()
    lines += ["", "Speed-up and throughput ratio are scikit-learn's time ÷ the .mle model's (higher is better)."]
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "sklearn_models.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
