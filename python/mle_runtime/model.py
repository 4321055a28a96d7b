"""A loaded .mle model as Python sees it: methods, inputs checked and converted, zero-copy runs.

This module owns `Model`: turning user inputs (numpy arrays of any numeric dtype and layout, lists,
pandas DataFrames matched by feature name) into C-contiguous arrays of the graph's input dtypes,
allocating numpy output arrays that the engine writes into by address, and exposing exactly the
methods the file binds. Each run is one Java call, handed every buffer's address and byte length.
A model whose inputs or outputs have a dtype numpy cannot hand over is refused at load. A Model
closes its engine model (and unmaps its file) on `close()` or when it is garbage collected. It must
not compute any part of a prediction in Python nor read the file itself; the engine does both.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import functools
import json
import sys
import weakref
from typing import Any, Mapping

import numpy as np

from . import _jvm, display
from .engine import engine_info
from .errors import FormatError, InputError, MleError, java_errors

_NUMPY_DTYPES = {
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
    "int32": np.dtype(np.int32),
    "int64": np.dtype(np.int64),
    "bool": np.dtype(np.bool_),
}

_METHOD_DOCS = {
    "predict": "Predicted labels (classifiers) or values (regressors) for the rows of X.",
    "predict_proba": "Class probabilities for the rows of X, shape (n_rows, n_classes), columns in class order.",
    "predict_log_proba": "Log class probabilities for the rows of X, shape (n_rows, n_classes), columns in class order.",
    "decision_function": "Decision scores for the rows of X: shape (n_rows,) for binary models, else (n_rows, n_classes).",
    "transform": "The rows of X transformed.",
}


def _is_dataframe(x: Any) -> bool:
    return type(x).__module__.startswith("pandas") and hasattr(x, "columns") and hasattr(x, "to_numpy")


class _Spec:
    """One graph input or output: name, numpy dtype (None for strings) and dims (-1 = rows)."""

    __slots__ = ("name", "dtype_name", "dtype", "shape", "is_string")

    def __init__(self, description: Mapping[str, Any], role: str) -> None:
        self.name = description["name"]
        self.dtype_name = description["dtype"]
        self.dtype = _NUMPY_DTYPES.get(self.dtype_name)
        self.shape = tuple(int(d) for d in description["shape"])
        self.is_string = self.dtype_name == "string"
        if self.dtype is None and not self.is_string:
            # The engine would read or write such a buffer at its own element size, whatever the caller's array holds.
            raise FormatError(
                f"the model's {role} {self.name!r} has dtype {self.dtype_name}, which the SDK cannot pass; "
                f"graph inputs and outputs must be {', '.join(_NUMPY_DTYPES)} or string"
            )

    def shape_for(self, rows: int) -> tuple[int, ...]:
        if self.shape and self.shape[0] == -1:
            return (rows,) + self.shape[1:]
        return self.shape


class _JavaTypes:
    """The JPype types a Model needs, looked up once per process: a lookup costs more than a prediction."""

    def __init__(self) -> None:
        from jpype import JArray, JClass, JLong, JString

        self.string_array = JArray(JString)
        self.long_array = JArray(JLong)
        self.long_matrix = JArray(JLong, 2)
        self.join_strings = JClass("org.mleruntime.bridge.LoadedModel").joinStrings


_JAVA_TYPES: list[_JavaTypes] = []


def _java_types() -> _JavaTypes:
    if not _JAVA_TYPES:
        _JAVA_TYPES.append(_JavaTypes())
    return _JAVA_TYPES[0]


def _close_java_model(java_model: Any) -> None:
    """Closes the engine's model: on `Model.close()`, or once the Model is garbage collected."""
    import jpype

    # Once the interpreter is finishing or the JVM has shut down, the process's exit unmaps the file;
    # a forked child's copy of the JVM cannot be called at all.
    if sys.is_finalizing() or not jpype.isJVMStarted() or _jvm.inherited_jvm:
        return
    java_model.close()


