"""The benchmark harness's own arithmetic (bench/mlebench): statistics, peak rates, probability
shapes, /proc parsing, and above all the direction of every target ratio, so that a report can
never call a slower runtime faster. Needs none of the benchmark extras and measures nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from mlebench import machine, memory, report, timing  # noqa: E402
from mlebench.competitors import two_columns  # noqa: E402


def test_summary_statistics_interpolate_between_ranks():
    t = timing.summarise([5.0, 1.0, 4.0, 2.0, 3.0])
    assert (t.n, t.median, t.p10, t.p90) == (5, 3.0, 1.4, 4.6)
    assert t.spread == pytest.approx(1.6)
    assert timing.Timing.from_dict(t.as_dict()) == t


def test_measure_excludes_the_teardown_and_counts_every_sample():
    torn = []
    t = timing.measure(lambda: 7, timing.Budget(warmup=0.0, sample=10.0), min_samples=4, max_samples=4, teardown=torn.append)
    assert t.n == 4 and set(torn) == {7} and len(torn) == 5  # one warm-up call, four samples


def test_slow_calls_stop_at_three_samples_once_five_budgets_have_passed():
    import time

    t = timing.measure(lambda: time.sleep(0.02), timing.Budget(warmup=0.0, sample=0.001), min_samples=5)
    assert t.n == 3 and t.median >= 0.02


@pytest.mark.parametrize(("flags", "vendor", "family", "expected"), [
    ("fma avx2 avx512f", "AuthenticAMD", "25", (16, 32)),   # Zen 4: two 256-bit pipes
    ("fma avx2 avx512f", "AuthenticAMD", "26", (32, 64)),   # Zen 5: two 512-bit pipes
    ("fma avx2 avx512f", "GenuineIntel", "6", (32, 64)),
    ("fma avx2", "GenuineIntel", "6", (16, 32)),
    ("sse2", "GenuineIntel", "6", (4, 8)),
])
def test_flops_per_cycle_follow_the_fma_units(flags, vendor, family, expected):
    dp, sp, why = machine.flops_per_cycle({"Flags": flags, "Vendor ID": vendor, "CPU family": family})
    assert (dp, sp) == expected and why


def test_one_column_probabilities_become_two():
    np.testing.assert_array_equal(two_columns(np.array([0.25, 1.0])), [[0.75, 0.25], [0.0, 1.0]])
    np.testing.assert_array_equal(two_columns(np.array([[[0.5]]])), [[0.5, 0.5]])
    three = np.array([[0.2, 0.3, 0.5]])
    np.testing.assert_array_equal(two_columns(three), three)


def test_this_process_memory_and_a_mapped_file_are_read_from_proc(tmp_path):
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc smaps_rollup here")
    values = memory.smaps_rollup(os.getpid())
    assert values["Rss"] > 0 and values["Pss"] > 0
    path = tmp_path / "weights.bin"
    np.arange(1 << 18, dtype=np.float64).tofile(path)  # 2 MiB
    mapped = np.memmap(path, dtype=np.float64, mode="r")
    assert float(mapped.sum()) > 0  # touches every page
    resident = memory.mapped_file(os.getpid(), path)
    assert resident["Rss"] == 1 << 21 and 0 < resident["Pss"] <= 1 << 21
    del mapped


def _timing(seconds: float) -> dict:
    return timing.Timing(5, seconds, seconds, seconds, seconds).as_dict()


def _record(competitor: str, size: int, load: float, latency: float, batch: float) -> dict:
    return {"dataset": "synthetic", "model": "forest", "competitor": competitor, "status": "ok", "message": "", "size": size,
            "load_warm": _timing(load), "latency": _timing(latency),
            "batch": {f"10000:{t}": _timing(batch) for t in (1, 2)}}


def test_target_ratios_point_the_right_way():
    data = {
        "models": [{"key": "forest", "title": "forest", "family": "forest"}],
        "datasets": [{"key": "synthetic", "title": "synthetic", "real": False}],
        # MLE: smaller, faster to load and to answer one row, slower on the batch.
        "python": [_record("mle", 10, 0.001, 0.00001, 2.0), _record("joblib", 100, 0.1, 0.001, 1.0),
                   _record("onnxruntime", 20, 0.05, 0.00002, 1.0)],
        "jvm": [], "memory": [], "scaling": [],
    }
    rows = {row[0]: row for row in report.targets(report.Results(data))}
    assert rows["warm load vs joblib (× faster)"][2:] == ["100×", "≥ 20×", "met"]
    assert rows["file size vs joblib, forests (× of joblib)"][2:] == ["0.1×", "≤ 0.2×", "met"]
    assert rows["1-row latency vs framework predict (× of it)"][2:] == ["0.01×", "≤ 0.1×", "met"]
    assert rows["1-row latency vs ONNX Runtime (× of it)"][2:] == ["0.5×", "≤ 0.7×", "met"]
    assert rows["10k-row throughput vs ONNX Runtime, 1 thread"][2:] == ["0.5×", "≥ 1.5×", "**missed**"]


def test_a_model_mle_cannot_export_is_reported_not_compared():
    data = {
        "models": [{"key": "mlp", "title": "mlp", "family": "mlp"}],
        "datasets": [{"key": "synthetic", "title": "synthetic", "real": False}],
        "python": [{"dataset": "synthetic", "model": "mlp", "competitor": "mle", "status": "not yet supported", "message": "no converter"},
                   _record("onnxruntime", 20, 0.05, 0.00002, 1.0) | {"model": "mlp"}],
        "jvm": [], "memory": [], "scaling": [],
    }
    rows = report.targets(report.Results(data))
    assert rows and all(row[2] == "not yet supported" and row[4] == "n/a" for row in rows)
