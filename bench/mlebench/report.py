"""Turns a run's results (results/latest.json) into results/latest.md and PNG plots, with every
target of the benchmark issue set against the ratio this run measured.

Ratios are always computed from numbers of the same run. Where the target speaks of throughput the
10 000-row batch is used; where it speaks of latency the one-row p50; load times are medians.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable

from .timing import Timing

COMPETITOR_TITLES = {
    "mle": "MLE Runtime",
    "joblib": "joblib + framework",
    "onnxruntime": "ONNX Runtime",
    "native": "booster native",
    "tl2cgen": "Treelite/TL2cgen",
    "lleaves": "lleaves",
    "jpmml": "JPMML-Evaluator",
}
TREE_FAMILIES = ("forest", "xgboost", "lightgbm", "catboost")
BOOSTER_FAMILIES = ("xgboost", "lightgbm")
HEADLINE_DATASET = "synthetic"


def fmt_time(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_timing(t: Timing | None) -> str:
    return "–" if t is None else f"{fmt_time(t.median)} ±{fmt_time(t.spread)}"


def fmt_bytes(n: float | None) -> str:
    if not n:
        return "–"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n:.0f} B"


def fmt_rate(per_second: float | None, unit: str = "rows/s") -> str:
    if per_second is None:
        return "–"
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.2f} {prefix}{unit}"
    return f"{per_second:.1f} {unit}"


def get_timing(record: dict[str, Any] | None, *path: str) -> Timing | None:
    value: Any = record
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return Timing.from_dict(value)


def throughput(record: dict[str, Any] | None, rows: int, threads: int) -> float | None:
    t = get_timing(record, "batch", f"{rows}:{threads}")
    return rows / t.median if t else None


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


class Results:
    """A run's results with look-ups by dataset, model and runtime."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.models = {m["key"]: m for m in data["models"]}
        self.datasets = {d["key"]: d for d in data["datasets"]}

    def find(self, section: str, dataset: str | None, model: str, runtime: str) -> dict[str, Any] | None:
        key = "competitor" if section == "python" else "runtime"
        for r in self.data.get(section, []):
            if r.get("dataset") == dataset and r["model"] == model and r[key] == runtime:
                return r
        return None

    def ok(self, section: str, dataset: str, model: str, runtime: str) -> dict[str, Any] | None:
        r = self.find(section, dataset, model, runtime)
        return r if r and r["status"] == "ok" else None

    def status(self, section: str, dataset: str, model: str, runtime: str) -> str:
        r = self.find(section, dataset, model, runtime)
        return "not measured" if r is None else r["status"]


def _ratio_row(target: str, subject: str, value: float | None, goal: float, higher_is_better: bool, unit: str,
               missing: str = "not measured") -> list[str]:
    if value is None:
        return [target, subject, missing, f"{'≥' if higher_is_better else '≤'} {goal:g}{unit}", "n/a"]
    met = value >= goal if higher_is_better else value <= goal
    return [target, subject, f"{value:.3g}{unit}", f"{'≥' if higher_is_better else '≤'} {goal:g}{unit}", "met" if met else "**missed**"]