def _categories(properties: Mapping[str, str]) -> dict[str, list[str]]:
    """The `categories.<feature>` properties: each a JSON list of the feature's category names."""
    categories = {}
    for key, value in properties.items():
        if not key.startswith("categories."):
            continue
        try:
            names = json.loads(value)
        except ValueError as exc:
            raise FormatError(f"the model's metadata property {key!r} is not JSON: {exc}") from None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise FormatError(f"the model's metadata property {key!r} must be a JSON list of category names, got {value[:80]!r}")
        categories[key[len("categories."):]] = names
    return categories


def _method(method: str, outputs: list[str]):
    """The function behind `Model.<method>`: the method's outputs, one alone or several as a tuple."""

    def call(model: Model, X):
        direct = model._direct_calls.get(method)
        if direct is not None and direct.accepts(X):
            return model._execute_direct(direct, X)
        values = model._execute(model._prepare(X), method)
        results = [values[name] for name in outputs]
        return results[0] if len(results) == 1 else tuple(results)

    call.__name__ = method
    call.__qualname__ = f"Model.{method}"
    call.__doc__ = _METHOD_DOCS.get(method, f"Runs the model's {method!r} method.")
    return call


@functools.lru_cache(maxsize=256)
def _with_methods(methods: tuple[tuple[str, tuple[str, ...]], ...]) -> type:
    """`Model` with the methods a file binds as its own functions, found by ordinary attribute
    lookup (a lookup through `__getattr__` costs a one-row call more than a microsecond). Names
    `Model` has, and private ones, are never taken from a file."""
    functions = {m: _method(m, list(outs)) for m, outs in methods if m.isidentifier() and not m.startswith("_") and not hasattr(Model, m)}
    return type("Model", (Model,), {**functions, "__module__": Model.__module__, "__qualname__": "Model"})


class _DirectCall:
    """A method called the common way, with a C-contiguous 2-D array of the model's input dtype
    and width: its frame is built from the array as it is. The general preparation would check the
    same things and pass the same array; any other input takes it."""

    __slots__ = ("dtype", "width", "handle", "outputs", "single")

    def __init__(self, spec: _Spec, handle: int, outputs: list[tuple[str, np.dtype, list[int]]]) -> None:
        self.dtype = spec.dtype
        self.width = spec.shape[1]
        self.handle = handle
        self.outputs = [(dtype, tuple(shape[1:])) for _, dtype, shape in outputs]
        self.single = len(outputs) == 1

    @staticmethod
    def of(specs: list[_Spec], handle: int, outputs: list[tuple[str, Any, list[int]]]) -> _DirectCall | None:
        if len(specs) != 1 or specs[0].is_string or len(specs[0].shape) != 2 or specs[0].shape[0] != -1 or specs[0].shape[1] < 0:
            return None
        if not outputs or any(dtype is None or not shape or shape[0] != -1 for _, dtype, shape in outputs):
            return None
        return _DirectCall(specs[0], handle, outputs)

    def accepts(self, X: Any) -> bool:
        return type(X) is np.ndarray and X.ndim == 2 and X.dtype == self.dtype and X.shape[1] == self.width and X.flags.c_contiguous


