"""Resident memory of processes serving one model: 1 process, then 4 at once, read from /proc.

Each process (`mlebench.serve`) starts its runtime, is measured (the baseline), opens the model and
scores rows, and is measured again. PSS (proportional set size) splits every shared page between
the processes that map it, so summing PSS over processes counts a page cache shared by a
memory-mapped file once and a copy per process as often as there are copies. Reported per case:
the whole processes' PSS and RSS, and the part the model added over the baseline.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .pysection import python_env

FIELDS = ("Rss", "Pss", "Pss_Anon", "Pss_File")


def smaps_rollup(pid: int) -> dict[str, int]:
    """Bytes per field of /proc/<pid>/smaps_rollup (the fields the kernel has)."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in FIELDS:
            values[key] = int(rest.split()[0]) * 1024
    return values


def mapped_file(pid: int, path: Path) -> dict[str, int]:
    """Rss and Pss in bytes of the mappings of `path` in process `pid`."""
    totals = {"Rss": 0, "Pss": 0}
    inside = False
    target = str(path.resolve())
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
            inside = len(head) >= 6 and head[5] == target
        elif inside and head and head[0].rstrip(":") in totals:
            totals[head[0].rstrip(":")] += int(head[1]) * 1024
    return totals


def _await(child: subprocess.Popen, word: str) -> None:
    line = child.stdout.readline()
    if line.strip() != word:
        child.kill()
        err = child.stderr.read()
        raise RuntimeError(f"serving process did not print {word!r}: {(line + err).strip()[-400:]}")


def serve(competitor: str, artifact: Path, rows_file: Path, cols: int, count: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "mlebench.serve", competitor, str(artifact), str(rows_file), str(cols)]
    children = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=python_env()) for _ in range(count)]
    try:
        for child in children:
            _await(child, "started")
        baseline = [smaps_rollup(c.pid) for c in children]
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            _await(child, "ready")
        time.sleep(0.2)
        after = [smaps_rollup(c.pid) for c in children]
        files = [mapped_file(c.pid, artifact) for c in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.stdin.close()
        for child in children:
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
    return {
        "processes": count,
        "pss": sum(a["Pss"] for a in after),
        "rss": sum(a["Rss"] for a in after),
        "pss_model": sum(a["Pss"] - b["Pss"] for a, b in zip(after, baseline)),
        "rss_model": sum(a["Rss"] - b["Rss"] for a, b in zip(after, baseline)),
        "file_pss": sum(f["Pss"] for f in files),
        "file_rss": sum(f["Rss"] for f in files),
    }


def measure(label: str, artifacts: dict[str, Path], rows_file: Path, cols: int, processes: int = 4) -> list[dict[str, Any]]:
    records = []
    for competitor, artifact in artifacts.items():
        print(f"  memory {label} / {competitor}", flush=True)
        record: dict[str, Any] = {"model": label, "competitor": competitor, "size": artifact.stat().st_size}
        try:
            record["one"] = serve(competitor, artifact, rows_file, cols, 1)
            record["many"] = serve(competitor, artifact, rows_file, cols, processes)
        except (RuntimeError, OSError) as exc:
            record["error"] = str(exc)
        records.append(record)
    return records
