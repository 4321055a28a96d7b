"""Scoring on Spark, local[2]: 1 000 000 rows × 30 features in Parquet, a 100-tree random forest and
a 500-tree LightGBM classifier, each scored to its probability of class 1 and summed:

- the I/O floor: reading the 30 columns and summing them in the JVM;
- MleTransformer: the engine inside Spark's JVM, in batches, the file mapped once;
- mapInPandas + the framework (scikit-learn or LightGBM, the model unpickled in each Python worker),
  what users run today;
- mapInPandas + mle_runtime (a JVM inside each Python worker through JPype).

Each path runs once after a warm-up on a slice; rows/s by wall time, and CPU-seconds of the whole
Spark process tree (the Spark JVM, its Python daemon and workers), the fair measure on a busy machine.
Then the executor's mappings of the model file after the transformer's tasks, and its memory.
Prints a table and writes it to bench/results/spark.md.

    python bench/spark.py
    python bench/spark.py --quick      # 100 000 rows
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

RESULTS = Path(__file__).resolve().parent / "results"
FEATURES = [f"f{i}" for i in range(30)]


def training_data(rows: int, seed: int = 0):
    from sklearn.datasets import make_classification

    return make_classification(n_samples=rows, n_features=30, n_informative=12, random_state=seed)


def write_parquet(path: str, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(1)
    X, _ = training_data(20_000)
    # Rows like the training rows: resampled training rows with a little noise.
    chunk = 100_000
    writer = None
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        block = X[rng.integers(0, len(X), n)] + rng.normal(0, 0.1, (n, 30))
        table = pa.table({f: block[:, j] for j, f in enumerate(FEATURES)})
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def models(workdir: str) -> dict[str, dict]:
    import lightgbm
    import mle_runtime
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    X, y = training_data(20_000)
    fitted = {
        # Next to nothing to compute per row: what is left is the cost of moving rows in and out.
        "logistic regression": LogisticRegression(max_iter=1000).fit(X, y),
        "forest (100 trees)": RandomForestClassifier(n_estimators=100, max_depth=12, n_jobs=2, random_state=0).fit(X, y),
        "LightGBM (500 trees)": lightgbm.LGBMClassifier(n_estimators=500, num_leaves=31, verbose=-1).fit(X, y),
    }
    out = {}
    for i, (name, model) in enumerate(fitted.items()):
        if hasattr(model, "n_jobs"):
            model.n_jobs = 1
        mle = os.path.join(workdir, f"model{i}.mle")
        pkl = os.path.join(workdir, f"model{i}.pkl")
        mle_runtime.export_model(model, mle)
        with open(pkl, "wb") as f:
            pickle.dump(model, f)
        out[name] = {"mle": mle, "pickle": pkl}
    return out


def spark_session():
    from mle_runtime import _jvm
    from mle_runtime.spark import jars
    from pyspark.sql import SparkSession

    home = _jvm.resolve_java_home()
    if not _jvm.has_vector_module(home):
        sys.exit(f"Spark's launcher adds the jdk.incubator.vector module, which {home} lacks: set JAVA_HOME to a full JDK 25")
    os.environ["JAVA_HOME"] = home
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("mle-bench")
               .config("spark.jars", ",".join(jars())).config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", "4g")
               # About 16 tasks over the file, so that the mapping count below means something.
               .config("spark.sql.files.maxPartitionBytes", str(16 << 20))
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def tree_cpu_seconds(pid: int) -> float:
    """CPU-seconds of a process and its live descendants (Python workers included)."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        for p in [root, *root.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        pass
    return total


def timed(jvm_pid: int, run) -> tuple[float, float, float]:
    cpu = tree_cpu_seconds(jvm_pid)
    start = time.perf_counter()
    value = run()
    wall = time.perf_counter() - start
    return wall, tree_cpu_seconds(jvm_pid) - cpu, value