class Model:
    """A model loaded from a .mle file. Use `load_model(path)` to get one.

    `predict`, `predict_proba`, `decision_function` and `transform` exist exactly when the file binds
    them; `run` returns every graph output by name. A Model is safe to share between threads.
    """

    def __init__(self, java_model: Any, path: str) -> None:
        self._java = java_model
        self._path = path
        self._closed = False
        # Holds the Java model, never the Model, so that dropping the last reference closes it.
        # Not at exit: the JVM may be gone by then.
        self._release = weakref.finalize(self, _close_java_model, java_model)
        self._release.atexit = False
        try:
            self._read_description()
        except BaseException:
            self.close()
            raise

    def _read_description(self) -> None:
        java = _java_types()
        self._join_strings = java.join_strings
        with java_errors():
            description = json.loads(str(self._java.describe()))
        self._description = description
        self._input_specs = [_Spec(d, "input") for d in description["inputs"]]
        self._output_specs = {d["name"]: _Spec(d, "output") for d in description["outputs"]}
        self._methods: dict[str, list[str]] = {m: list(outs) for m, outs in description.get("methods", {}).items()}
        self._feature_names = description["metadata"].get("feature_names") or None
        # Categorical features whose categories the file records: a DataFrame column of them is
        # passed as each value's position in that list.
        self._categories = _categories(description["metadata"].get("properties", {}))
        self._columns = _Columns.of(self._input_specs, self._feature_names)
        # Each method's outputs are bound once; a call then passes its handle and one frame address.
        with java_errors():
            self._bound_outputs = {
                key: (names, int(self._java.bind(java.string_array(names))),
                      [(n, self._output_specs[n].dtype, self._output_specs[n].shape) for n in names])
                for key, names in [(None, list(self._output_specs))] + [(m, outs) for m, outs in self._methods.items()]
            }
        self._batched_input = next((i for i, s in enumerate(self._input_specs) if s.shape and s.shape[0] == -1), None)
        self._run_frame = self._java.runFrame
        # A model whose sizes vary beyond the rows (a sequence length) is run with each input's whole
        # shape, its outputs' shapes asked for first.
        self._by_shape = not description.get("planned_by_rows", True)
        self._direct_calls = {} if self._columns is not None or self._by_shape else {
            m: direct for m in self._methods if (direct := _DirectCall.of(self._input_specs, *self._bound_outputs[m][1:])) is not None
        }
        # The file's methods are functions of a class made for them, bound on each lookup like
        # Python's own methods: stored bound to the model, they would keep it alive in a reference
        # cycle until the cyclic collector ran.
        self.__class__ = _with_methods(tuple((m, tuple(outs)) for m, outs in self._methods.items()))

    def __getattr__(self, name: str):
        methods = sorted(m for m in self.__dict__.get("_methods", {}) if callable(getattr(type(self), m, None)))
        raise AttributeError(
            f"this model has no attribute or method {name!r}; the methods its file binds are: {', '.join(methods) or 'none'}"
        )

    def __repr__(self) -> str:
        return display.model_repr(self._path, self.__dict__.get("_description"), self._closed)

    def summary(self) -> str:
        """What the model is at a glance: type and framework, file (size, codecs, signature,
        encryption), inputs and features, outputs, methods, classes, and the runtime serving it."""
        return display.text(self._summary_rows())

    def _repr_html_(self) -> str:
        return display.table_html(f"MLE Runtime model {self._path}", self._summary_rows())

    def _summary_rows(self) -> list[tuple[str, str]]:
        if self._closed:
            return [("model", f"{self._path} (closed)")]
        return display.summary_rows(self._path, self._description, engine_info())

    @property
    def path(self) -> str:
        return self._path

    @property
    def inputs(self) -> list[dict[str, Any]]:
        """The graph inputs: dicts with name, dtype and shape (-1 for the row dimension)."""
        return json.loads(json.dumps(self._description["inputs"]))

    @property
    def outputs(self) -> list[dict[str, Any]]:
        """The graph outputs: dicts with name, dtype and shape (-1 for the row dimension)."""
        return json.loads(json.dumps(self._description["outputs"]))

    @property
    def metadata(self) -> dict[str, Any]:
        """Producer, framework, model type, feature names, class labels, methods, free properties."""
        return json.loads(json.dumps(self._description["metadata"]))

    @property
    def methods(self) -> dict[str, list[str]]:
        """Each bound method and the graph outputs it returns."""
        return {m: list(outs) for m, outs in self._methods.items()}

    def run(self, inputs: Any) -> dict[str, np.ndarray]:
        """Runs the graph and returns every output by name.

        `inputs` is a mapping from input name to data, or the data alone when the model has one input.
        """
        return self._execute(self._prepare(inputs), None)

    def close(self) -> None:
        """Releases the engine's model (and its memory mapping). Further calls raise MleError.

        Dropping the last reference to a Model does the same."""
        self._closed = True
        with java_errors():
            self._release()

    def __enter__(self) -> Model:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _prepare(self, inputs: Any) -> dict[str, Any]:
        if self._columns is not None:
            return self._columns.prepare(inputs)
        specs = self._input_specs
        # An array is never a mapping; asking the Mapping ABC costs a one-row call half a microsecond.
        if type(inputs) is not np.ndarray and isinstance(inputs, Mapping):
            known = {s.name for s in specs}
            unknown = sorted(set(inputs) - known)
            missing = sorted(known - set(inputs))
            if unknown or missing:
                raise InputError(f"inputs do not match the model's: unknown {unknown}, missing {missing}; the model takes {sorted(known)}")
            return {s.name: self._entry(inputs[s.name], s) for s in specs}
        if len(specs) != 1:
            raise InputError(f"this model takes {len(specs)} inputs ({', '.join(s.name for s in specs)}); pass a dict of them by name")
        return {specs[0].name: self._entry(inputs, specs[0])}

    def _entry(self, data: Any, spec: _Spec) -> Any:
        if not spec.is_string:
            return self._as_array(data, spec)
        if hasattr(data, "to_numpy"):
            values = data.to_numpy(dtype=object)
        elif isinstance(data, (list, tuple)) and data and isinstance(data[0], str):
            # Not numpy's own str dtype: that copies every document into a row as wide as the longest.
            values = np.asarray(data, dtype=object)
        else:
            values = np.asarray(data)
        want = spec.shape
        if values.ndim != len(want) or any(w not in (-1, g) for w, g in zip(want, values.shape, strict=True)):
            raise InputError(f"input {spec.name!r} must have shape {list(want)} (-1 = any number of rows), got {values.shape}")
        rows = values.shape[0] if want and want[0] == -1 else 1
        return _text(values.reshape(-1), rows, f"input {spec.name!r}")

    def _as_array(self, data: Any, spec: _Spec) -> np.ndarray:
        if _is_dataframe(data):
            data = self._from_dataframe(data, spec)
        elif not isinstance(data, np.ndarray):
            data = np.asarray(data)
        kind = data.dtype.kind
        if kind in "UScmMV":
            raise InputError(f"input {spec.name!r} must be numeric, got an array of dtype {data.dtype}")
        if data.ndim != len(spec.shape):
            if len(spec.shape) == 2 and data.ndim == 1:
                raise InputError(
                    f"input {spec.name!r} must be 2-D (rows × {spec.shape[1]} features), got a 1-D array of shape {data.shape}; "
                    "use X.reshape(1, -1) for a single row or X.reshape(-1, 1) for a single feature"
                )
            raise InputError(f"input {spec.name!r} must have {len(spec.shape)} dimensions {list(spec.shape)}, got shape {data.shape}")
        for axis, (want, got) in enumerate(zip(spec.shape, data.shape, strict=True)):
            if want != -1 and want != got:
                if len(spec.shape) == 2 and axis == 1:
                    raise InputError(f"input {spec.name!r}: expected {want} features, got {got}")
                raise InputError(f"input {spec.name!r} must have shape {list(spec.shape)} (-1 = any number of rows), got {data.shape}")
        try:
            # ascontiguousarray makes a scalar (rank 0) a vector of one; a model's scalar input must stay one.
            return np.ascontiguousarray(data, dtype=spec.dtype) if data.ndim else np.array(data, dtype=spec.dtype)
        except (TypeError, ValueError) as exc:
            raise InputError(f"input {spec.name!r} must be numeric; cannot convert it to {spec.dtype_name}: {exc}") from None

    def _from_dataframe(self, frame: Any, spec: _Spec) -> np.ndarray:
        by_name = {str(c): c for c in frame.columns}
        if len(by_name) != len(frame.columns):
            raise InputError(f"input {spec.name!r}: the DataFrame has duplicate column names")
        if self._feature_names is not None and spec is self._input_specs[0]:
            missing = [n for n in self._feature_names if n not in by_name]
            unexpected = [c for c in by_name if c not in set(self._feature_names)]
            if missing or unexpected:
                raise InputError(
                    f"input {spec.name!r}: the DataFrame's columns do not match the model's features: "
                    f"missing {missing}, unexpected {unexpected}"
                )
            frame = frame[[by_name[n] for n in self._feature_names]]
        frame = self._encode_categories(frame)
        # Plain object columns may hold numbers (they are tried); string, categorical and date columns are refused.
        non_numeric = [str(c) for c, t in frame.dtypes.items() if t.kind not in "biuf" and not (isinstance(t, np.dtype) and t.kind == "O")]
        if non_numeric:
            raise InputError(f"input {spec.name!r} must be numeric; non-numeric columns: {non_numeric}")
        try:
            return frame.to_numpy(dtype=spec.dtype, na_value=np.nan if spec.dtype.kind == "f" else None)
        except (TypeError, ValueError) as exc:
            raise InputError(f"input {spec.name!r}: cannot convert the DataFrame to {spec.dtype_name}: {exc}") from None

    def _encode_categories(self, frame: Any) -> Any:
        """Categorical columns as the model takes them: a feature whose categories the file records
        becomes each value's position among them (NaN when missing or unknown); any other
        categorical column with numeric categories becomes its values."""
        replaced = {}
        for column, dtype in frame.dtypes.items():
            categories = self._categories.get(str(column))
            if categories is not None and (dtype.kind in "OUS" or str(dtype) in ("category", "string")):
                position = {value: float(i) for i, value in enumerate(categories)}
                values = frame[column].astype(object)
                replaced[column] = [np.nan if v is None or v != v else position.get(str(v), np.nan) for v in values]
            elif str(dtype) == "category" and dtype.categories.dtype.kind in "biuf":
                replaced[column] = frame[column].astype(np.float64).to_numpy()
        if replaced:
            frame = frame.copy()
            for column, values in replaced.items():
                frame[column] = values
        return frame

    def _string_array(self, java_strings: Any) -> np.ndarray:
        # One Java call and one Python string instead of a JNI round trip per element; values that
        # are missing come back value by value: null as NaN, the engine's None (NUL) as None.
        joined = self._join_strings(java_strings)
        if joined is not None:
            return np.array(str(joined).split("\0")[:-1], dtype=str)
        values = [np.nan if v is None else None if str(v) == "\0" else str(v) for v in java_strings]
        return np.array(values, dtype=object if any(not isinstance(v, str) for v in values) else str)

    def _check_usable(self) -> None:
        if self._closed:
            raise MleError(f"the model {self._path!r} is closed")
        if _jvm.inherited_jvm:
            _jvm.check_not_forked()

    def _run(self, handle: int, frame: list[int], inputs: list[Any]) -> Any:
        """One engine call: the frame (LoadedModel.runFrame) is the rows, then each buffer as its
        address and byte length, which the engine checks against the shape and dtype it reads or
        writes there. The callers keep the inputs and output buffers referenced until it returns."""
        packed = array.array("q", frame)
        try:
            return self._run_frame(handle, packed.buffer_info()[0])
        except Exception as exc:
            with _naming_rows(inputs), java_errors():
                raise exc

    def _execute_direct(self, direct: _DirectCall, X: np.ndarray) -> Any:
        self._check_usable()
        rows = X.shape[0]
        frame = [rows, _address(X), X.nbytes, 0, 0]
        results = []
        for dtype, tail in direct.outputs:
            buffer = np.empty((rows, *tail), dtype=dtype)
            results.append(buffer)
            frame += (_address(buffer), buffer.nbytes)
        self._run(direct.handle, frame, [X])
        return results[0] if direct.single else tuple(results)

    def _execute(self, prepared: dict[str, Any], method: str | None) -> dict[str, np.ndarray]:
        if self._by_shape:
            return self._execute_by_shape(prepared, method)
        self._check_usable()
        ordered = [prepared[s.name] for s in self._input_specs]
        first = ordered[self._batched_input] if self._batched_input is not None else None
        rows = 1 if first is None else first.rows if isinstance(first, _Text) else first.shape[0]
        names, handle, outputs = self._bound_outputs[method]
        results: dict[str, np.ndarray] = {}
        frame = [rows]
        for a in ordered:
            frame += (*a.buffer(), *a.text_buffer()) if isinstance(a, _Text) else (_address(a), a.nbytes, 0, 0)
        for name, dtype, shape in outputs:
            if dtype is None:
                frame += (0, 0)
            else:
                buffer = np.empty((rows, *shape[1:]) if shape and shape[0] == -1 else shape, dtype=dtype)
                results[name] = buffer
                frame += (_address(buffer), buffer.nbytes)
        strings = self._run(handle, frame, ordered)
        if strings is not None:
            for i, (name, dtype, _) in enumerate(outputs):
                if dtype is None:
                    results[name] = self._string_array(strings[i]).reshape(self._output_specs[name].shape_for(rows))
        return results if len(results) == 1 else {name: results[name] for name in names}

    def _execute_by_shape(self, prepared: dict[str, Any], method: str | None) -> dict[str, np.ndarray]:
        self._check_usable()
        java = _java_types()
        ordered = [prepared[s.name] for s in self._input_specs]
        if any(isinstance(a, _Text) for a in ordered):
            raise InputError("string inputs are passed by rows; this model's sizes vary beyond the rows")
        input_names = java.string_array([s.name for s in self._input_specs])
        shapes = java.long_matrix([java.long_array(list(a.shape)) for a in ordered])
        buffers = java.long_array([v for a in ordered for v in (_address(a), a.nbytes)])
        names = self._bound_outputs[method][0]
        output_names = java.string_array(names)
        with _naming_rows(ordered), java_errors():
            output_shapes = self._java.outputShapes(input_names, shapes, buffers, output_names)
        results = {name: np.empty(tuple(int(d) for d in output_shapes[i]), dtype=self._output_specs[name].dtype)
                   for i, name in enumerate(names)}
        out_buffers = java.long_array([v for name in names for v in (_address(results[name]), results[name].nbytes)])
        with _naming_rows(ordered), java_errors():
            self._java.runShaped(input_names, shapes, buffers, output_names, output_shapes, out_buffers)
        return results if len(results) == 1 else {name: results[name] for name in names}


