"""Tree ensembles against what users would run instead: joblib + scikit-learn, and XGBoost,
LightGBM and CatBoost's own predict. Prints one table (and writes it to bench/results/trees.md):
file size, load time in a warm process, one-row latency from Python and 10 000-row throughput,
all measured in this one run on the same data, with the same thread count on both sides.

    python bench/trees.py            # 100-tree forest, 500-tree LightGBM / XGBoost / CatBoost
    python bench/trees.py --quick    # smaller models, fewer repetitions
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

import joblib
import numpy as np
from sklearn.datasets import load_breast_cancer, make_classification

import mle_runtime


def timed(fn, repeat: int, warmup_seconds: float) -> tuple[float, float]:
    """(median, spread between the 10th and 90th percentile) of seconds per call, after a warm-up."""
    deadline = time.perf_counter() + warmup_seconds
    while time.perf_counter() < deadline:
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))] - samples[int(0.1 * (len(samples) - 1))]


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def models(quick: bool, threads: int):
    import catboost
    import lightgbm
    import xgboost
    from sklearn.ensemble import RandomForestClassifier

    n_trees = 100 if quick else 500
    yield "RandomForest (100 trees)", lambda: RandomForestClassifier(n_estimators=30 if quick else 100, n_jobs=threads, random_state=0)
    yield f"LightGBM ({n_trees} trees, 63 leaves)", lambda: lightgbm.LGBMClassifier(
        n_estimators=n_trees, num_leaves=63, n_jobs=threads, verbose=-1)
    yield f"XGBoost ({n_trees} trees, depth 6)", lambda: xgboost.XGBClassifier(n_estimators=n_trees, max_depth=6, n_jobs=threads)
    yield f"CatBoost ({n_trees} trees, depth 6)", lambda: catboost.CatBoostClassifier(
        iterations=n_trees, depth=6, thread_count=threads, verbose=0, random_seed=0, allow_writing_files=False)


def datasets(quick: bool):
    X, y = make_classification(n_samples=5000 if quick else 20000, n_features=30, n_informative=15, random_state=0)
    yield "synthetic 20000×30" if not quick else "synthetic 5000×30", X, y
    Xb, yb = load_breast_cancer(return_X_y=True)
    yield "breast_cancer", Xb, yb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller models and fewer repetitions")
    parser.add_argument("--threads", type=int, default=1, help="threads for every predictor (default 1)")
    args = parser.parse_args()
    warmup = 0.3 if args.quick else 1.0
    repeat = 5 if args.quick else 15
    workdir = tempfile.mkdtemp(prefix="mle-bench-")
    info = mle_runtime.engine_info()
    lines = [
        f"# Tree ensembles — {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"Java {info['java_version']} ({info['kernels']} kernels); {args.threads} thread(s) on every side.",
        "",
        "| model | data | .mle size | joblib size | size ratio | load .mle | load .mle (deferred CRC) | joblib.load | load speed-up "
        "| 1 row .mle | 1 row native | 1-row ratio | 10k rows .mle | 10k rows native | throughput ratio | max abs diff | labels equal |",
        "|" + "---|" * 17,
    ]
    print("\n".join(lines[:3]))
    for data_name, X, y in datasets(args.quick):
        big = np.ascontiguousarray(np.tile(X, (10_000 // len(X) + 1, 1))[:10_000])
        one = X[:1]
        for name, factory in models(args.quick, args.threads):
            model = factory().fit(X, y)
            mle_path = os.path.join(workdir, "model.mle")
            joblib_path = os.path.join(workdir, "model.joblib")
            mle_runtime.export_model(model, mle_path)
            joblib.dump(model, joblib_path)
            loaded = mle_runtime.load_model(mle_path, threads=args.threads)
            opened = []
            load_mle, _ = timed(lambda: opened.append(mle_runtime.load_model(mle_path, threads=args.threads)), repeat * 4, warmup)
            load_deferred, _ = timed(lambda: opened.append(mle_runtime.load_model(mle_path, defer_checksum=True)), repeat * 4, warmup)
            for m in opened:
                m.close()
            load_joblib, _ = timed(lambda: joblib.load(joblib_path), repeat, warmup)
            row_mle, _ = timed(lambda: loaded.predict_proba(one), repeat * 40, warmup)
            row_native, _ = timed(lambda: model.predict_proba(one), repeat * 10, warmup)
            batch_mle, spread_mle = timed(lambda: loaded.predict_proba(big), repeat, warmup)
            batch_native, spread_native = timed(lambda: model.predict_proba(big), repeat, warmup)
            diff = float(np.max(np.abs(loaded.predict_proba(big) - model.predict_proba(big))))
            equal = bool(np.array_equal(loaded.predict(big), np.ravel(model.predict(big))))
            size_mle, size_joblib = os.path.getsize(mle_path), os.path.getsize(joblib_path)
            row = (
                f"| {name} | {data_name} | {size_mle / 1e6:.2f} MB | {size_joblib / 1e6:.2f} MB | {size_mle / size_joblib:.2f} "
                f"| {fmt(load_mle)} | {fmt(load_deferred)} | {fmt(load_joblib)} | {load_joblib / load_mle:.0f}× "
                f"| {fmt(row_mle)} | {fmt(row_native)} | {row_mle / row_native:.2f} "
                f"| {fmt(batch_mle)} ±{fmt(spread_mle / 2)} | {fmt(batch_native)} ±{fmt(spread_native / 2)} | {batch_native / batch_mle:.2f}× "
                f"| {diff:.1e} | {equal} |"
            )
            print(row, flush=True)
            lines.append(row)
            loaded.close()
    lines += ["", "Ratios: size and one-row latency are .mle ÷ native (lower is better); load speed-up and throughput ratio are "
              "native ÷ .mle time (higher is better). 'native' is joblib + scikit-learn for the forest and each framework's own "
              "predict_proba for the boosters."]
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "trees.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
