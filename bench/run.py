"""MLE Runtime against what users would run instead, in one run: `make bench` (or `make bench-quick`).

    python bench/run.py             # everything: about an hour on a 2-core machine
    python bench/run.py --quick     # the same sections on the synthetic data, short budgets, no compiled trees: minutes
    python bench/run.py --sections python,jvm --models forest,xgboost --datasets synthetic

Writes bench/results/latest.json, latest.md and the PNG plots there. Sections: python (every
Python competitor), jvm (the Java API against ONNX Runtime Java and JPMML-Evaluator), memory (1
and 4 processes serving one model), scaling (load time from 1 MB to 1 GB of weights), kernels (JMH).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from mlebench import competitors as comp  # noqa: E402
from mlebench import jvm, machine, memory, pysection, report, scaling, suite  # noqa: E402
from mlebench.timing import Budget  # noqa: E402

SECTIONS = ("python", "jvm", "memory", "scaling", "kernels")
COMPILED = ("tl2cgen", "lleaves")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the synthetic dataset only, short budgets, 2 fresh processes, no "
                        "compiled-tree builds, scaling to 100 MB, a subset of the kernel benchmarks")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {', '.join(SECTIONS)}")
    parser.add_argument("--models", help=f"comma-separated subset of {', '.join(m.key for m in suite.MODELS)}")
    parser.add_argument("--datasets", help="comma-separated subset of synthetic, breast_cancer")
    parser.add_argument("--competitors", help=f"comma-separated subset of {', '.join(c.key for c in comp.ALL)} "
                        "(default: all; with --quick all but the compiled ones)")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="where latest.md, latest.json and the plots go")
    parser.add_argument("--merge", action="store_true", help="keep the sections of the existing latest.json that this "
                        "invocation does not measure (to finish a run whose later section failed); the report says so")
    parser.add_argument("--keep", action="store_true", help="keep the model files (printed at the end)")
    parser.add_argument("--render-only", action="store_true", help="measure nothing: redraw latest.md and the plots from latest.json")
    args = parser.parse_args()
    args.sections = args.sections.split(",")
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; known: {', '.join(SECTIONS)}")
    return args


def chosen_competitors(args: argparse.Namespace) -> list[comp.Competitor]:
    if args.competitors:
        return [comp.by_key(k) for k in args.competitors.split(",")]
    return [c for c in comp.ALL if not (args.quick and c.key in COMPILED)]


def memory_section(cases: list[pysection.Case], work: Path) -> list[dict]:
    import numpy as np

    records = []
    forest = next((c for c in cases if c.spec.family == "forest" and c.dataset.key == "synthetic"), None)
    if forest is not None:
        rows_file = forest.directory / "rows100.f64"
        forest.batch[:100].tofile(rows_file)
        artifacts = {k: a.path for k, a in forest.artifacts.items() if k in ("mle", "joblib", "onnxruntime") and a.status == "ok"}
        records += memory.measure(forest.spec.title, artifacts, rows_file, forest.batch.shape[1])
    megabytes = 100
    directory = work / "memory-linear"
    directory.mkdir()
    try:
        paths = scaling.save_all(scaling.linear_model(megabytes), directory)
        rows_file = directory / "rows100.f64"
        np.random.default_rng(1).standard_normal((100, scaling.FEATURES)).tofile(rows_file)
        records += memory.measure(f"linear model, {megabytes} MB of weights", paths, rows_file, scaling.FEATURES)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return records


def render(results: dict, out: Path) -> None:
    res = report.Results(results)
    plots = report.plot(res, out)
    report.write_markdown(res, out / "latest.md", plots)
    print(f"wrote {out / 'latest.md'} and {len(plots)} plots")


def main() -> None:
    args = arguments()
    if args.render_only:
        out = Path(args.out)
        render(json.loads((out / "latest.json").read_text(encoding="utf-8")), out)
        return
    started = time.perf_counter()
    watch = machine.LoadWatch().start()
    java_home = jvm.find_jdk(ROOT)
    if {"jvm", "kernels"} & set(args.sections):
        jvm.build(ROOT, java_home)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mle-bench-"))
    budget = Budget(warmup=0.2, sample=0.5) if args.quick else Budget(warmup=1.0, sample=2.0)
    fresh_runs = 2 if args.quick else 5
    models = suite.models(args.models.split(",") if args.models else None)
    datasets = suite.datasets(args.datasets.split(",") if args.datasets else ["synthetic"] if args.quick else None)
    results: dict = {
        "quick": args.quick,
        "machine": machine.describe(ROOT, java_home, jvm.library_versions(ROOT)),
        "budget": {"warmup_s": budget.warmup, "sample_s": budget.sample, "fresh_runs": fresh_runs},
        "models": [{"key": m.key, "title": m.title, "family": m.family} for m in models],
        "datasets": [{"key": d.key, "title": d.title, "real": d.real} for d in datasets],
        "python": [], "jvm": [], "memory": [], "scaling": [], "kernels": [],
    }
    if args.merge:
        earlier = json.loads((out / "latest.json").read_text(encoding="utf-8"))
        kept = [section for section in SECTIONS if section not in args.sections and earlier.get(section)]
        for section in kept:
            results[section] = earlier[section]
        results["merged"] = {"sections": kept, "started": earlier["machine"]["started"], "commit": earlier["machine"]["commit"],
                             "load_average": earlier.get("load_average")}
    cases = []
    try:
        if {"python", "jvm", "memory"} & set(args.sections):
            for dataset in datasets:
                for spec in models:
                    print(f"{spec.title} on {dataset.title}", flush=True)
                    case = pysection.prepare(dataset, spec, chosen_competitors(args), work)
                    cases.append(case)
                    if "python" in args.sections:
                        results["python"] += pysection.measure_case(case, budget, fresh_runs)
        if "jvm" in args.sections:
            results["jvm"] = jvm.run_models(ROOT, java_home, cases, work, budget, fresh_runs)
        if "memory" in args.sections:
            print("memory", flush=True)
            results["memory"] = memory_section(cases, work)
        if "scaling" in args.sections:
            print("scaling", flush=True)
            results["scaling"] = scaling.run([1, 10, 100] if args.quick else [1, 10, 100, 1000], budget)
        if "kernels" in args.sections:
            results["kernels"] = jvm.run_kernels(ROOT, java_home, work, args.quick)
    finally:
        results["load_average"] = watch.stop()
        results["shared_machine"] = results["load_average"]["median"] > 1 + 0.25 * (os.cpu_count() or 1)
        results["duration_s"] = time.perf_counter() - started
        results["fits"] = [{"dataset": c.dataset.key, "model": c.spec.key, "fit_s": c.fit_seconds} for c in cases]
        (out / "latest.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        if args.keep:
            print(f"model files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    render(results, out)
    print(f"measured in {results['duration_s'] / 60:.1f} min")


if __name__ == "__main__":
    main()
