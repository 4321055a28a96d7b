"""Load time against model size: a linear model with 1 000 inputs whose float64 coefficient matrix
weighs 1 MB to 1 GB, saved as .mle, joblib and ONNX (float64, so that the ONNX file holds the same
weights), loaded in this warm process with the files in the page cache. Each size's files are
deleted once measured, so the run never holds more than one size on disk.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .timing import Budget, measure

FEATURES = 1000


def linear_model(megabytes: float, seed: int = 0):
    """A fitted-looking LinearRegression whose coef_ is `megabytes` of float64 ([outputs, FEATURES])."""
    from sklearn.linear_model import LinearRegression

    outputs = max(1, int(megabytes * 1e6 / 8 / FEATURES))
    rng = np.random.default_rng(seed)
    model = LinearRegression()
    model.coef_ = rng.standard_normal((outputs, FEATURES))
    model.intercept_ = rng.standard_normal(outputs)
    model.n_features_in_ = FEATURES
    return model


def save_all(model: Any, directory: Path) -> dict[str, Path]:
    """The model as .mle, joblib and ONNX (float64 input) in `directory`."""
    import joblib
    import mle_runtime
    from skl2onnx import to_onnx

    paths = {"mle": directory / "linear.mle", "joblib": directory / "linear.joblib", "onnxruntime": directory / "linear.onnx"}
    mle_runtime.export_model(model, paths["mle"])
    joblib.dump(model, paths["joblib"])
    paths["onnxruntime"].write_bytes(to_onnx(model, np.zeros((1, FEATURES))).SerializeToString())
    return paths


def close_when_verified(model: Any, patience_s: float = 120.0) -> None:
    """Closes a model opened with a deferred checksum once the background check lets it.

    The engine refuses to close a model whose deferred check is still reading the mapping (an
    EngineError "Session is acquired"), so the close is retried; this is outside the timed region.
    """
    import mle_runtime

    deadline = time.monotonic() + patience_s
    while True:
        try:
            model.close()
            return
        except mle_runtime.EngineError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def loaders(paths: dict[str, Path]) -> dict[str, tuple[Callable[[], Any], Callable[[Any], None] | None]]:
    """Each way of loading: (the timed load, what to do with its result afterwards, untimed)."""
    import joblib
    import mle_runtime
    import onnxruntime as ort

    return {
        "mle": (lambda: mle_runtime.load_model(paths["mle"]), lambda m: m.close()),
        "mle (deferred checksum)": (lambda: mle_runtime.load_model(paths["mle"], defer_checksum=True), close_when_verified),
        "joblib": (lambda: joblib.load(paths["joblib"]), None),
        "onnxruntime": (lambda: ort.InferenceSession(str(paths["onnxruntime"]), providers=["CPUExecutionProvider"]), None),
    }


def run(sizes_mb: list[float], budget: Budget) -> list[dict[str, Any]]:
    records = []
    for size in sizes_mb:
        directory = Path(tempfile.mkdtemp(prefix="mle-bench-scaling-"))
        try:
            print(f"  scaling: {size:g} MB", flush=True)
            paths = save_all(linear_model(size), directory)
            record: dict[str, Any] = {"megabytes": size, "files": {k: p.stat().st_size for k, p in paths.items()}, "load": {}}
            for name, (load, teardown) in loaders(paths).items():
                record["load"][name] = measure(load, budget, min_samples=3, max_samples=200, teardown=teardown).as_dict()
            records.append(record)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    return records
