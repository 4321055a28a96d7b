"""The Python runtimes a model is compared on, each saved, loaded and called as its users do.

A `Competitor` saves a fitted model into its own artifact (`save`), opens that artifact with a
thread count (`open`) and returns class probabilities for a float64 batch, as float64 [rows, classes].
`applies` says which model families it can express at all; `save` raises `NotSupported` when it
cannot express one particular model (MLE Runtime's "not yet supported", a compiler that gave up).
Framework imports happen inside the methods, so that a fresh process (see `fresh`) pays only for
the runtime it uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .suite import ModelSpec

SKLEARN_FAMILIES = ("linear", "pipeline", "forest", "mlp")
TREE_FAMILIES = ("forest", "xgboost", "lightgbm", "catboost")
# A compiled-trees build that takes longer is reported as failed rather than holding up the run.
COMPILE_TIMEOUT_S = 900


class NotSupported(Exception):
    """The runtime cannot express this model; the message says why."""


@dataclass
class Opened:
    """An opened model: `predict` gives class probabilities for a classifier, predictions for a regressor."""

    predict: Callable[[np.ndarray], np.ndarray]
    close: Callable[[], None] = lambda: None


def two_columns(p: np.ndarray) -> np.ndarray:
    """Binary classifiers' one-column outputs (the positive class's probability) as [1 − p, p]."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 3:
        p = p.reshape(p.shape[0], -1)
    if p.ndim == 1 or p.shape[1] == 1:
        p = p.reshape(-1)
        return np.column_stack([1 - p, p])
    return p


class Competitor(ABC):
    key = ""
    title = ""

    def applies(self, spec: ModelSpec) -> bool:
        return True

    @abstractmethod
    def save(self, model: Any, spec: ModelSpec, X: np.ndarray, directory: Path) -> Path:
        """The model saved as this runtime's artifact in `directory`; NotSupported when it cannot be."""

    def note(self, spec: ModelSpec) -> str:
        """Anything a reader of the results should know about how this runtime was set up for `spec`."""
        return ""

    @abstractmethod
    def open(self, path: Path, threads: int) -> Opened:
        """The artifact at `path` opened for scoring with `threads` threads."""

    def start_runtime(self) -> None:
        """Loads the runtime without a model: the baseline a model's memory is measured from."""


class Mle(Competitor):
    key = "mle"
    title = "MLE Runtime"

    def save(self, model, spec, X, directory):
        import mle_runtime

        path = directory / f"{spec.key}.mle"
        try:
            mle_runtime.export_model(model, path)
        except mle_runtime.UnsupportedModelError as exc:
            raise NotSupported(f"not yet supported: {str(exc).split(':')[0]}") from None
        return path

    def open(self, path, threads):
        import mle_runtime

        model = mle_runtime.load_model(path, threads=threads)
        return Opened(model.predict_proba if "predict_proba" in model.methods else model.predict, model.close)

    def start_runtime(self):
        import mle_runtime

        mle_runtime.engine_info()


class Joblib(Competitor):
    key = "joblib"
    title = "joblib + framework predict"

    def save(self, model, spec, X, directory):
        import joblib

        path = directory / f"{spec.key}.joblib"
        joblib.dump(model, path)
        return path

    def open(self, path, threads):
        import joblib

        model = joblib.load(path)
        final = model.steps[-1][1] if hasattr(model, "steps") else model
        if type(final).__module__.startswith("catboost"):
            return Opened(lambda X: final.predict_proba(X, thread_count=threads))
        if "n_jobs" in final.get_params():
            final.set_params(n_jobs=threads)
        return Opened(model.predict_proba if hasattr(model, "predict_proba") else model.predict)

    def start_runtime(self):
        import joblib  # noqa: F401
        import sklearn.ensemble  # noqa: F401
        import sklearn.linear_model  # noqa: F401


def _strip_zipmap(path: Path) -> None:
    """Replaces a ZipMap output (a list of dicts, CatBoost's export) by the probability tensor it wraps."""
    import onnx

    graph_model = onnx.load(str(path))
    graph = graph_model.graph
    for node in list(graph.node):
        if node.op_type != "ZipMap":
            continue
        output = node.output[0]
        source = node.input[0]
        graph.node.remove(node)
        for out in list(graph.output):
            if out.name == output:
                graph.output.remove(out)
                graph.output.append(onnx.helper.make_tensor_value_info(source, onnx.TensorProto.FLOAT, None))
        for other in graph.node:
            other.input[:] = [source if i == output else i for i in other.input]
    onnx.save(graph_model, str(path))