def _python_targets(res: Results, dataset: str, model_key: str, subject: str, family: str) -> list[list[str]]:
    mle = res.ok("python", dataset, model_key, "mle")
    why = res.status("python", dataset, model_key, "mle")

    def ratio(other: str, value_of, higher: bool = True) -> float | None:
        """other ÷ MLE when `higher` (how many times better MLE is), else MLE ÷ other."""
        o = res.ok("python", dataset, model_key, other)
        a = value_of(mle) if mle else None
        b = value_of(o) if o else None
        if not a or not b:
            return None
        return b / a if higher else a / b

    def median(*path: str):
        return lambda r: get_timing(r, *path).median if get_timing(r, *path) else None

    size = lambda r: r.get("size") or None  # noqa: E731
    rows = [
        _ratio_row("warm load vs joblib (× faster)", subject, ratio("joblib", median("load_warm")), 20, True, "×", why),
        _ratio_row("warm load vs ONNX Runtime session (× faster)", subject, ratio("onnxruntime", median("load_warm")), 10, True, "×", why),
    ]
    if family in TREE_FAMILIES:
        rows.append(_ratio_row("file size vs joblib, forests (× of joblib)", subject, ratio("joblib", size, False), 0.2, False, "×", why))
    rows += [
        _ratio_row("file size vs ONNX (× of ONNX)", subject, ratio("onnxruntime", size, False), 1, False, "×", why),
        _ratio_row("1-row latency vs framework predict (× of it)", subject, ratio("joblib", median("latency"), False), 0.1, False, "×", why),
        _ratio_row("1-row latency vs ONNX Runtime (× of it)", subject, ratio("onnxruntime", median("latency"), False), 0.7, False, "×", why),
    ]
    for threads in (1, 2):
        batch = median("batch", f"10000:{threads}")
        if family in TREE_FAMILIES:
            rows.append(_ratio_row(f"10k-row throughput vs ONNX Runtime, {_threads(threads)}", subject, ratio("onnxruntime", batch), 1.5, True, "×", why))
        if family in BOOSTER_FAMILIES:
            rows.append(_ratio_row(f"10k-row throughput vs native booster, {_threads(threads)}", subject, ratio("native", batch), 1, True, "×", why))
        if family == "mlp":
            rows.append(_ratio_row(f"10k-row throughput vs ONNX Runtime (MLP), {_threads(threads)}", subject, ratio("onnxruntime", batch),
                                   0.8, True, "×", why))
    return rows


def _jvm_targets(res: Results, dataset: str, model_key: str, subject: str) -> list[list[str]]:
    rows = []
    mle = res.ok("jvm", dataset, model_key, "mle")
    for threads in (1, 2):
        for other, goal in (("jpmml", 10), ("onnxruntime", 1.5)):
            o = res.ok("jvm", dataset, model_key, other)
            a, b = get_timing(mle, "batch", f"10000:{threads}"), get_timing(o, "batch", f"10000:{threads}")
            missing = res.status("jvm", dataset, model_key, other if mle else "mle")
            rows.append(_ratio_row(f"JVM 10k-row throughput vs {COMPETITOR_TITLES[other]}, {_threads(threads)}", subject,
                                   b.median / a.median if a and b else None, goal, True, "×", missing))
    return rows


def _threads(n: int) -> str:
    return "1 thread" if n == 1 else f"{n} threads"


def targets(res: Results) -> list[list[str]]:
    """Every target of the issue against this run's ratio, for the models and sections this run measured."""
    rows: list[list[str]] = []
    measured = {section: {(r["dataset"], r["model"]) for r in res.data.get(section, [])} for section in ("python", "jvm")}
    for dataset in res.datasets:
        for model_key, model in res.models.items():
            subject = f"{model['title']}, {dataset}"
            family = model["family"]
            if (dataset, model_key) in measured["python"]:
                rows += _python_targets(res, dataset, model_key, subject, family)
            if (dataset, model_key) in measured["jvm"] and family in TREE_FAMILIES:
                rows += _jvm_targets(res, dataset, model_key, subject)
    scaling = res.data.get("scaling", [])
    if len(scaling) >= 2:
        first, last = scaling[0], scaling[-1]
        for loader in ("mle", "mle (deferred checksum)"):
            a, b = get_timing(first, "load", loader), get_timing(last, "load", loader)
            rows.append(_ratio_row("warm load growth, smallest to largest model", f"{loader}, {first['megabytes']:g} MB → {last['megabytes']:g} MB",
                                   b.median / a.median if a and b else None, 2, False, "×"))
    for r in res.data.get("memory", []):
        if r["competitor"] != "mle" or "error" in r:
            continue
        one, many = r["one"], r["many"]
        rows.append(_ratio_row(f"memory of {many['processes']} processes vs 1, whole processes (PSS)", r["model"], many["pss"] / one["pss"], 1.3, False, "×"))
        if one["pss_model"] > 0:
            rows.append(_ratio_row(f"memory of {many['processes']} processes vs 1, model's share (PSS over baseline)", r["model"],
                                   many["pss_model"] / one["pss_model"], 1.3, False, "×"))
    return rows


