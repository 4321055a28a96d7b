"""The `mle` console script: runs the engine's command line (org.mleruntime.cli.Main) on the JVM
the SDK discovers, with the jars shipped in this package.

This module owns only the launch: the Java runtime (the same discovery as `load_model`), the class
path and JVM options, and passing the arguments, standard streams and exit status through. Every
command is the Java program's; this module must not implement any of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from . import _jvm
from .errors import MleError

MAIN_CLASS = "org.mleruntime.cli.Main"


def command(args: list[str]) -> list[str]:
    """The java command line that runs `mle ARGS`."""
    home = _jvm.resolve_java_home()
    java = os.path.join(home, "bin", "java.exe" if os.name == "nt" else "java")
    if not os.path.isfile(java):
        raise MleError(f"the Java runtime at {home} has no java launcher ({java})")
    jars = _jvm.engine_jars()
    options = _jvm.jvm_options(home)
    # The start-up cache recorded for the SDK's JVM holds the command line's classes too.
    options += _jvm.aot_options(home, options, jars)
    progress = "true" if sys.stderr.isatty() else "false"
    return [java, *options, f"-Dmle.progress={progress}", "-cp", os.pathsep.join(jars), MAIN_CLASS, *args]


def _forward_stderr(stream, sink) -> None:
    """Copies the JVM's standard error as it comes, less the line the module system prints first
    when the Vector API module is added (it cannot be turned off); the launcher's "Picked up
    JAVA_TOOL_OPTIONS" lines may come before it and are kept."""
    line = stream.readline()
    while line.startswith(b"Picked up "):
        sink.write(line)
        line = stream.readline()
    if not line.startswith(b"WARNING: Using incubator modules"):
        sink.write(line)
    sink.flush()
    while chunk := stream.read1(4096):
        sink.write(chunk)
        sink.flush()


def main(argv: list[str] | None = None) -> int:
    """Runs `mle ARGS` and returns its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cmd = command(args)
    except MleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sink = getattr(sys.stderr, "buffer", None)
    filtered = sink is not None and f"--add-modules={_jvm.VECTOR_MODULE}" in cmd
    process = subprocess.Popen(cmd, stderr=subprocess.PIPE if filtered else None)
    forwarder = threading.Thread(target=_forward_stderr, args=(process.stderr, sink), daemon=True) if filtered else None
    if forwarder:
        forwarder.start()
    try:
        status = process.wait()
    except KeyboardInterrupt:
        process.terminate()
        status = process.wait()
    if forwarder:
        forwarder.join()
    return status


if __name__ == "__main__":
    sys.exit(main())
