"""Start-up: the JVM's ahead-of-time cache (named for the runtime, options and jars it was made with,
recorded by a training run or shipped with a bundled runtime, mapped by later starts without changing
a prediction, harmless when it is damaged or turned off) and the background warm-up (on by default, off on request, stopped by
close)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import mle_runtime
import pytest
from mle_runtime import _jvm

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import mle_runtime
    from sklearn.datasets import load_breast_cancer
    X, _ = load_breast_cancer(return_X_y=True)
    with mle_runtime.load_model(sys.argv[1]) as loaded:
        probabilities = loaded.predict_proba(X)
    np.save(sys.argv[2], probabilities)
    print(json.dumps({"aot_cache": mle_runtime.engine_info()["aot_cache"]}))
    """
)


def test_the_cache_is_named_for_the_runtime_options_and_jars(tmp_path):
    jar = tmp_path / "engine.jar"
    jar.write_bytes(b"jar")
    home = _jvm.resolve_java_home()
    first = _jvm.aot_cache_path(home, ["-Xss8m"], [str(jar)])
    assert first == _jvm.aot_cache_path(home, ["-Xss8m"], [str(jar)])
    assert first != _jvm.aot_cache_path(home, ["-Xss8m", "-XX:+UseSerialGC"], [str(jar)])
    os.utime(jar, ns=(1, 1))
    assert first != _jvm.aot_cache_path(home, ["-Xss8m"], [str(jar)]), "rebuilt jars look for a new cache"


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A platform wheel's runtime directory, with a cache recorded for these options and jars."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    jar = tmp_path / "engine.jar"
    jar.write_bytes(b"jar")
    (runtime / _jvm.BUNDLED_CACHE_NAME).write_bytes(b"cache")
    (runtime / _jvm.BUNDLED_CACHE_KEY_NAME).write_text(json.dumps(_jvm.bundled_cache_key(["-Xss8m"], [str(jar)])))
    monkeypatch.setattr(_jvm, "BUNDLED_RUNTIME", str(runtime))
    monkeypatch.setenv("MLE_CACHE_DIR", str(tmp_path / "user-caches"))
    monkeypatch.delenv(_jvm.AOT_CACHE_ENV, raising=False)
    return runtime, jar


def test_a_bundled_runtime_starts_with_the_cache_recorded_for_it(bundled):
    runtime, jar = bundled
    shipped = str(runtime / _jvm.BUNDLED_CACHE_NAME)
    assert _jvm.aot_options(str(runtime), ["-Xss8m"], [str(jar)])[0] == f"-XX:AOTCache={shipped}"
    assert _jvm.aot_options(str(runtime), ["-Xss8m", "-XX:+UseZGC"], [str(jar)]) == [], "other JVM options: not the recorded start"
    assert _jvm.aot_options(str(runtime.parent), ["-Xss8m"], [str(jar)]) == [], "another runtime"
    jar.write_bytes(b"rebuilt jar")
    assert _jvm.aot_options(str(runtime), ["-Xss8m"], [str(jar)]) == [], "other jars"


def test_a_cache_the_user_recorded_comes_before_the_bundled_one(bundled):
    runtime, jar = bundled
    mine = _jvm.aot_cache_path(str(runtime), ["-Xss8m"], [str(jar)])
    os.makedirs(os.path.dirname(mine))
    with open(mine, "wb") as f:
        f.write(b"cache")
    assert _jvm.aot_options(str(runtime), ["-Xss8m"], [str(jar)])[0] == f"-XX:AOTCache={mine}"


