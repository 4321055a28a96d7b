"""What the engine serving this process is: its version and kernel set, and the Java runtime and
start-up cache it runs on. Asked of the engine through `_jvm`'s bridge; owns no state.
"""

from __future__ import annotations

from typing import Any

from . import _jvm
from .errors import java_errors


def engine_info() -> dict[str, Any]:
    """The engine in use: its version, kernel set, and the Java runtime it runs on."""
    bridge = _jvm.bridge()
    import jpype

    with java_errors():
        return {
            "version": str(bridge.version()),
            "kernels": str(bridge.kernels()),
            "vector_kernels": bool(bridge.vectorKernelsEnabled()),
            "java_home": _jvm.java_home(),
            "java_version": str(jpype.java.lang.System.getProperty("java.version")),
            "aot_cache": _jvm.aot_cache_in_use(),
        }