class OnnxRuntime(Competitor):
    key = "onnxruntime"
    title = "ONNX Runtime"

    def save(self, model, spec, X, directory):
        path = directory / f"{spec.key}.onnx"
        X32 = X[:1].astype(np.float32)
        if spec.family in SKLEARN_FAMILIES:
            from skl2onnx import to_onnx

            final = model.steps[-1][1] if hasattr(model, "steps") else model
            onx = to_onnx(model, X32, options={id(final): {"zipmap": False}})
            path.write_bytes(onx.SerializeToString())
        elif spec.family in ("xgboost", "lightgbm"):
            import onnxmltools
            from onnxmltools.convert.common.data_types import FloatTensorType

            types = [("input", FloatTensorType([None, X.shape[1]]))]
            if spec.family == "xgboost":
                onx = onnxmltools.convert_xgboost(model, initial_types=types)
            else:
                onx = onnxmltools.convert_lightgbm(model, initial_types=types, zipmap=False)
            path.write_bytes(onx.SerializeToString())
        elif spec.family == "catboost":
            model.save_model(str(path), format="onnx")
            _strip_zipmap(path)
        else:
            raise NotSupported(f"no ONNX converter for family {spec.family}")
        return path

    def open(self, path, threads):
        import onnxruntime as ort

        ort.set_default_logger_severity(3)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        first = session.get_inputs()[0]
        input_name = first.name
        dtype = np.float64 if first.type == "tensor(double)" else np.float32
        output = next((o.name for o in session.get_outputs() if "prob" in o.name), session.get_outputs()[0].name)

        def predict(X):
            result = session.run([output], {input_name: X.astype(dtype, copy=False)})[0]
            return two_columns(result) if "prob" in output else result

        return Opened(predict)

    def start_runtime(self):
        import onnxruntime  # noqa: F401


class Native(Competitor):
    """XGBoost, LightGBM and CatBoost from their own model files, through their own predict."""

    key = "native"
    title = "booster's own predict"

    def applies(self, spec):
        return spec.family in ("xgboost", "lightgbm", "catboost")

    def save(self, model, spec, X, directory):
        if spec.family == "xgboost":
            path = directory / f"{spec.key}.ubj"
            model.get_booster().save_model(str(path))
        elif spec.family == "lightgbm":
            path = directory / f"{spec.key}.txt"
            model.booster_.save_model(str(path))
        else:
            path = directory / f"{spec.key}.cbm"
            model.save_model(str(path))
        return path

    def open(self, path, threads):
        suffix = Path(path).suffix
        if suffix == ".ubj":
            import xgboost

            booster = xgboost.Booster(model_file=str(path))
            booster.set_param({"nthread": threads})
            return Opened(lambda X: two_columns(booster.inplace_predict(X)))
        if suffix == ".txt":
            import lightgbm

            booster = lightgbm.Booster(model_file=str(path))
            return Opened(lambda X: two_columns(booster.predict(X, num_threads=threads)))
        import catboost

        model = catboost.CatBoostClassifier()
        model.load_model(str(path))
        return Opened(lambda X: model.predict_proba(X, thread_count=threads))


def _compile(kind: str, source: Path, target: Path, *flags: str) -> None:
    """Runs a compiler (`mlebench.compile`) in a child process with a time limit."""
    command = [sys.executable, "-m", "mlebench.compile", kind, str(source), str(target), *flags]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    try:
        subprocess.run(command, check=True, timeout=COMPILE_TIMEOUT_S, capture_output=True, text=True, env=env)
    except subprocess.TimeoutExpired:
        raise NotSupported(f"{kind} build took longer than {COMPILE_TIMEOUT_S} s") from None
    except subprocess.CalledProcessError as exc:
        raise NotSupported(f"{kind} build failed: {exc.stderr.strip().splitlines()[-1] if exc.stderr.strip() else exc}") from None


class Treelite(Competitor):
    """Treelite's model import and TL2cgen's C code, compiled by gcc into a shared library.

    TL2cgen compiles with gcc -O3. A scikit-learn forest grown to full depth is hundreds of
    thousands of nodes, for which -O3 runs over half an hour on two cores; forests are compiled with
    -O1 instead (about eight minutes), and `note` says so.
    """

    key = "tl2cgen"
    title = "Treelite + TL2cgen"
    FOREST_FLAGS = ("-O1",)

    def applies(self, spec):
        return spec.family in ("forest", "xgboost", "lightgbm")

    def note(self, spec: ModelSpec) -> str:
        return "compiled with gcc -O1 (TL2cgen's -O3 takes over 30 min for a full-depth forest)" if spec.family == "forest" else ""

    def save(self, model, spec, X, directory):
        saver = Joblib() if spec.family == "forest" else Native()
        source = saver.save(model, spec, X, directory)
        target = directory / f"{spec.key}.tl2cgen.so"
        _compile("tl2cgen", source, target, *(self.FOREST_FLAGS if spec.family == "forest" else ()))
        return target

    def open(self, path, threads):
        import tl2cgen

        predictor = tl2cgen.Predictor(str(path), nthread=threads)
        dtype = np.float32 if predictor.threshold_type == "float32" else np.float64
        return Opened(lambda X: two_columns(predictor.predict(tl2cgen.DMatrix(X.astype(dtype, copy=False)))))


class Lleaves(Competitor):
    """lleaves: a LightGBM model compiled by LLVM; the artifact is the object file it caches."""

    key = "lleaves"
    title = "lleaves"

    def applies(self, spec):
        return spec.family == "lightgbm"

    def save(self, model, spec, X, directory):
        source = Native().save(model, spec, X, directory)
        target = directory / f"{spec.key}.lleaves.o"
        _compile("lleaves", source, target)
        return target

    def open(self, path, threads):
        import lleaves

        model = lleaves.Model(model_file=str(path).removesuffix(".lleaves.o") + ".txt")
        model.compile(cache=str(path))
        return Opened(lambda X: two_columns(model.predict(X, n_jobs=threads)))


ALL: list[Competitor] = [Mle(), Joblib(), OnnxRuntime(), Native(), Treelite(), Lleaves()]


def by_key(key: str) -> Competitor:
    for competitor in ALL:
        if competitor.key == key:
            return competitor
    raise KeyError(f"unknown competitor {key!r}; known: {', '.join(c.key for c in ALL)}")
