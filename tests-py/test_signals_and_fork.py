"""The SDK inside the processes people run: Ctrl-C and SIGTERM stay Python's once the engine has
started, and fork() after the engine started gives a clear error instead of a call that never
returns. Every test runs a real subprocess and sends real signals or forks for real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import mle_runtime
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

_PRELUDE = """
import atexit, multiprocessing as mp, os, signal, sys, time
import numpy as np
import mle_runtime
X = np.load({X!r})
PATH = {path!r}
"""


@pytest.fixture(scope="module")
def iris_model(datasets, model_dir):
    X, y = datasets["iris"]
    path = model_dir / "signals.mle"
    mle_runtime.export_model(LogisticRegression(max_iter=300).fit(X, y), path)
    np_path = model_dir / "signals_X.npy"
    np.save(np_path, X)
    return str(path), str(np_path)


def _script(iris_model, *parts: str) -> str:
    path, X = iris_model
    return "\n".join(textwrap.dedent(part) for part in (_PRELUDE.format(X=X, path=path), *parts))


def _start(code: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


_WAIT_FOR_SIGNAL = """
print("ready", flush=True)
try:
    if "{work}" == "predicting":
        big = np.tile(X, (20000, 1))
        while True:
            model.predict_proba(big)
    while True:
        time.sleep(0.05)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
finally:
    print("finally", flush=True)
"""


_LOAD_AND_PREDICT = """
atexit.register(lambda: print("atexit", flush=True))
model = mle_runtime.load_model(PATH)
model.predict(X)
"""


def _signalled(code: str, signum: int) -> tuple[int, list[str], str]:
    """Starts the script, sends it `signum` once it is waiting, and returns its status, the words it printed and its stderr."""
    process = _start(code)
    time.sleep(0.5)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    return process.returncode, out.split(), err


@pytest.mark.parametrize("work", ["sleeping", "predicting"])
def test_ctrl_c_raises_keyboard_interrupt_once_the_engine_runs(iris_model, work):
    status, printed, err = _signalled(_script(iris_model, _LOAD_AND_PREDICT, _WAIT_FOR_SIGNAL.format(work=work)), signal.SIGINT)
    assert status == 0, err
    assert printed == ["KeyboardInterrupt", "finally", "atexit"], (printed, err)


@pytest.mark.parametrize("installed", ["before the engine starts", "after the engine starts"])
def test_sigterm_reaches_the_applications_handler(iris_model, installed):
    handler = 'signal.signal(signal.SIGTERM, lambda s, f: (print("handler", flush=True), sys.exit(3)))\n'
    before, after = (handler, "") if installed.startswith("before") else ("", handler)
    status, printed, err = _signalled(_script(iris_model, before, _LOAD_AND_PREDICT, after, _WAIT_FOR_SIGNAL.format(work="sleeping")),
                                      signal.SIGTERM)
    assert status == 3, (printed, err)
    assert printed == ["handler", "finally", "atexit"], (printed, err)


def test_a_pool_forked_after_the_engine_started_gets_an_error_not_a_hang(iris_model):
    code = _script(iris_model, """
        model = mle_runtime.load_model(PATH)
        def one_row(i):
            return int(model.predict(X[i:i + 1])[0])
        if __name__ == "__main__":
            with mp.get_context("fork").Pool(2) as pool:
                try:
                    pool.map(one_row, range(20))
                except mle_runtime.EngineError as exc:
                    print("EngineError:", exc, flush=True)
            print("parent predicts", model.predict(X[:3]).tolist(), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "EngineError: the engine's JVM was started in the parent" in done.stdout and "'spawn'" in done.stdout, done.stdout
    assert "parent predicts [0, 0, 0]" in done.stdout


def test_a_child_forked_after_the_engine_started_refuses_and_exits(iris_model):
    code = _script(iris_model, """
        model = mle_runtime.load_model(PATH)
        pid = os.fork()
        if pid == 0:
            for attempt in (lambda: mle_runtime.load_model(PATH), lambda: model.predict(X[:1])):
                try:
                    attempt()
                except mle_runtime.EngineError:
                    print("child refused", flush=True)
            del model
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        print("child exit", os.waitstatus_to_exitcode(status), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["child refused", "child refused", "child exit 0"], done.stdout


def test_a_collection_in_a_forked_child_before_any_handler_of_ours_does_not_hang(iris_model):
    # A handler registered before the SDK was imported runs first in the child and collects, as
    # threading's own after-fork handler may when it allocates: JPype's Java collection must not run.
    code = "import gc, os\nos.register_at_fork(after_in_child=gc.collect)\n" + _script(iris_model, """
        model = mle_runtime.load_model(PATH)
        for _ in range(5):
            pid = os.fork()
            if pid == 0:
                gc.collect()
                os._exit(0)
            _, status = os.waitpid(pid, 0)
            print("child exit", os.waitstatus_to_exitcode(status), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:5] == ["child exit 0"] * 5, done.stdout


def test_workers_forked_before_the_engine_started_each_start_their_own(iris_model, datasets):
    X, y = datasets["iris"]
    expected = LogisticRegression(max_iter=300).fit(X, y).predict(X).tolist()
    code = _script(iris_model, """
        model = None
        def one_row(i):
            global model
            if model is None:
                model = mle_runtime.load_model(PATH)
            return int(model.predict(X[i:i + 1])[0])
        if __name__ == "__main__":
            with mp.get_context("fork").Pool(2) as pool:
                print(pool.map(one_row, range(len(X))), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(expected)