def _address(array: np.ndarray) -> int:
    """The address of a C-contiguous array's data: through ctypes' buffer export, a third of what
    `array.ctypes.data` costs, or through that for a read-only or empty array, which cannot export."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))
    except (TypeError, ValueError):
        return array.ctypes.data


@contextlib.contextmanager
def _naming_rows(inputs: list[Any]):
    """Adds to the engine's refusal of NaN or infinity (which names columns) the rows that hold them."""
    try:
        yield
    except InputError as exc:
        message = str(exc)
        if not message.startswith("input contains "):
            raise
        infinity_only = message.startswith("input contains infinity")
        rows: set[int] = set()
        for values in inputs:
            if isinstance(values, np.ndarray) and values.dtype.kind == "f" and values.ndim >= 1:
                bad = np.isinf(values) if infinity_only else ~np.isfinite(values)
                rows.update(np.flatnonzero(bad.reshape(len(values), -1).any(axis=1)).tolist())
        if not rows:
            raise
        listed = sorted(rows)
        shown = ", ".join(map(str, listed[:10])) + (", …" if len(listed) > 10 else "")
        raise InputError(f"{message} (rows {shown} of the input)") from None


class _Text:
    """A string input as it crosses to Java: its values in UTF-8, each followed by a NUL byte, and a
    mask of the missing ones (_NAN or _NONE), one byte per value, or None when none is missing."""

    __slots__ = ("data", "mask", "rows")

    def __init__(self, data: np.ndarray, mask: np.ndarray | None, rows: int) -> None:
        self.data = data
        self.mask = mask
        self.rows = rows

    def buffer(self) -> tuple[int, int]:
        """The mask's address and byte length, (0, 0) when there is none."""
        return (0, 0) if self.mask is None else (self.mask.ctypes.data, self.mask.nbytes)

    def text_buffer(self) -> tuple[int, int]:
        """The UTF-8 text's address and byte length."""
        return self.data.ctypes.data, self.data.nbytes


