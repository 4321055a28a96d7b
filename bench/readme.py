"""Rewrites the Performance section of the repository's README.md from bench/results/latest.json.

    python bench/readme.py                 # after a full run (make bench does this itself)
    python bench/readme.py --allow-quick   # from a --quick run too

The section between `<!-- performance:begin -->` and `<!-- performance:end -->` gets the headline
table (the synthetic dataset, one row per model) and the one-row latency plot, which is copied to
docs/bench/latency.png so that the README shows it without the uncommitted results folder.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from mlebench.report import (  # noqa: E402
    COMPETITOR_TITLES,
    HEADLINE_DATASET,
    Results,
    fmt_bytes,
    fmt_rate,
    fmt_time,
    get_timing,
    table,
    throughput,
)

BEGIN, END = "<!-- performance:begin -->", "<!-- performance:end -->"
PLOT = Path("docs/bench/latency.png")


def headline_dataset(res: Results) -> str:
    return HEADLINE_DATASET if HEADLINE_DATASET in res.datasets else next(iter(res.datasets))


def headline(res: Results) -> list[str]:
    dataset = headline_dataset(res)
    rows = []
    for key, model in res.models.items():
        mle = res.ok("python", dataset, key, "mle")
        joblib = res.ok("python", dataset, key, "joblib")
        onnx = res.ok("python", dataset, key, "onnxruntime")
        if mle is None:
            rows.append([model["title"], res.status("python", dataset, key, "mle")] + ["–"] * 4)
            continue
        others = [(c, res.ok("python", dataset, key, c)) for c in COMPETITOR_TITLES if c not in ("mle", "jpmml")]
        best = max(((c, throughput(r, 10_000, 1)) for c, r in others if r and throughput(r, 10_000, 1)), key=lambda x: x[1], default=None)

        def three(value_of, fmt):
            return " / ".join(fmt(value_of(r)) if r else "–" for r in (mle, joblib, onnx))

        rows.append([
            model["title"],
            three(lambda r: r.get("size"), fmt_bytes),
            three(lambda r: get_timing(r, "load_warm").median, fmt_time),
            three(lambda r: get_timing(r, "latency").median, fmt_time),
            fmt_rate(throughput(mle, 10_000, 1)),
            f"{fmt_rate(best[1])} ({COMPETITOR_TITLES[best[0]]})" if best else "–",
        ])
    return table(["model", "file: MLE / joblib / ONNX", "warm load: MLE / joblib / ONNX Runtime",
                  "1 row from Python: MLE / framework / ONNX Runtime", "10k rows, 1 thread: MLE", "fastest other"], rows)


def java_release(version_line: str) -> str:
    """`openjdk version "25.0.3" 2026-04-21 LTS` → `25.0.3`."""
    match = re.search(r'"([^"]+)"', version_line)
    return match.group(1) if match else version_line


def section(res: Results) -> str:
    m = res.data["machine"]
    load = res.data.get("load_average", {})
    shared = (f" The machine was shared with other builds while it ran (load average {load.get('median', 0):.1f} on "
              f"{m['cores']} cores), so treat the times as noisy." if res.data.get("shared_machine") else "")
    lines = [
        BEGIN,
        f"Measured by `make bench` on {m['cpu']} ({m['cores']} cores, {m['clock_ghz']:.2f} GHz, {m['memory_gib']:.0f} GiB), "
        f"Java {java_release(m['java'])}, Python {m['python']}, "
        f"{m['started']}, commit {m['commit']}.{shared} Data: {res.datasets[headline_dataset(res)]['title']}; times are medians. Every target, "
        "the JVM comparison (ONNX Runtime Java, JPMML-Evaluator), memory, size scaling and kernel rates: "
        "`bench/results/latest.md` after `make bench` ([bench/README.md](bench/README.md)).",
        "",
        *headline(res),
        "",
        f"![one-row latency from Python]({PLOT.as_posix()})",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=str(BENCH_DIR / "results" / "latest.json"))
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--allow-quick", action="store_true", help="accept results of a --quick run")
    args = parser.parse_args()
    data = json.loads(Path(args.results).read_text(encoding="utf-8"))
    if data.get("quick") and not args.allow_quick:
        print("README.md left as it is: the latest results come from a --quick run (use --allow-quick to publish them)")
        return
    if not data.get("python"):
        print("README.md left as it is: the latest results have no Python section")
        return
    readme = Path(args.readme)
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme} has no {BEGIN} … {END} block to rewrite")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(head + section(Results(data)) + tail, encoding="utf-8")
    plot = Path(args.results).parent / "latency.png"
    if plot.exists():
        (ROOT / PLOT).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(plot, ROOT / PLOT)
    print(f"rewrote the Performance section of {readme}")


if __name__ == "__main__":
    main()