def runtime_table(res: Results, section: str, dataset: str) -> list[str]:
    """One row per model and runtime of `section` ("python" or "jvm") on `dataset`."""
    fresh = "fresh process → 1st row" if section == "python" else "fresh JVM → 1st row"
    header = ["model", "runtime", "file", "warm load", fresh, "1 row p50", "1 row p99",
              "1 row ×1", "100 rows ×1", "10k rows ×1", "1 row ×2", "100 rows ×2", "10k rows ×2", "max abs diff"]
    key = "competitor" if section == "python" else "runtime"
    rows, notes = [], []
    for model_key, model in res.models.items():
        for r in (x for x in res.data.get(section, []) if x["dataset"] == dataset and x["model"] == model_key):
            name = COMPETITOR_TITLES.get(r[key], r[key])
            if r["status"] != "ok":
                rows.append([model["title"], name, r["status"], r["message"][:90].replace("|", "/")] + ["–"] * (len(header) - 4))
                continue
            if r.get("message"):
                notes.append(f"- {model['title']}, {name}: {r['message']}")
            latency = get_timing(r, "latency")
            rows.append([
                model["title"], name, fmt_bytes(r.get("size")), fmt_timing(get_timing(r, "load_warm")),
                fmt_timing(get_timing(r, "load_fresh", "wall")),
                fmt_time(latency.median if latency else None), fmt_time(latency.p99 if latency else None),
                *[fmt_rate(throughput(r, n, t)) for t in (1, 2) for n in (1, 100, 10_000)],
                f"{r.get('max_abs_diff', float('nan')):.1e}",
            ])
    return table(header, rows) + ([""] + notes if notes else [])


def memory_table(res: Results) -> list[str]:
    rows = []
    for r in res.data.get("memory", []):
        name = COMPETITOR_TITLES.get(r["competitor"], r["competitor"])
        if "error" in r:
            rows.append([r["model"], name, fmt_bytes(r["size"]), r["error"][:90]] + ["–"] * 6)
            continue
        one, many = r["one"], r["many"]
        rows.append([
            r["model"], name, fmt_bytes(r["size"]),
            f"{fmt_bytes(one['pss'])} / {fmt_bytes(one['rss'])}",
            f"{fmt_bytes(many['pss'])} / {fmt_bytes(many['rss'])}", f"{many['pss'] / one['pss']:.2f}×",
            fmt_bytes(one["pss_model"]), fmt_bytes(many["pss_model"]),
            f"{many['pss_model'] / one['pss_model']:.2f}×" if one["pss_model"] > 0 else "–",
            f"{fmt_bytes(one['file_pss'])} → {fmt_bytes(many['file_pss'])}" if one["file_rss"] else "–",
        ])
    n = next((r["many"]["processes"] for r in res.data.get("memory", []) if "many" in r), 4)
    return table(["model", "runtime", "file", "1 process PSS / RSS", f"{n} processes PSS / RSS", "ratio",
                  "model's PSS, 1 process", f"model's PSS, {n} processes", "ratio", "model file mapping PSS, 1 → n"], rows)


def scaling_table(res: Results) -> list[str]:
    records = res.data.get("scaling", [])
    if not records:
        return []
    loaders = list(records[0]["load"])
    header = ["weights", ".mle file", "joblib file", "ONNX file"] + [f"load: {name}" for name in loaders]
    rows = [[f"{r['megabytes']:g} MB", fmt_bytes(r["files"]["mle"]), fmt_bytes(r["files"]["joblib"]), fmt_bytes(r["files"]["onnxruntime"])]
            + [fmt_timing(get_timing(r, "load", name)) for name in loaders] for r in records]
    return table(header, rows)


