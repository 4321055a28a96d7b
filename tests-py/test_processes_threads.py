"""A file written in one process is read in another, and one model serves concurrent threads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import mle_runtime
import numpy as np
from conftest import assert_labels_match, assert_values_match
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def test_file_written_here_is_read_in_another_process(datasets, model_dir):
    X, y = datasets["wine"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(X, y)
    path = model_dir / "cross_process.mle"
    mle_runtime.export_model(model, path)
    np.save(model_dir / "cross_process_X.npy", X)
    script = textwrap.dedent(
        f"""
        import numpy as np, mle_runtime
        model = mle_runtime.load_model({str(path)!r})
        X = np.load({str(model_dir / "cross_process_X.npy")!r})
        np.save({str(model_dir / "cross_process_proba.npy")!r}, model.predict_proba(X))
        np.save({str(model_dir / "cross_process_label.npy")!r}, model.predict(X))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert_values_match(np.load(model_dir / "cross_process_proba.npy"), model.predict_proba(X))
    assert_labels_match(np.load(model_dir / "cross_process_label.npy"), model.predict(X))


def test_threads_share_one_model(datasets, export_load):
    X, y = datasets["breast_cancer"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(X, y)
    loaded = export_load(model)
    big = np.tile(X, (8, 1))
    # Warm the engine first, so every thread runs the same compiled kernels (see the next test for
    # what happens to the last bits while the JIT is still at work).
    for _ in range(300):
        loaded.predict_proba(big)
    expected_proba, expected_label = loaded.predict_proba(big), loaded.predict(big)
    assert_values_match(expected_proba, model.predict_proba(big))

    def work(seed):
        rng = np.random.default_rng(seed)
        for _ in range(25):
            rows = int(rng.integers(1, len(big)))
            start = int(rng.integers(0, len(big) - rows + 1))
            part = big[start : start + rows]
            np.testing.assert_array_equal(loaded.predict_proba(part), expected_proba[start : start + rows])
            np.testing.assert_array_equal(loaded.predict(part), expected_label[start : start + rows])
        return loaded.predict_proba(big)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(4)))
    for result in results:
        np.testing.assert_array_equal(result, expected_proba)


def test_repeated_predictions_are_bit_identical_from_a_cold_start(model_dir):
    """The same input gives the same bits on the first call and the 300th, whichever kernels run."""
    script = textwrap.dedent(
        """
        import numpy as np, mle_runtime
        from sklearn.datasets import load_diabetes
        from sklearn.linear_model import Ridge
        X, y = load_diabetes(return_X_y=True)
        path = %r
        mle_runtime.export_model(Ridge().fit(X, y), path)
        model = mle_runtime.load_model(path)
        big = np.tile(X, (10, 1))
        first = model.predict(big)
        changed = [i for i in range(300) if not np.array_equal(model.predict(big), first)]
        info = mle_runtime.engine_info()
        print(f"kernels {info['kernels']}: {len(changed)} of 300 repeated calls differ from the first (from call {changed[:1]})")
        """
        % str(model_dir / "repeat.mle")
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert " 0 of 300" in done.stdout, done.stdout


def test_first_use_from_several_threads_starts_one_jvm(model_dir):
    path = model_dir / "first_use.mle"
    script = textwrap.dedent(
        f"""
        import numpy as np, mle_runtime
        from concurrent.futures import ThreadPoolExecutor
        from sklearn.datasets import load_iris
        from sklearn.linear_model import LogisticRegression
        X, y = load_iris(return_X_y=True)
        model = LogisticRegression(max_iter=300).fit(X, y)

        def first_call(i):
            if i == 0:
                mle_runtime.export_model(model, {str(path)!r})
            return mle_runtime.engine_info()["java_home"]

        with ThreadPoolExecutor(max_workers=4) as pool:
            homes = set(pool.map(first_call, range(4)))
        assert len(homes) == 1, homes
        assert np.array_equal(mle_runtime.load_model({str(path)!r}).predict(X), model.predict(X))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
