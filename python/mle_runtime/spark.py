"""Batch scoring on Apache Spark: a Spark ML transformer and SQL functions over a .mle file.

The transformer is the JVM's `org.mleruntime.spark.MleTransformer`, wrapped: rows are scored in
batches inside the executors' JVMs, the file memory-mapped once per executor, with no Python worker
at scoring time. Its jars ship in this package; `jars()` lists them for `spark.jars`::

    spark = SparkSession.builder.config("spark.jars", ",".join(mle_runtime.spark.jars())).getOrCreate()
    scored = MleTransformer(model_path="m.mle", method="predict_proba", output_col="proba").transform(df)
    mle_runtime.spark.register(spark, "churn", "m.mle")   # SELECT churn(f1, ..., f30) FROM t

Where the executors cannot run the engine (a cluster on Java 17 or 21) or the client is Spark
Connect, `engine="python"` scores with `mapInArrow` instead, the model loaded once per Python
worker: the fallback, slower, with the same results.

A null in a string column is a missing value (as NaN is in pandas); a null in a numeric column is
NaN, which a model that refuses NaN refuses, naming the column.
"""

from __future__ import annotations

import glob
import os
import sys
import threading
from typing import Any

import numpy as np
from pyspark import keyword_only
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaTransformer

from . import _jvm

_JAVA_CLASS = "org.mleruntime.spark.MleTransformer"
_OUTPUT_COLUMNS = {"predict": "prediction", "predict_proba": "probability", "decision_function": "rawPrediction"}


def jars() -> list[str]:
    """The jars Spark needs on its class path (`spark.jars`, `--jars`): the engine with its Spark
    integration, and the compression libraries that bind native code (kept as their own jars)."""
    spark_jars = sorted(glob.glob(os.path.join(_jvm.JARS_DIR, "spark", "mle-spark-*.jar")))
    if not spark_jars:
        raise FileNotFoundError(f"the Spark jar is missing from {os.path.join(_jvm.JARS_DIR, 'spark')}: build it with `make jar`")
    native = [j for j in _jvm.engine_jars() if os.path.basename(j).startswith(("zstd-jni-", "brotli4j-", "service-", "native-"))]
    return spark_jars + native


def _has_jvm(spark: Any) -> bool:
    return getattr(spark, "_jsparkSession", None) is not None


def register(spark: Any, name: str, model_path: str, method: str | None = None, *, batch_size: int = 4096,
             verify_key_path: str | None = None, require_signature: bool = False, decryption_key_path: str | None = None) -> None:
    """Registers the model's `method` (predict where it has one) as the SQL function `name`:
    `SELECT name(f1, ..., fn) FROM t` scores in batches on the executors' JVMs."""
    if not _has_jvm(spark):
        raise RuntimeError("SQL functions run on the executors' JVMs and need a classic Spark session (not Spark Connect)")
    jvm = spark.sparkContext._jvm
    source = jvm.org.mleruntime.spark.scoring.ModelSource(model_path, verify_key_path, require_signature, decryption_key_path)
    jvm.org.mleruntime.spark.MleFunctions.register(spark._jsparkSession, name, source, method, batch_size)