# How a missing string crosses to the engine: 1 for NaN (pandas' NA and NaT too), read as null;
# 2 for None, which scikit-learn tells apart from NaN in object columns (see docs/ARCHITECTURE.md).
_NAN, _NONE = 1, 2


def _missing(values: np.ndarray) -> np.ndarray:
    """Per value of an object array: 0, or _NAN / _NONE where it is missing that way."""
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        missing = np.asarray(pandas.isna(values), dtype=bool)
    else:
        missing = np.fromiter((v is None or (isinstance(v, float) and v != v) for v in values.tolist()), dtype=bool, count=len(values))
    kinds = missing.astype(np.uint8) * _NAN
    if missing.any():
        kinds[[i for i in np.flatnonzero(missing).tolist() if values[i] is None]] = _NONE
    return kinds


def _first_non_string(values: np.ndarray) -> Any:
    pandas = sys.modules.get("pandas")
    if pandas is not None and pandas.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
        return None
    return next((v for v in values.tolist() if not isinstance(v, str)), None)


def _text(values: np.ndarray, rows: int, what: str) -> _Text:
    """The 1-D array of strings `values` (numpy str, or objects with None/NaN for missing) as a _Text."""
    mask = None
    kind = values.dtype.kind
    if kind == "O":
        missing = _missing(values)
        if missing.any():
            mask = missing
            values = np.where(missing != 0, "", values)
        bad = _first_non_string(values)
        if bad is not None:
            raise InputError(f"{what} must hold strings (or None/NaN where missing); it holds {bad!r} of type {type(bad).__name__}")
        strings = values.tolist()
    elif kind == "U":
        strings = values.tolist()
    elif kind == "S":
        strings = [v.decode("utf-8") for v in values.tolist()]
    else:
        raise InputError(f"{what} must hold strings, got an array of dtype {values.dtype}")
    text = "\0".join(strings) + "\0" if strings else ""
    try:
        # Bytes cross to Java many times faster than a Python str converts into a Java String.
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(f"{what} holds the lone surrogate {text[e.start]!r}, which is not text (UTF-8 cannot encode it)") from None
    if data.count(0) != len(strings):
        raise InputError(f"{what} holds a value with the NUL character, which string inputs cannot carry")
    return _Text(np.frombuffer(data, dtype=np.uint8), mask, rows)


