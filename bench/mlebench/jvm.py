"""The JVM section: builds `bench-java/` and runs it on the models the Python section saved.

`ModelBench` measures MLE Runtime's Java API, ONNX Runtime's Java API and JPMML-Evaluator on the
same .mle, .onnx and .pmml files (the PMML converted here with sklearn2pmml) and the same rows;
`FreshLoad` gives the time to first prediction of a fresh JVM; the JMH kernel benchmarks give
GEMM, tree-walk and softmax rates on the plain-Java and Vector API paths.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

from .competitors import two_columns
from .pysection import Artifact, Case, fresh_process
from .timing import Budget, Timing

JVM_FLAGS = ["--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"]
RUNTIMES = ("mle", "onnxruntime", "jpmml")


def find_jdk(root: Path) -> str:
    home = subprocess.run([str(root / "scripts" / "find-jdk.sh")], capture_output=True, text=True, check=True).stdout.strip()
    if not home:
        raise SystemExit("no JDK 25 or newer found: set MLE_JAVA_HOME or JAVA_HOME")
    return home


def java_env(java_home: str) -> dict[str, str]:
    return dict(os.environ, JAVA_HOME=java_home, PATH=f"{java_home}/bin:{os.environ.get('PATH', '')}",
                MAVEN_OPTS=os.environ.get("MAVEN_OPTS", "--enable-native-access=ALL-UNNAMED"))


def build(root: Path, java_home: str) -> None:
    """`mvn -Pbench -pl bench-java -am package` from the root: the engine and the harness, no tests."""
    print("building bench-java (Maven)", flush=True)
    subprocess.run(["mvn", "-B", "-q", "-Dstyle.color=never", "-Pbench", "-pl", "bench-java", "-am", "package", "-DskipTests"],
                   cwd=root, env=java_env(java_home), check=True, stdout=subprocess.DEVNULL)


def java_command(root: Path, java_home: str, main: str, *args: str, flags: list[str] | None = None) -> list[str]:
    classpath = f"{root / 'bench-java/target/classes'}{os.pathsep}{root / 'bench-java/target/lib'}/*"
    return [os.path.join(java_home, "bin", "java"), *(flags if flags is not None else JVM_FLAGS), "-cp", classpath, main, *args]


def library_versions(root: Path) -> dict[str, str]:
    """Versions of the JVM competitors, from the jar names Maven copied."""
    versions = {}
    for jar in sorted((root / "bench-java/target/lib").glob("*.jar")):
        name, _, version = jar.stem.rpartition("-")
        if name in ("onnxruntime", "pmml-evaluator", "jmh-core"):
            versions[name] = version
    return versions


@contextlib.contextmanager
def _declared_sklearn_version(version: str | None):
    """Pickles estimators as if made by scikit-learn `version` (the `_sklearn_version` sklearn2pmml reads)."""
    import sklearn.base

    saved = sklearn.base.__version__
    if version is not None:
        sklearn.base.__version__ = version
    try:
        yield
    finally:
        sklearn.base.__version__ = saved


def save_pmml(case: Case, java_home: str) -> Artifact:
    """The model as PMML through sklearn2pmml.

    sklearn2pmml refuses a scikit-learn release newer than the ones it lists, by number alone (it
    names the newest it accepts). The harness then declares that release in the pickle it hands
    over and says so in the artifact's message; the probabilities JPMML-Evaluator computes are
    still compared with scikit-learn's own, so a conversion that the newer release broke would show.
    """
    from sklearn2pmml import make_pmml_pipeline, sklearn2pmml

    artifact = Artifact("jpmml")
    path = case.directory / f"{case.spec.key}.pmml"
    fields = [f"f{i}" for i in range(case.dataset.X.shape[1])]
    start = time.perf_counter()
    declared = None
    while True:
        log = io.StringIO()
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log), _declared_sklearn_version(declared):
                sklearn2pmml(make_pmml_pipeline(case.model, active_fields=fields, target_fields=["y"]), str(path), java_home=java_home)
            artifact.path, artifact.size = path, path.stat().st_size
            if declared:
                artifact.message = f"sklearn2pmml was told scikit-learn {declared}: it refuses newer releases by number"
            break
        except Exception as exc:  # sklearn2pmml raises RuntimeError and prints the converter's log
            text = log.getvalue() + str(exc)
            refused = re.search(r"version '[^']+' is not supported.*?to version '([^']+)'", text, re.S)
            if refused and declared is None:
                declared = refused.group(1)
                continue
            reasons = [line.strip() for line in text.splitlines() if "Exception:" in line or "Exception " in line]
            artifact.status = "failed"
            artifact.message = (reasons[0] if reasons else text.strip().splitlines()[0])[:300]
            break
    artifact.save_seconds = time.perf_counter() - start
    return artifact


def run_models(root: Path, java_home: str, cases: list[Case], work: Path, budget: Budget, fresh_runs: int) -> list[dict[str, Any]]:
    manifest, records = [], []
    for case in cases:
        if "jpmml" not in case.artifacts:
            case.artifacts["jpmml"] = save_pmml(case, java_home)
            print(f"  saved {case.key} / jpmml: {case.artifacts['jpmml'].status} {case.artifacts['jpmml'].message[:120]}", flush=True)
        for runtime in RUNTIMES:
            artifact = case.artifacts.get(runtime)
            if artifact is None:
                continue
            record = {"dataset": case.dataset.key, "model": case.spec.key, "runtime": runtime, "status": artifact.status,
                      "message": artifact.message, "size": artifact.size}
            records.append(record)
            if artifact.status == "ok":
                rows, cols = case.batch.shape
                manifest.append("\t".join([case.key, runtime, str(artifact.path), str(case.directory / "batch.f64"), str(rows), str(cols)]))
    manifest_file, results_file = work / "jvm-manifest.tsv", work / "jvm-results.tsv"
    manifest_file.write_text("\n".join(manifest) + "\n")
    print(f"running ModelBench on {len(manifest)} model files", flush=True)
    subprocess.run(java_command(root, java_home, "org.mleruntime.bench.ModelBench", str(manifest_file), str(results_file),
                                str(budget.warmup), str(budget.sample)), check=True)
    by_case = {(r["dataset"], r["model"], r["runtime"]): r for r in records}
    case_of = {c.key: c for c in cases}
    for line in results_file.read_text().splitlines():
        fields = line.split("\t")
        case = case_of[fields[0]]
        record = by_case[(case.dataset.key, case.spec.key, fields[1])]
        if fields[2] == "error":
            record["status"], record["message"] = "failed", fields[3]
            continue
        timing = Timing(int(fields[3]), *map(float, fields[4:8])).as_dict()
        if fields[2].startswith("batch:"):
            _, size, threads = fields[2].split(":")
            record.setdefault("batch", {})[f"{size}:{threads}"] = timing
        else:
            record["load_warm" if fields[2] == "load" else fields[2]] = timing
    for record in records:
        if record["status"] != "ok" or "latency" not in record:
            continue
        case = next(c for c in cases if c.dataset.key == record["dataset"] and c.spec.key == record["model"])
        p = np.fromfile(f"{results_file}.{case.key}.{record['runtime']}.f64", dtype="<f8")
        if p.size == case.reference.shape[0] and case.reference.ndim == 2 and case.reference.shape[1] == 2:
            p = two_columns(p)  # one probability per row: the positive class's
        if p.size != case.reference.size:
            record["status"] = "failed"
            record["message"] = f"returned {p.size} values for {case.reference.size} probabilities"
            continue
        record["max_abs_diff"] = float(np.max(np.abs(p.reshape(case.reference.shape) - case.reference)))
        artifact = case.artifacts[record["runtime"]]
        command = java_command(root, java_home, "org.mleruntime.bench.FreshLoad", record["runtime"], str(artifact.path),
                               str(case.directory / "row.f64"), str(case.batch.shape[1]))
        try:
            record["load_fresh"] = fresh_process(command, fresh_runs)
        except RuntimeError as exc:
            record["load_fresh_error"] = str(exc)
    return records


def run_kernels(root: Path, java_home: str, work: Path, quick: bool) -> list[dict[str, Any]]:
    """The JMH kernel benchmarks; each entry: benchmark, params, ns per call (score, error)."""
    out = work / "jmh.json"
    args = ["-rf", "json", "-rff", str(out), "-f", "1"]
    if quick:
        args += ["-wi", "2", "-i", "3", "-w", "500ms", "-r", "500ms", "-p", "shape=256x256x256"]
    print("running JMH kernel benchmarks", flush=True)
    subprocess.run(java_command(root, java_home, "org.openjdk.jmh.Main", *args, "org.mleruntime.bench.kernels", flags=[]), check=True,
                   stdout=subprocess.DEVNULL)
    entries = []
    for run in json.loads(out.read_text()):
        metric = run["primaryMetric"]
        entries.append({"benchmark": run["benchmark"].rsplit(".", 2)[-2] + "." + run["benchmark"].rsplit(".", 1)[-1],
                        "params": run.get("params", {}), "ns": metric["score"], "error": _number(metric["scoreError"]),
                        "jvm_args": run.get("jvmArgs", [])})
    return entries


def _number(value: Any) -> float:
    """JMH writes an unknown error as the string "NaN"."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