class MleTransformer(JavaTransformer, JavaMLReadable, JavaMLWritable):
    """Appends what a model's method returns for each row (see the module's docstring).

    `model_path`: the .mle file, on a file system every executor sees, or the name of a file added
    with `SparkContext.addFile`. `method`: predict (the default where the file binds it),
    predict_proba, decision_function, transform, ... `input_cols`: the feature columns in the
    model's order (default: the feature names its file records); or `input_col`: one array or ML
    vector column. `output_col` (default by method: prediction, probability, rawPrediction) or, for a
    method with several outputs, `output_cols`. `batch_size`: rows per engine call. Keys for signed
    and encrypted files: `verify_key_path`, `require_signature`, `decryption_key_path`.
    `engine`: "jvm" (the executors' JVMs), "python" (mapInArrow in Python workers), or "auto":
    the JVM where the session has one.
    """

    modelPath = Param(Params._dummy(), "modelPath", "the .mle file", typeConverter=TypeConverters.toString)
    method = Param(Params._dummy(), "method", "the model's method; empty: predict, or the file's first", typeConverter=TypeConverters.toString)
    inputCols = Param(Params._dummy(), "inputCols", "the feature columns, in the model's order", typeConverter=TypeConverters.toListString)
    inputCol = Param(Params._dummy(), "inputCol", "one array or vector column of every feature", typeConverter=TypeConverters.toString)
    outputCol = Param(Params._dummy(), "outputCol", "the column a one-output method writes", typeConverter=TypeConverters.toString)
    outputCols = Param(Params._dummy(), "outputCols", "the columns a method of several outputs writes", typeConverter=TypeConverters.toListString)
    batchSize = Param(Params._dummy(), "batchSize", "rows per engine call", typeConverter=TypeConverters.toInt)
    verifyKeyPath = Param(Params._dummy(), "verifyKeyPath", "an Ed25519 public key file", typeConverter=TypeConverters.toString)
    requireSignature = Param(Params._dummy(), "requireSignature", "refuse unsigned files", typeConverter=TypeConverters.toBoolean)
    decryptionKeyPath = Param(Params._dummy(), "decryptionKeyPath", "the key file of an encrypted model", typeConverter=TypeConverters.toString)

    _KEYWORDS = {"model_path": "modelPath", "method": "method", "input_cols": "inputCols", "input_col": "inputCol",
                 "output_col": "outputCol", "output_cols": "outputCols", "batch_size": "batchSize",
                 "verify_key_path": "verifyKeyPath", "require_signature": "requireSignature", "decryption_key_path": "decryptionKeyPath"}

    @keyword_only
    def __init__(self, *, model_path: str | None = None, method: str | None = None, input_cols: list[str] | None = None,
                 input_col: str | None = None, output_col: str | None = None, output_cols: list[str] | None = None,
                 batch_size: int | None = None, verify_key_path: str | None = None, require_signature: bool | None = None,
                 decryption_key_path: str | None = None, engine: str = "auto") -> None:
        super().__init__()
        if engine not in ("auto", "jvm", "python"):
            raise ValueError(f"engine must be 'auto', 'jvm' or 'python', got {engine!r}")
        self.engine = engine
        from pyspark import SparkContext

        if SparkContext._active_spark_context is not None:
            self._java_obj = self._new_java_obj(_JAVA_CLASS, self.uid)
        self._setDefault(method="", inputCols=[], inputCol="", outputCol="", outputCols=[], batchSize=4096,
                         verifyKeyPath="", requireSignature=False, decryptionKeyPath="")
        kwargs = {k: v for k, v in self._input_kwargs.items() if k != "engine" and v is not None}
        self._set(**{self._KEYWORDS[k]: v for k, v in kwargs.items()})

    @classmethod
    def read(cls) -> JavaMLReader:
        return _Reader(cls)

    def _transform(self, dataset: Any) -> Any:
        engine = self.engine
        if engine == "auto":
            engine = "jvm" if _has_jvm(dataset.sparkSession) else "python"
        if engine == "jvm":
            if getattr(self, "_java_obj", None) is None:
                self._java_obj = self._new_java_obj(_JAVA_CLASS, self.uid)
            return super()._transform(dataset)
        return _PythonScoring(self).transform(dataset)


class _Reader(JavaMLReader):
    """Reads a saved transformer with the JVM class's reader (Spark ML would look under org.apache.spark)."""

    @classmethod
    def _java_loader_class(cls, clazz: type) -> str:
        return _JAVA_CLASS