def pandas_scorer(model_file: str, kind: str):
    """mapInPandas' function: the model loaded once per Python worker, probability of class 1."""

    def score(frames):
        import pandas as pd

        global _bench_model
        try:
            model = _bench_model
        except NameError:
            if kind == "mle":
                import mle_runtime

                model = mle_runtime.load_model(model_file, warm_up=False)
            else:
                with open(model_file, "rb") as f:
                    model = pickle.load(f)
            _bench_model = model
        for frame in frames:
            values = frame[FEATURES].to_numpy(dtype=np.float64)
            yield pd.DataFrame({"p": model.predict_proba(values)[:, 1]})

    return score


def run(rows: int) -> str:
    with tempfile.TemporaryDirectory(prefix="mle-spark-bench-") as workdir:
        return run_in(workdir, rows)


def run_in(workdir: str, rows: int) -> str:
    from pyspark.sql import functions as F
    from mle_runtime.spark import MleTransformer

    data = os.path.join(workdir, "rows.parquet")
    write_parquet(data, rows)
    files = models(workdir)
    spark = spark_session()
    jvm_pid = int(spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid())
    df = spark.read.parquet(data)
    tasks = df.rdd.getNumPartitions()
    warm = df.limit(20_000)

    def floor(frame):
        return frame.select(sum((F.col(f) for f in FEATURES), F.lit(0.0)).alias("s")).agg(F.sum("s")).first()[0]

    def transformer(model_file):
        def go(frame):
            scored = MleTransformer(model_path=model_file, method="predict_proba", output_col="proba", input_cols=FEATURES).transform(frame)
            return scored.agg(F.sum(F.col("proba")[1])).first()[0]
        return go

    def in_pandas(model_file, kind):
        def go(frame):
            return frame.mapInPandas(pandas_scorer(model_file, kind), "p double").agg(F.sum("p")).first()[0]
        return go

    lines = [f"# Scoring on Spark: {rows:,} rows × 30 features, local[2], {tasks} tasks", "",
             "| model | path | wall | rows/s | CPU-s (process tree) | vs I/O floor | sum of p(class 1) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    floor(warm)
    wall, cpu, _ = timed(jvm_pid, lambda: floor(df))
    floor_rate = rows / wall
    lines.append(f"| — | I/O floor: read 30 columns, sum in the JVM | {wall:.2f} s | {floor_rate:,.0f} | {cpu:.1f} | 100 % | — |")
    print(lines[-1], flush=True)
    mapping_note = []
    for name, paths in files.items():
        results = {}
        for label, go in [("MleTransformer (executor JVM, batches)", transformer(paths["mle"])),
                          ("mapInPandas + " + ("LightGBM" if "LightGBM" in name else "scikit-learn"), in_pandas(paths["pickle"], "pickle")),
                          ("mapInPandas + mle_runtime", in_pandas(paths["mle"], "mle"))]:
            go(warm)
            wall, cpu, value = timed(jvm_pid, lambda: go(df))
            results[label] = rows / wall
            lines.append(f"| {name} | {label} | {wall:.2f} s | {rows / wall:,.0f} | {cpu:.1f} | {rows / wall / floor_rate:.0%} | {value:.6g} |")
            print(lines[-1], flush=True)
            if label.startswith("MleTransformer"):
                real = os.path.realpath(paths["mle"])
                with open(f"/proc/{jvm_pid}/maps") as maps:
                    mapped = sum(1 for line in maps if line.rstrip().endswith(real))
                rss = psutil.Process(jvm_pid).memory_info().rss
                size = os.path.getsize(paths["mle"])
                shown = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"
                mapping_note.append(f"- {name}: after {tasks} tasks, the Spark JVM maps the {shown} model file "
                                    f"{mapped} time(s); JVM resident memory {rss / 1e9:.2f} GB.")
        ours = results["MleTransformer (executor JVM, batches)"]
        best_other = max(v for k, v in results.items() if not k.startswith("MleTransformer"))
        mapping_note.append(f"- {name}: MleTransformer {ours / best_other:.2f}× the best other path, {ours / floor_rate:.0%} of the I/O floor.")
    spark.stop()
    lines += ["", *mapping_note, "",
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; numbers vary run to run on a shared machine: compare the ratios."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 rows instead of 1 000 000")
    args = parser.parse_args()
    table = run(100_000 if args.quick else 1_000_000)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "spark.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
