"""Prints where a test run happens: the CPU and its SIMD level, the BLAS kernel numpy and scipy use,
the Java runtime and the kernel set the engine chose. `make test` prints it first, so that a failure
report says on which kind of machine it came; scikit-learn's last bits depend on the BLAS kernel, the
engine's kernel set on the Java runtime."""

from __future__ import annotations

import os
import platform


def cpu() -> tuple[str, str]:
    """The CPU's model name and the widest SIMD extension it reports."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    for flag, level in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"), ("sse4_2", "SSE4.2")):
        if flag in flags:
            return model, level
    return model, "unknown"


def blas() -> list[str]:
    """One line per BLAS library loaded by numpy and scipy: library, version, kernel."""
    import numpy  # noqa: F401  (loads numpy's BLAS)
    import scipy.linalg  # noqa: F401  (loads scipy's)
    from threadpoolctl import threadpool_info

    lines = []
    for info in threadpool_info():
        if info.get("user_api") == "blas":
            lines.append(f"{info.get('internal_api')} {info.get('version')}, kernel {info.get('architecture', 'unknown')}, "
                         f"{info.get('num_threads')} threads ({os.path.basename(info.get('filepath', ''))})")
    forced = os.environ.get("OPENBLAS_CORETYPE")
    if forced:
        lines.append(f"OPENBLAS_CORETYPE={forced} is set")
    return lines


def main() -> None:
    import mle_runtime

    model, level = cpu()
    engine = mle_runtime.engine_info()
    print("Test machine")
    print(f"  CPU:            {model} ({os.cpu_count()} cores), SIMD {level}")
    for line in blas():
        print(f"  BLAS:           {line}")
    print(f"  engine runtime: Java {engine['java_version']} at {engine['java_home']}")
    print(f"  engine kernels: {engine['kernels']}")
    tool_options = os.environ.get("JAVA_TOOL_OPTIONS")
    if tool_options:
        print(f"  JAVA_TOOL_OPTIONS={tool_options}")


if __name__ == "__main__":
    main()