def _run(model_path, out, env):
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(model_path), str(out)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])["aot_cache"], done.stderr


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A cache recorded into a directory of its own, and the environment that uses it."""
    directory = tmp_path_factory.mktemp("aot")
    env = dict(os.environ, MLE_CACHE_DIR=str(directory))
    previous = os.environ.get("MLE_CACHE_DIR")
    os.environ["MLE_CACHE_DIR"] = str(directory)
    try:
        path = mle_runtime.build_startup_cache()
    finally:
        if previous is None:
            del os.environ["MLE_CACHE_DIR"]
        else:
            os.environ["MLE_CACHE_DIR"] = previous
    return path, env


def test_a_recorded_cache_is_mapped_and_changes_no_prediction(trained, tmp_path):
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    path, env = trained
    assert os.path.isfile(path) and os.path.getsize(path) > 1_000_000
    X, y = load_breast_cancer(return_X_y=True)
    model_path = tmp_path / "forest.mle"
    mle_runtime.export_model(RandomForestClassifier(20, random_state=0).fit(X, y), model_path)
    used, stderr = _run(model_path, tmp_path / "with.npy", env)
    assert used == path
    assert stderr == ""
    unused, _ = _run(model_path, tmp_path / "without.npy", dict(env, MLE_AOT_CACHE="0"))
    assert unused is None
    assert np.array_equal(np.load(tmp_path / "with.npy"), np.load(tmp_path / "without.npy"))


def test_the_command_line_starts_from_the_same_cache(trained, tmp_path):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression

    path, env = trained
    X, y = load_breast_cancer(return_X_y=True)
    model_path = tmp_path / "linear.mle"
    mle_runtime.export_model(LogisticRegression(max_iter=5000).fit(X, y), model_path)
    log = tmp_path / "classes.log"
    done = subprocess.run([sys.executable, "-m", "mle_runtime.cli", "inspect", str(model_path)], capture_output=True, text=True, timeout=120,
                          env=dict(env, JAVA_TOOL_OPTIONS=f"-Xlog:class+load=info:file={log}"))
    assert done.returncode == 0, done.stderr
    engine_classes = [line for line in log.read_text().splitlines() if " org.mleruntime." in line]
    assert any("shared objects file" in line for line in engine_classes), "the engine's classes come from the cache"


def test_a_damaged_cache_is_skipped_without_a_word(trained, tmp_path):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression

    path, env = trained
    damaged = tmp_path / "cache"
    damaged.mkdir()
    X, y = load_breast_cancer(return_X_y=True)
    model_path = tmp_path / "linear.mle"
    mle_runtime.export_model(LogisticRegression(max_iter=5000).fit(X, y), model_path)
    copy = os.path.join(str(damaged), os.path.basename(path))
    with open(path, "rb") as source, open(copy, "wb") as target:
        data = bytearray(source.read())
        data[len(data) // 2: len(data) // 2 + 4096] = os.urandom(4096)
        target.write(data[: len(data) // 3])
    used, stderr = _run(model_path, tmp_path / "out.npy", dict(env, MLE_CACHE_DIR=str(damaged)))
    assert used == copy
    assert stderr == ""


_WARM_UP_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import mle_runtime
    kwargs = json.loads(sys.argv[2])

    model = mle_runtime.load_model(sys.argv[1], **kwargs)
    java = model._java
    started = bool(java.warmingUp())
    model.close()
    print(json.dumps({"started": started, "after_close": bool(java.warmingUp())}))
    """
)


@pytest.mark.parametrize("kwargs, env, expected", [({}, {}, True), ({"warm_up": False}, {}, False), ({}, {"MLE_WARM_UP": "0"}, False),
                                                   ({"warm_up": True}, {"MLE_WARM_UP": "0"}, True)])
def test_the_warm_up_runs_unless_turned_off_and_stops_at_close(tmp_path, kwargs, env, expected):
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    X, y = load_breast_cancer(return_X_y=True)
    model_path = tmp_path / "forest.mle"
    mle_runtime.export_model(RandomForestClassifier(50, random_state=0).fit(X, y), model_path)
    done = subprocess.run([sys.executable, "-c", _WARM_UP_SCRIPT, str(model_path), json.dumps(kwargs)], env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"started": expected, "after_close": False}