def kernel_rows(res: Results) -> list[list[str]]:
    peak = res.data["machine"]["peak"]
    rows = []
    for k in res.data.get("kernels", []):
        p, seconds = k["params"], k["ns"] / 1e9
        bench, method = k["benchmark"].split(".")
        if bench == "GemmBenchmark":
            n, kk, m = (int(v) for v in p["shape"].split("x"))
            rate = 2 * n * kk * m / seconds / 1e9
            ceiling = peak["f64_gflops_per_core"] if p["dtype"] == "FLOAT64" else peak["f32_gflops_per_core"]
            rows.append([f"GEMM {p['layout']} {p['shape']} {p['dtype'].lower()}", p["path"], fmt_time(seconds),
                         f"{rate:.2f} GFLOP/s", f"{ceiling:.1f} GFLOP/s" if ceiling else "–",
                         f"{100 * rate / ceiling:.1f}%" if ceiling else "–"])
        elif bench == "TreeWalkBenchmark":
            trees, depth = (int(v) for v in p["ensemble"].split("x"))
            visits = int(p["rows"]) * trees * depth / seconds
            ceiling = peak["node_visits_per_second_per_core"]
            rows.append([f"tree walk {trees} trees × depth {depth}, {p['rows']} rows", _path(method), fmt_time(seconds),
                         fmt_rate(visits, "node visits/s"), fmt_rate(ceiling, "visits/s") if ceiling else "–",
                         f"{100 * visits / ceiling:.1f}%" if ceiling else "–"])
        elif bench == "SoftmaxBenchmark":
            elements = int(p["rows"]) * int(p["classes"]) / seconds
            rows.append([f"softmax {p['rows']} × {p['classes']} float64", _path(method), fmt_time(seconds),
                         fmt_rate(elements, "elements/s"), "–", "–"])
    return rows


def _path(method: str) -> str:
    return {"withVectorModule": "JVM with Vector API module", "plainJava": "plain Java (no module)"}.get(method, method)


def machine_lines(res: Results) -> list[str]:
    m = res.data["machine"]
    load = res.data.get("load_average", {})
    peak = m["peak"]
    lines = [
        f"- CPU: {m['cpu']} (family {m['cpu_family']}, model {m['cpu_model']}{', ' + m['hypervisor'] + ' guest' if m['hypervisor'] else ''}), "
        f"{m['cores']} cores × {m['threads_per_core']} thread(s), {m['clock_ghz']:.2f} GHz nominal, SIMD: {m['simd']}; "
        f"caches {', '.join(f'{k} {v}' for k, v in m['caches'].items())}; {m['memory_gib']:.1f} GiB memory; {m['os']}",
        f"- Peak (computed): {peak['why']} → {peak['f64_flops_per_cycle_per_core']} float64 / {peak['f32_flops_per_cycle_per_core']} float32 "
        f"FLOP per cycle per core = {peak['f64_gflops_per_core']:.1f} / {peak['f32_gflops_per_core']:.1f} GFLOP/s per core, "
        f"{peak['f64_gflops']:.1f} / {peak['f32_gflops']:.1f} GFLOP/s for the machine; tree-walk reference: one node visit per cycle per core",
        f"- Java: {m['java']} ({m['java_home']}); JVM libraries: "
        + ", ".join(f"{k} {v}" for k, v in m.get("java_libraries", {}).items()),
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"- Commit {m['commit']}; started {m['started']}; took {res.data.get('duration_s', 0) / 60:.1f} min",
        f"- Load average (1 min) during the run: min {load.get('min', 0):.2f}, median {load.get('median', 0):.2f}, "
        f"max {load.get('max', 0):.2f} on {m['cores']} cores",
    ]
    if res.data.get("shared_machine"):
        lines.append("- **Shared machine**: other builds and tests ran while this was measured (see the load average), so "
                     "absolute times are noisy and ratios between runtimes measured minutes apart carry that noise too.")
    return lines