def _numeric_column(values: Any, what: str) -> np.ndarray:
    """One column as contiguous float64 (NaN where None), refusing strings."""
    array = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise InputError(f"{what} must be one column (a 1-D array or one of shape (n, 1)), got shape {array.shape}")
    kind = array.dtype.kind
    if kind in "biuf":
        return np.ascontiguousarray(array, dtype=np.float64)
    if kind != "O":
        raise InputError(f"{what} must be numeric, got an array of dtype {array.dtype}")
    missing = _missing(array) != 0
    present = array[~missing]
    bad = next((v for v in present.tolist() if isinstance(v, (str, bytes))), None)
    if bad is not None:
        raise InputError(f"{what} must be numeric; it holds the string {bad!r}")
    try:
        return np.where(missing, np.nan, array).astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be numeric: {exc}") from None


# Frames of at most this many rows are read through one object array (see _Columns._few_rows).
_FEW_ROWS = 64


class _Columns:
    """How a model with one input per column (see exporters/columns.py) reads a DataFrame (by
    column name, extra columns ignored), a dict of columns, or a 2-D array (columns by position,
    numpy object arrays included)."""

    def __init__(self, specs: list[_Spec], feature_names: list[str]) -> None:
        self.specs = specs
        self.names = feature_names
        self.positions = [feature_names.index(s.name) for s in specs]
        # A model fitted on an array has its columns named x0, x1, ..., and reads DataFrames by position.
        self.generated = feature_names == [f"x{i}" for i in range(len(feature_names))]

    @staticmethod
    def of(specs: list[_Spec], feature_names: list[str] | None) -> _Columns | None:
        if not specs or not feature_names or any(s.shape != (-1, 1) for s in specs):
            return None
        if not all(s.name in feature_names for s in specs):
            return None
        return _Columns(specs, feature_names)

    def prepare(self, data: Any) -> dict[str, Any]:
        if _is_dataframe(data):
            entries = self._from_frame(data)
        else:
            if isinstance(data, Mapping):
                columns = self._from_mapping(data)
            else:
                columns = self._from_array(data)
            entries = {}
            for spec, values in zip(self.specs, columns, strict=True):
                what = f"column {spec.name!r}"
                if spec.is_string:
                    array = values.to_numpy(dtype=object) if hasattr(values, "to_numpy") else np.asarray(values)
                    entries[spec.name] = _text(array.reshape(-1), array.shape[0] if array.ndim else 1, what)
                else:
                    entries[spec.name] = _numeric_column(values, what)
        counts = {s.name: (e.rows if isinstance(e, _Text) else e.shape[0]) for s, e in ((s, entries[s.name]) for s in self.specs)}
        if len(set(counts.values())) > 1:
            raise InputError(f"the columns differ in length: {counts}")
        return entries

    def _from_frame(self, frame: Any) -> dict[str, Any]:
        by_name = {str(c): c for c in frame.columns}
        if len(by_name) != len(frame.columns):
            raise InputError("the DataFrame has duplicate column names")
        wanted = [s.name for s in self.specs]
        if self.generated and not all(n in by_name for n in wanted) and len(frame.columns) == len(self.names):
            by_name = {name: frame.columns[i] for i, name in enumerate(self.names)}
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise InputError(f"the DataFrame lacks the columns {missing}, which the model reads")
        numeric = [s.name for s in self.specs if not s.is_string]
        dtypes = dict(zip(frame.columns, frame.dtypes.tolist()))
        for name in numeric:
            dtype = dtypes[by_name[name]]
            if dtype.kind not in "biuf" and not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
                raise InputError(f"column {name!r} must be numeric, got dtype {dtype}")
        if len(frame) <= _FEW_ROWS:
            entries = self._few_rows(frame, by_name, numeric)
            if entries is not None:
                return entries
        entries: dict[str, Any] = {}
        if numeric:
            try:
                block = frame[[by_name[n] for n in numeric]].to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError) as exc:
                for name in numeric:
                    _numeric_column(frame[by_name[name]].to_numpy(dtype=object), f"column {name!r}")
                raise InputError(f"the DataFrame's columns {numeric} must be numeric: {exc}") from None
            # Column-major, every column is one contiguous buffer: one conversion, no copy per column.
            block = np.asfortranarray(block)
            for j, name in enumerate(numeric):
                entries[name] = block[:, j]
        for spec in self.specs:
            if spec.is_string:
                entries[spec.name] = _text(frame[by_name[spec.name]].to_numpy(dtype=object), len(frame), f"column {spec.name!r}")
        return entries

    def _few_rows(self, frame: Any, by_name: dict[str, Any], numeric: list[str]) -> dict[str, Any] | None:
        """A short frame through one object array: selecting columns in pandas costs far more than
        a few rows' values. None when a numeric column holds what only pandas converts (None, NA)."""
        values = frame.to_numpy(dtype=object)
        position = {c: i for i, c in enumerate(frame.columns)}
        entries: dict[str, Any] = {}
        if numeric:
            try:
                block = np.array(values[:, [position[by_name[n]] for n in numeric]], dtype=np.float64, order="F")
            except (TypeError, ValueError):
                return None
            for j, name in enumerate(numeric):
                entries[name] = block[:, j]
        for spec in self.specs:
            if spec.is_string:
                entries[spec.name] = _text(values[:, position[by_name[spec.name]]], len(frame), f"column {spec.name!r}")
        return entries

    def _from_mapping(self, data: Mapping) -> list[Any]:
        unknown = sorted(str(k) for k in data if k not in self.names)
        missing = [s.name for s in self.specs if s.name not in data]
        if unknown or missing:
            raise InputError(f"the columns given do not match the model's: unknown {unknown}, missing {missing}; "
                             f"the model reads {[s.name for s in self.specs]}")
        return [data[s.name] for s in self.specs]

    def _from_array(self, data: Any) -> list[Any]:
        array = data if isinstance(data, np.ndarray) else np.asarray(data, dtype=object)
        if array.ndim != 2:
            raise InputError(f"the input must be 2-D (rows × {len(self.names)} columns) or a DataFrame, got shape {array.shape}")
        if array.shape[1] != len(self.names):
            raise InputError(f"expected {len(self.names)} columns, got {array.shape[1]}")
        return [array[:, p] for p in self.positions]
