"""The JVM's ahead-of-time cache for this machine's engine runtime: `build_startup_cache()`.

This module owns the training run that records the cache (JEP 483 classes loaded and linked,
JEP 515 method profiles): a child process that starts the engine's JVM exactly as `load_model`
does, with `-XX:AOTCacheOutput`, exports and loads a few small models of the kinds people deploy
and scores them row by row and in batches, then exits, which is when the JVM writes the cache. The
result replaces the cache atomically; `_jvm` maps it at every later start on the same runtime, jars
and options. The workload itself is `_startup_training`, run in the child alone.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from . import _jvm
from .errors import EngineError


# Caches kept per cache directory: one per runtime and set of jars in use, the older ones removed.
KEPT_CACHES = 6


def build_startup_cache(rebuild: bool = False, timeout: float = 600) -> str:
    """Records the AOT cache for the engine's Java runtime and returns its path.

    Run it once after installing or upgrading (the SDK's set-up does): later processes then start
    their JVM and load their first model faster, and reach full speed in fewer calls. A cache that
    exists for this runtime, these options and these jars is kept unless `rebuild`, and so is the
    one a platform wheel ships for its own runtime. Set MLE_AOT_CACHE=0 to start without the cache;
    MLE_CACHE_DIR chooses where caches live (default ~/.cache/mle-runtime).
    """
    home = _jvm.resolve_java_home()
    jars = _jvm.engine_jars()
    options = _jvm.jvm_options(home)
    target = _jvm.aot_cache_path(home, options, jars)
    shipped = _jvm.bundled_cache(home, options, jars)
    if not rebuild and (os.path.isfile(target) or shipped):
        return target if os.path.isfile(target) else shipped
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = f"{target}.{os.getpid()}.partial"
    env = dict(os.environ, **{_jvm._AOT_TRAINING_ENV: partial})
    env.pop(_jvm.AOT_CACHE_ENV, None)
    try:
        done = subprocess.run([sys.executable, "-m", "mle_runtime._startup_training"], env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not os.path.isfile(partial):
            raise EngineError(f"the training run for the JVM's start-up cache failed: {(done.stderr or done.stdout).strip()[-2000:]}")
        os.replace(partial, target)
    finally:
        for leftover in (partial, f"{partial}.config"):
            if os.path.exists(leftover):
                os.remove(leftover)
    _remove_old_caches(os.path.dirname(target))
    return target


def _remove_old_caches(directory: str) -> None:
    caches = sorted((os.path.join(directory, name) for name in os.listdir(directory) if name.startswith("jvm-") and name.endswith(".aot")),
                    key=os.path.getmtime, reverse=True)
    for stale in caches[KEPT_CACHES:]:
        with contextlib.suppress(OSError):
            os.remove(stale)