def write_markdown(res: Results, path: Path, plots: list[str]) -> None:
    d = res.data
    lines = [f"# Benchmarks — {d['machine']['started']}{' (quick)' if d.get('quick') else ''}", ""]
    lines += ["Generated by `make bench` (bench/run.py); every number below comes from this one run, on the same data and "
              "the same model files. Timings are medians after a warm-up, ± half the spread between the 10th and 90th "
              "percentile; throughput is rows per second at the batch size and thread count given (×1, ×2).", ""]
    merged = d.get("merged")
    if merged:
        lines += [f"The {', '.join(merged['sections'])} section(s) come from an earlier invocation on the same machine (started "
                  f"{merged['started']}, commit {merged['commit']}), whose later sections did not finish; the others were measured "
                  "in this one, on models fitted again from the same seeds.", ""]
    lines += ["## Machine", ""] + machine_lines(res) + [""]
    lines += ["## Targets", "", "Every target of the benchmark issue against the ratio this run measured (MLE Runtime is the "
              "subject of every ratio).", ""]
    lines += table(["target", "model, dataset", "measured", "target", "status"], targets(res)) + [""]
    for key, dataset in res.datasets.items():
        if any(r["dataset"] == key for r in d.get("python", [])):
            lines += [f"## Python: {dataset['title']}", ""]
            lines += runtime_table(res, "python", key) + [""]
    for key, dataset in res.datasets.items():
        if any(r["dataset"] == key for r in d.get("jvm", [])):
            lines += [f"## JVM: {dataset['title']}", "",
                      "Our Java API (`MleModel`, float64 rows on the heap), ONNX Runtime's Java API (float32 `OnnxTensor`) and "
                      "JPMML-Evaluator (one `evaluate` per row; two threads split the rows) on the same files; each call returns "
                      "the probabilities as a Java array.", ""]
            lines += runtime_table(res, "jvm", key) + [""]
    if d.get("memory"):
        lines += ["## Memory of processes serving one model", "",
                  "Each process starts its runtime (baseline), opens the model and scores 100 rows; PSS counts a shared page "
                  "once across processes, RSS once per process. \"Model's PSS\" is what opening and using the model added "
                  "over the baseline.", ""]
        lines += memory_table(res) + [""]
    if d.get("scaling"):
        lines += ["## Load time against model size", "",
                  "A linear model with 1 000 inputs whose float64 weights are the size given; warm process, files in the page "
                  "cache. `mle` verifies every section's CRC32C before returning; with the deferred checksum the weights are "
                  "verified in the background.", ""]
        lines += scaling_table(res) + [""]
    if d.get("kernels"):
        lines += ["## Kernel microbenchmarks (JMH, one thread)", "",
                  "GEMM on `PlainMathKernels` and `VectorMathKernels` directly; the tree walk through a session on a hand-built "
                  "ensemble of complete trees; softmax through its kernel. The tree walk and softmax have no Vector API code: "
                  "they run on a JVM with the module and on one without it.", ""]
        lines += table(["kernel", "path", "time per call", "rate", "peak (one core)", "of peak"], kernel_rows(res)) + [""]
    if plots:
        lines += ["## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in plots] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _grouped_bars(ax, groups: list[str], series: dict[str, list[float | None]], ylabel: str, log: bool = True) -> None:
    import numpy as np

    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for i, (name, values) in enumerate(series.items()):
        heights = [v if v is not None else 0 for v in values]
        ax.bar(x + i * width - 0.4 + width / 2, heights, width, label=name)
    ax.set_xticks(x, groups, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)


def short_title(title: str) -> str:
    """"Pipeline(StandardScaler, MLPClassifier 100-50)" → "Scaler+MLPClassifier 100-50"; sizes in parentheses dropped."""
    return title.split(" (")[0].replace("Pipeline(StandardScaler, ", "Scaler+").rstrip(")")


def plot(res: Results, directory: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    dataset = HEADLINE_DATASET if HEADLINE_DATASET in res.datasets else next(iter(res.datasets))
    models = [m for m in res.models if any(r["model"] == m and r["dataset"] == dataset for r in res.data.get("python", []))]
    titles = [short_title(res.models[m]["title"]) for m in models]
    competitors = [c for c in COMPETITOR_TITLES if any(r.get("competitor") == c for r in res.data.get("python", []))]

    def python_series(value_of) -> dict[str, list[float | None]]:
        series = {}
        for c in competitors:
            values = []
            for m in models:
                r = res.ok("python", dataset, m, c)
                values.append(value_of(r) if r else None)
            if any(v for v in values):
                series[COMPETITOR_TITLES[c]] = values
        return series

    def save(fig, name: str) -> None:
        fig.tight_layout()
        fig.savefig(directory / name, dpi=110)
        plt.close(fig)
        written.append(str(directory / name))

    specs = [
        ("latency.png", "one-row latency from Python, p50 (lower is better)", "seconds",
         lambda r: get_timing(r, "latency").median),
        ("throughput.png", "10 000-row batch, 1 thread (higher is better)", "rows/s", lambda r: throughput(r, 10_000, 1)),
        ("load.png", "warm load time (lower is better)", "seconds", lambda r: get_timing(r, "load_warm").median),
        ("size.png", "model file size (lower is better)", "bytes", lambda r: r.get("size")),
    ]
    for name, title, ylabel, value_of in specs:
        series = python_series(value_of)
        if not series:
            continue
        fig, ax = plt.subplots(figsize=(9, 4.2))
        _grouped_bars(ax, titles, series, ylabel)
        ax.set_title(f"{title} — {res.datasets[dataset]['title']}", fontsize=10)
        save(fig, name)
    jvm_models = [m for m in res.models if any(r["model"] == m and r["dataset"] == dataset for r in res.data.get("jvm", []))]
    series = {}
    for runtime in ("mle", "onnxruntime", "jpmml"):
        values = [throughput(res.ok("jvm", dataset, m, runtime), 10_000, 1) for m in jvm_models]
        if any(values):
            series[COMPETITOR_TITLES[runtime]] = values
    if series:
        titles = [short_title(res.models[m]["title"]) for m in jvm_models]
        fig, ax = plt.subplots(figsize=(9, 4.2))
        _grouped_bars(ax, titles, series, "rows/s")
        ax.set_title(f"JVM: 10 000-row batch, 1 thread (higher is better) — {res.datasets[dataset]['title']}", fontsize=10)
        save(fig, "jvm.png")
    scaling = res.data.get("scaling", [])
    if scaling:
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        sizes = [r["megabytes"] for r in scaling]
        for loader in scaling[0]["load"]:
            ax.plot(sizes, [get_timing(r, "load", loader).median for r in scaling], marker="o", label=loader)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("weights (MB)")
        ax.set_ylabel("warm load time (s)")
        ax.set_title("load time against model size (flat is better)", fontsize=10)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        save(fig, "scaling.png")
    memory = [r for r in res.data.get("memory", []) if "error" not in r]
    if memory:
        labels = [f"{r['model']}\n{COMPETITOR_TITLES.get(r['competitor'], r['competitor'])}" for r in memory]
        n = memory[0]["many"]["processes"]
        fig, ax = plt.subplots(figsize=(9, 4.2))
        _grouped_bars(ax, labels, {"1 process": [r["one"]["pss"] for r in memory], f"{n} processes": [r["many"]["pss"] for r in memory]},
                      "PSS bytes (sum over processes)", log=False)
        ax.set_title("memory of processes serving one model (lower is better)", fontsize=10)
        save(fig, "memory.png")
    return written
