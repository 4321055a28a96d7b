"""The Python section: every competitor on every model and dataset, measured in this one process
(fresh-process loads in child processes), on the same rows.

`prepare` fits a model and saves it for every competitor that applies (the JVM section reuses the
same files); `measure` takes, per competitor: artifact size, warm load time, fresh-process time to
first prediction, one-row latency (p50, p99), batch time at 1, 100 and 10 000 rows with 1 and 2
threads, and the largest difference from the framework's own probabilities.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import competitors as comp
from .suite import Dataset, ModelSpec
from .timing import Budget, measure, summarise

BATCH_SIZES = (1, 100, 10_000)
THREADS = (1, 2)
BENCH_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Artifact:
    competitor: str
    path: Path | None = None
    size: int = 0
    save_seconds: float = 0.0
    status: str = "ok"  # ok, not yet supported, failed
    message: str = ""


@dataclass
class Case:
    dataset: Dataset
    spec: ModelSpec
    model: Any
    batch: np.ndarray
    reference: np.ndarray
    fit_seconds: float
    directory: Path
    artifacts: dict[str, Artifact] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.spec.key}-{self.dataset.key}"


def prepare(dataset: Dataset, spec: ModelSpec, chosen: list[comp.Competitor], root: Path) -> Case:
    directory = root / f"{spec.key}-{dataset.key}"
    directory.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    model = spec.build(os.cpu_count() or 1).fit(dataset.X, dataset.y)
    fit_seconds = time.perf_counter() - start
    batch = dataset.batch
    case = Case(dataset, spec, model, batch, np.asarray(model.predict_proba(batch), dtype=np.float64), fit_seconds, directory)
    batch.tofile(directory / "batch.f64")
    batch[:1].tofile(directory / "row.f64")
    for competitor in chosen:
        if not competitor.applies(spec):
            continue
        artifact = Artifact(competitor.key)
        start = time.perf_counter()
        try:
            artifact.path = competitor.save(model, spec, dataset.X, directory)
            artifact.size = artifact.path.stat().st_size
        except comp.NotSupported as exc:
            artifact.status = "not yet supported" if competitor.key == "mle" else "failed"
            artifact.message = str(exc)
        except Exception as exc:  # a converter's own failure is a result to report, not a reason to stop
            artifact.status = "failed"
            artifact.message = f"{type(exc).__name__}: {exc}"
        artifact.save_seconds = time.perf_counter() - start
        if artifact.status == "ok":
            artifact.message = competitor.note(spec)
        case.artifacts[competitor.key] = artifact
        print(f"  saved {case.key} / {competitor.key}: {artifact.status} {artifact.message[:120]}", flush=True)
    return case


def fresh_process(command: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Times `command` from its start to its `ready` line, `runs` times; the child's own breakdown too."""
    walls, breakdowns = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = child.stdout.readline()
        wall = time.perf_counter() - start
        _, err = child.communicate()
        if not line.startswith("ready"):
            raise RuntimeError(f"fresh process failed: {(err or line).strip().splitlines()[-1:] or child.returncode}")
        walls.append(wall)
        breakdowns.append([float(v) for v in line.split()[1:]])
    result = {"wall": summarise(walls).as_dict()}
    result["breakdown"] = [float(np.median([b[i] for b in breakdowns])) for i in range(len(breakdowns[0]))]
    return result


def python_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(BENCH_DIR))


def measure_competitor(case: Case, artifact: Artifact, budget: Budget, fresh_runs: int) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    competitor = comp.by_key(artifact.competitor)
    path = artifact.path
    record: dict[str, Any] = {"size": artifact.size, "save_s": artifact.save_seconds}

    with threadpool_limits(limits=1):
        record["load_warm"] = measure(lambda: competitor.open(path, 1), budget, min_samples=5, teardown=lambda opened: opened.close()).as_dict()
    command = [sys.executable, "-m", "mlebench.fresh", competitor.key, str(path), str(case.directory / "row.f64")]
    record["load_fresh"] = fresh_process(command, fresh_runs, python_env())
    rows = [case.batch[i:i + 1] for i in range(min(1000, len(case.batch)))]
    record["batch"] = {}
    for threads in THREADS:
        opened = competitor.open(path, threads)
        try:
            with threadpool_limits(limits=threads):
                if threads == 1:
                    record["max_abs_diff"] = float(np.max(np.abs(opened.predict(case.batch) - case.reference)))
                    counter = iter(range(1 << 62))
                    record["latency"] = measure(lambda: opened.predict(rows[next(counter) % len(rows)]), budget,
                                                min_samples=200).as_dict()
                for size in BATCH_SIZES:
                    chunks = [case.batch[i:i + size] for i in range(0, len(case.batch) - size + 1, size)][:100]
                    counter = iter(range(1 << 62))
                    timing = measure(lambda: opened.predict(chunks[next(counter) % len(chunks)]), budget, min_samples=5)
                    record["batch"][f"{size}:{threads}"] = timing.as_dict()
        finally:
            opened.close()
    return record


def measure_case(case: Case, budget: Budget, fresh_runs: int) -> list[dict[str, Any]]:
    records = []
    for key, artifact in case.artifacts.items():
        record: dict[str, Any] = {"dataset": case.dataset.key, "model": case.spec.key, "competitor": key,
                                  "status": artifact.status, "message": artifact.message}
        if artifact.status == "ok":
            print(f"  measuring {case.key} / {key}", flush=True)
            try:
                record.update(measure_competitor(case, artifact, budget, fresh_runs))
            except Exception as exc:  # one runtime failing to run a model is a result, not the end of the run
                record["status"], record["message"] = "failed", f"{type(exc).__name__}: {exc}"
        records.append(record)
    return records