class _PythonScoring:
    """The fallback: mapInArrow, the model loaded once per Python worker by `mle_runtime`."""

    def __init__(self, transformer: MleTransformer) -> None:
        get = transformer.getOrDefault
        self.source = (get("modelPath"), get("verifyKeyPath") or None, get("requireSignature"), get("decryptionKeyPath") or None)
        if not self.source[0]:
            raise ValueError("MleTransformer: set model_path to the .mle file")
        model = _worker_model(self.source)
        methods = model.methods
        self.method = get("method") or ("predict" if "predict" in methods else next(iter(methods)))
        if self.method not in methods:
            raise ValueError(f"MleTransformer: the model has no method {self.method!r}; its file binds: {', '.join(methods)}")
        self.features = _feature_names(model)
        self.vector = get("inputCol") or None
        self.inputs = [self.vector] if self.vector else (list(get("inputCols")) or self.features)
        outputs = {o["name"]: o for o in model.outputs}
        self.outputs = [outputs[name] for name in methods[self.method]]
        if len(self.outputs) == 1:
            self.columns = [get("outputCol") or _OUTPUT_COLUMNS.get(self.method, self.method)]
        else:
            self.columns = list(get("outputCols")) or [o["name"] for o in self.outputs]

    def transform(self, dataset: Any) -> Any:
        from pyspark.sql.types import StructField, StructType

        present = set(dataset.columns)
        missing = [c for c in self.inputs if c not in present]
        if missing:
            raise ValueError(f"MleTransformer: the DataFrame lacks the columns {missing}, which the model reads")
        taken = [c for c in self.columns if c in present]
        if taken:
            raise ValueError(f"MleTransformer: the output columns {taken} already exist in the DataFrame")
        schema = StructType(dataset.schema.fields + [StructField(c, _spark_type(o), True) for c, o in zip(self.columns, self.outputs)])
        source, method, inputs, features, vector, columns = self.source, self.method, self.inputs, self.features, self.vector, self.columns
        names = [o["name"] for o in self.outputs]

        def score(batches):
            import pyarrow as pa

            model = _worker_model(source)
            for batch in batches:
                frame = batch.select(inputs).to_pandas()
                if vector:
                    data = np.array([np.asarray(v, dtype=np.float64) for v in frame[vector]]) if len(frame) else np.empty((0, len(features)))
                else:
                    frame.columns = features
                    data = frame.astype({c: object for c in frame.columns if frame[c].dtype == object}).where(frame.notna(), np.nan)
                result = getattr(model, method)(data)
                values = [result] if len(names) == 1 else list(result)
                arrays = [_arrow_column(pa, v) for v in values]
                yield pa.RecordBatch.from_arrays(batch.columns + arrays, names=batch.schema.names + columns)

        return dataset.mapInArrow(score, schema)


_MODELS: dict[tuple, Any] = {}
_MODELS_LOCK = threading.Lock()


def _local_file(path: str) -> str:
    if os.path.isfile(path):
        return path
    from pyspark import SparkFiles

    try:
        shipped = SparkFiles.get(os.path.basename(path))
    except Exception:
        shipped = None
    if shipped and os.path.isfile(shipped):
        return shipped
    raise FileNotFoundError(f"{path} is neither a file here nor among the files added with SparkContext.addFile")


def _worker_model(source: tuple) -> Any:
    """This process's model for the file and keys: loaded once, kept for the process's life."""
    from . import load_model

    path, verify, required, decryption = source
    local = _local_file(path)
    key = (os.path.realpath(local), os.path.getmtime(local), verify, required, decryption)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = load_model(local, verify_key=verify and _local_file(verify), require_signature=required,
                               decryption_key=decryption and _local_file(decryption), warm_up=False)
            _MODELS[key] = model
        return model


def _feature_names(model: Any) -> list[str]:
    names = model.metadata.get("feature_names") or []
    inputs = model.inputs
    if len(inputs) == 1 and len(inputs[0]["shape"]) == 2 and inputs[0]["shape"][1] > 1:
        width = inputs[0]["shape"][1]
        return list(names) if len(names) == width else [f"x{i}" for i in range(width)]
    given = [i["name"] for i in inputs]
    return [n for n in names if n in given] if set(given) <= set(names) else given


def _spark_type(output: dict) -> Any:
    from pyspark.sql import types as T

    element = {"float32": T.DoubleType(), "float64": T.DoubleType(), "int32": T.LongType(), "int64": T.LongType(),
               "bool": T.BooleanType(), "string": T.StringType()}[output["dtype"]]
    return element if len(output["shape"]) == 1 else T.ArrayType(element, output["dtype"] == "string")


def _arrow_column(pa: Any, values: np.ndarray) -> Any:
    if values.ndim == 1:
        if values.dtype.kind in "fc":
            return pa.array(values.astype(np.float64))
        if values.dtype.kind in "iu":
            return pa.array(values.astype(np.int64))
        return pa.array([None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values], type=pa.string())
    width = values.shape[1]
    offsets = pa.array(np.arange(0, (len(values) + 1) * width, width, dtype=np.int32))
    flat = _arrow_column(pa, values.reshape(-1))
    return pa.ListArray.from_arrays(offsets, flat)


# Spark ML loads a saved pipeline's stages by their JVM class name turned into a Python module path;
# this makes `org.mleruntime.spark.MleTransformer` resolve to the wrapper above.
sys.modules.setdefault("org.mleruntime.spark", sys.modules[__name__])
