"""The converter registry: which Python class converts with which function, per framework.

This module owns the mapping from estimator classes to converter functions (filled by `@register`
in the framework modules) and from transformers to builders of their inverse_transform
(`@register_inverse`), what each registration promises (the methods a converted model offers
and the tolerance the tests prove for each), framework detection from a model's class, and the lazy
import of a framework's converter modules, so that `import mle_runtime` never imports scikit-learn.
`supported()`, `docs/SUPPORTED.md` and the tests' assertions all read the promises from here. It
knows nothing about how any model is converted and must not build graphs itself.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..errors import UnsupportedModelError
from ..ir import GraphBuilder, Value
from .tables import Table, matrix, numeric

Converter = Callable[[GraphBuilder, Any, Value], "dict[str, Value]"]


@dataclass(frozen=True)
class ModelInfo:
    """What a framework module reports about a fitted model before it is converted."""

    framework: str
    framework_version: str
    model_type: str
    n_features: int
    feature_names: list[str] | None


# Per framework (the top-level package of a model's class): the module with its `model_info`
# function, then its converter modules. Imported on first use, only if the framework is installed.
_FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "xgboost": ("mle_runtime.exporters.boosters",),
    "lightgbm": ("mle_runtime.exporters.boosters",),
    "catboost": ("mle_runtime.exporters.boosters",),
    "sklearn": (
        "mle_runtime.exporters.sklearn.common",
        "mle_runtime.exporters.sklearn.linear",
        "mle_runtime.exporters.sklearn.multiclass",
        "mle_runtime.exporters.sklearn.preprocessing",
        "mle_runtime.exporters.sklearn.pipeline",
        "mle_runtime.exporters.sklearn.trees",
        "mle_runtime.exporters.sklearn.svm",
        "mle_runtime.exporters.sklearn.kernel",
        "mle_runtime.exporters.sklearn.encoders",
        "mle_runtime.exporters.sklearn.text",
        "mle_runtime.exporters.sklearn.impute",
        "mle_runtime.exporters.sklearn.compose",
        "mle_runtime.exporters.sklearn.nonlinear",
        "mle_runtime.exporters.sklearn.polynomial",
        "mle_runtime.exporters.sklearn.discretization",
        "mle_runtime.exporters.sklearn.ensemble_meta",
        "mle_runtime.exporters.sklearn.multioutput",
        "mle_runtime.exporters.sklearn.calibration",
        "mle_runtime.exporters.sklearn.target",
        "mle_runtime.exporters.sklearn.feature_selection",
        "mle_runtime.exporters.sklearn.neighbors",
        "mle_runtime.exporters.sklearn.discriminant",
        "mle_runtime.exporters.sklearn.naive_bayes",
        "mle_runtime.exporters.sklearn.neural",
        "mle_runtime.exporters.sklearn.decomposition",
        "mle_runtime.exporters.sklearn.cluster",
        "mle_runtime.exporters.sklearn.linear_extra",
        "mle_runtime.exporters.sklearn.model_selection",
        "mle_runtime.exporters.sklearn.cross_decomposition",
        "mle_runtime.exporters.sklearn.kernel_approximation",
        "mle_runtime.exporters.sklearn.mixture",
        "mle_runtime.exporters.sklearn.covariance",
        "mle_runtime.exporters.sklearn.semi_supervised",
        "mle_runtime.exporters.sklearn.gaussian_process",
    ),
}

@dataclass(frozen=True)
class SavedModel:
    """A model in its framework's own file format, for the engine's Java converters (exporters module).

    `framework` names the Java converter; `classes` are the wrapper's class labels when they are not
    simply 0..K-1; `options` go to the converter (e.g. {"iterations": "all"}). `file`, when set, is
    the model's path, converted where it lies (files beside it are read too) instead of `content`;
    an empty `framework_version` or `model_type` keeps what the converter recorded, and
    `framework_name` names the framework the model came from when it is not the converter's (a
    PyTorch module exported as ONNX); `examples` are the inputs of one call (numpy arrays, one per
    graph input in order) that a quantization is measured on, the user's calibration inputs when
    `examples_given`, else the export's example.
    """

    framework: str
    source: str
    content: bytes
    framework_version: str
    model_type: str
    feature_names: list[str] | None = None
    classes: Any = None
    options: dict[str, str] | None = None
    file: str | None = None
    framework_name: str = ""
    examples: tuple = ()
    examples_given: bool = False


FileConverter = Callable[[Any], SavedModel]

# A converter that would hand its caller a sparse matrix adds this key to the values it returns,
# with the reason; `export` refuses a model whose own output is sparse (the engine computes dense
# arrays), while a pipeline step's sparse intermediate is simply computed densely.
SPARSE_OUTPUT = "sparse_output"

# What a registration promises for a method's output, as the tests check it: IDENTICAL for labels
# and anything else that must be equal element for element, otherwise the relative tolerance
# (the absolute one is a hundredth of it, times the output's largest magnitude or 1).
IDENTICAL = 0.0
FLOAT64 = 1e-9
FLOAT32 = 1e-5


@dataclass(frozen=True)
class Support:
    """A registration's promise: each method a converted model offers, with the tolerance its tests
    prove against the framework's own output; `composed` when the model is made of other models and
    its tolerance is the loosest of its parts'; `note` for conditions and limits; `missing`, what
    the model refuses in its input as the framework does (see `register`)."""

    methods: Mapping[str, float]
    composed: bool = False
    note: str = ""
    missing: str = "as the framework declares"


# A transformer's inverse_transform as a graph: (builder, fitted transformer, value [N, k]) → value [N, k].
InverseConverter = Callable[[GraphBuilder, Any, Value], Value]

_CONVERTERS: dict[type, Converter] = {}
_INVERSES: dict[type, InverseConverter] = {}
_FILE_CONVERTERS: dict[type, FileConverter] = {}
_SUPPORT: dict[type, Support] = {}
_loaded: set[str] = set()


# What a converted model refuses in its input, as the framework's own validation does: every
# registration takes one of these, and the framework module's `require_finite` inserts the check.
# DECLARED: NaN unless the fitted model declares it takes it (scikit-learn's allow_nan tag),
# infinity always; FINITE: NaN and infinity, whatever the model declares; BOTH_AS_DECLARED: NaN
# and infinity together, unless the model declares it takes NaN (scikit-learn's feature selectors);
# ANYTHING: nothing (the model validates nothing itself, or handles both).
DECLARED = "as the framework declares"
FINITE = "finite values only"
BOTH_AS_DECLARED = "NaN and infinity as the framework declares"
ANYTHING = "anything"
MISSING_RULES = (DECLARED, FINITE, BOTH_AS_DECLARED, ANYTHING)


def _promise(classes: tuple[type, ...], methods: Mapping[str, float] | None, composed: bool, note: str,
             missing: str = DECLARED) -> None:
    if not methods:
        raise TypeError(f"registering {[c.__name__ for c in classes]}: name the methods it supports and their tolerances")
    if missing not in MISSING_RULES:
        raise ValueError(f"missing must be one of {MISSING_RULES}, got {missing!r}")
    for cls in classes:
        _SUPPORT[cls] = Support(dict(methods), composed, note, missing)


def register(*classes: type, methods: Mapping[str, float], composed: bool = False, note: str = "",
             tables: bool = False, missing: str = DECLARED) -> Callable[[Converter], Converter]:
    """Decorator registering a converter function for classes, with what it promises:

        @register(LogisticRegression, methods={"predict": IDENTICAL, "predict_proba": FLOAT64})

    A converter takes (builder, fitted model, input value) and returns the values it computes keyed
    by role: "label", "probabilities", "log_probabilities", "scores", "variable" or "transformed".
    Its input is one matrix Value, unless it declares `tables=True`: then it may also be a
    `columns.Table` of columns of different dtypes (a DataFrame with string columns), which
    converters that pass their input on to other converters (pipelines, ensembles) and those that
    read columns one by one (encoders, imputers) accept.

    `missing` says what the converted model refuses in its input, as the framework's own predict
    does (one of MISSING_RULES; DECLARED by default). A composed model's parts check the input each
    reads, so a composed model that only delegates declares ANYTHING.
    """
    _promise(classes, methods, composed, note, missing)

    def decorate(converter: Converter) -> Converter:
        for cls in classes:
            checked = converter if missing == ANYTHING else _checking_input(converter)
            _CONVERTERS[cls] = checked if tables else _on_a_matrix(checked)
        return converter

    return decorate


def _checking_input(converter: Converter) -> Converter:
    """The converter, reading its input through the framework's check of what the model refuses."""

    def convert(builder: GraphBuilder, model: Any, x: Any) -> dict[str, Value]:
        check = getattr(importlib.import_module(_FRAMEWORKS[framework_of(model)][0]), "require_finite", None)
        return converter(builder, model, x if check is None else check(builder, model, x, support_of(type(model)).missing))

    return convert


def _on_a_matrix(converter: Converter) -> Converter:
    """The converter, given a Table as one matrix (which fails, naming the model, for strings beside numbers)
    and an integer matrix as float64."""

    def convert(builder: GraphBuilder, model: Any, x: Any) -> dict[str, Value]:
        if isinstance(x, Table):
            x = matrix(builder, x, type(model).__name__)
        elif x.dtype in ("int32", "int64") and len(x.shape) == 2:
            # An earlier pipeline step's integer output (a CountVectorizer's int64 counts) is validated
            # into float64 by the estimator that reads it, as scikit-learn's check_array does.
            x = numeric(builder, x, type(model).__name__)
        return converter(builder, model, x)

    return convert


def register_file(*classes: type, methods: Mapping[str, float], note: str = "") -> Callable[[FileConverter], FileConverter]:
    """Decorator registering a function that saves a model in its framework's own format, for
    frameworks whose files the engine converts itself (XGBoost, LightGBM, CatBoost)."""
    # The framework's own model (a booster) reads NaN as missing and compares infinities; its converter checks nothing.
    _promise(classes, methods, False, note, ANYTHING)

    def decorate(converter: FileConverter) -> FileConverter:
        for cls in classes:
            _FILE_CONVERTERS[cls] = converter
        return converter

    return decorate


def register_inverse(*classes: type) -> Callable[[InverseConverter], InverseConverter]:
    """Decorator registering a function that builds a fitted transformer's inverse_transform, for
    models that undo a transformation (TransformedTargetRegressor's transformer_)."""

    def decorate(converter: InverseConverter) -> InverseConverter:
        for cls in classes:
            _INVERSES[cls] = converter
        return converter

    return decorate


def inverse_converter_for(model: Any) -> InverseConverter:
    """The registered inverse_transform builder for exactly this transformer's class."""
    _load(framework_of(model))
    converter = _INVERSES.get(type(model))
    if converter is None:
        names = ", ".join(sorted(public_name(cls) for cls in _INVERSES))
        raise UnsupportedModelError(
            f"the inverse_transform of {public_name(type(model))} cannot be exported; transformers whose inverse can: {names}"
        )
    return converter


def file_converter_for(model: Any) -> FileConverter | None:
    """The registered saver for exactly this model's class, if its framework's file is converted in Java."""
    framework = framework_of(model)
    if framework in _FRAMEWORKS:
        _load(framework)
    return _FILE_CONVERTERS.get(type(model))


def framework_of(model: Any) -> str:
    return framework_of_class(type(model))


def public_name(cls: type) -> str:
    """`sklearn.linear_model.LogisticRegression` rather than the private defining module."""
    parts = []
    for part in cls.__module__.split("."):
        if part.startswith("_"):
            break
        parts.append(part)
    return ".".join(parts + [cls.__qualname__])


def _load(framework: str) -> bool:
    """Imports a framework's converter modules; False when the framework is not installed."""
    if framework in _loaded:
        return True
    try:
        importlib.import_module(framework)
    except ImportError:
        return False
    for module in _FRAMEWORKS[framework]:
        importlib.import_module(module)
    _loaded.add(framework)
    return True


def _load_all() -> None:
    for framework in _FRAMEWORKS:
        _load(framework)


def supported_models() -> list[str]:
    """Every model class export_model converts, by public name, for the frameworks installed here."""
    _load_all()
    return sorted(public_name(cls) for cls in {**_CONVERTERS, **_FILE_CONVERTERS})


_NOT_CONVERTED: dict[str, str] = {}


def not_converted(public_name: str, reason: str) -> None:
    """Records why a framework's estimator has no converter, for the coverage table of SUPPORTED.md."""
    _NOT_CONVERTED[public_name] = reason


def coverage(framework: str) -> tuple[list[str], dict[str, str]] | None:
    """The framework's estimators that predict or transform, by public name, and the reason each one
    without a converter has none; None for a framework whose module does not enumerate its estimators."""
    if framework not in _FRAMEWORKS:
        return None
    _load(framework)
    estimators = getattr(importlib.import_module(_FRAMEWORKS[framework][0]), "estimators", None)
    if estimators is None:
        return None
    converted = {public_name(cls) for cls in {**_CONVERTERS, **_FILE_CONVERTERS}}
    names = estimators()
    return names, {name: _NOT_CONVERTED.get(name, "") for name in names if name not in converted}


def _missing_description(cls: type, support: Support) -> str:
    """What a converted model of `cls` refuses in its input: nothing, both, or what the framework
    declares for a default instance (scikit-learn's `allow_nan` tag), or for each fitted model."""
    if support.missing == ANYTHING:
        return "takes NaN and infinity" if not support.composed else "what its parts refuse"
    if support.missing == FINITE:
        return "refuses NaN and infinity"
    declared = getattr(importlib.import_module(_FRAMEWORKS[framework_of_class(cls)][0]), "declared_allow_nan", None)
    allow_nan = None if declared is None else declared(cls)
    both = support.missing == BOTH_AS_DECLARED
    if allow_nan is None:
        return ("refuses NaN and infinity unless the fitted model takes NaN" if both
                else "refuses infinity, and NaN unless the fitted model declares it takes it")
    if allow_nan:
        return "takes NaN and infinity" if both else "takes NaN, refuses infinity"
    return "refuses NaN and infinity"


def framework_of_class(cls: type) -> str:
    return cls.__module__.split(".")[0]


def supported() -> list[dict[str, Any]]:
    """Every registered model class with its promise: `{"model", "framework", "methods": {method:
    tolerance}, "composed", "note", "missing"}`, sorted by name, for the frameworks installed here; "missing"
    says what the converted model refuses in its input."""
    _load_all()
    rows = [
        {
            "model": public_name(cls),
            "framework": framework_of_class(cls),
            "methods": dict(support.methods),
            "composed": support.composed,
            "note": support.note,
            "missing": _missing_description(cls, support),
        }
        for cls, support in _SUPPORT.items()
    ]
    return sorted(rows, key=lambda row: row["model"])


def support_of(cls: type) -> Support:
    """The promise registered for exactly this class."""
    _load(cls.__module__.split(".")[0])
    support = _SUPPORT.get(cls)
    if support is None:
        raise UnsupportedModelError(f"no converter is registered for {public_name(cls)}")
    return support


def parts(model: Any) -> list[Any]:
    """The fitted models a composed model is made of: its steps, transformers, estimators."""
    found = []
    for name in ("steps", "transformers_", "transformer_list", "estimators_", "estimators", "named_estimators_",
                 "estimator_", "estimator", "final_estimator_", "regressor_", "transformer_", "calibrated_classifiers_",
                 "best_estimator_"):
        value = getattr(model, name, None)
        if value is None:
            continue
        items = value.values() if isinstance(value, Mapping) else value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            # (name, estimator) and (name, transformer, columns) tuples hold the estimator second.
            candidate = item[1] if isinstance(item, tuple) and len(item) >= 2 else item
            # CalibratedClassifierCV's calibrated_classifiers_ each hold a fitted estimator.
            candidate = getattr(candidate, "estimator", candidate) if type(candidate) not in _SUPPORT else candidate
            if candidate is not None and not isinstance(candidate, str) and type(candidate) in _SUPPORT:
                found.append(candidate)
    return found


def proven_tolerance(model: Any, method: str) -> float:
    """The tolerance the tests hold `method` of an exported `model` to: its class's promise, or for a
    composed model the loosest promise of its parts (whichever of their methods it uses), and of
    their parts in turn."""
    support = support_of(type(model))
    if method not in support.methods:
        raise KeyError(f"{public_name(type(model))} does not promise {method!r}; it promises {sorted(support.methods)}")
    return max(support.methods[method], _parts_tolerance(model))


def _parts_tolerance(model: Any) -> float:
    """The loosest promise of a composed model's parts, their own parts included."""
    if not support_of(type(model)).composed:
        return IDENTICAL
    return max([IDENTICAL, *(max([*support_of(type(p)).methods.values(), _parts_tolerance(p)]) for p in parts(model))])


def converter_for(model: Any) -> Converter:
    """The converter registered for exactly this model's class.

    Subclasses are not matched: a subclass may change what predict computes, and a silently wrong
    export is worse than a refusal.
    """
    framework = framework_of(model)
    if framework in _FRAMEWORKS:
        _load(framework)
    converter = _CONVERTERS.get(type(model))
    if converter is None and type(model) not in _FILE_CONVERTERS:
        raise UnsupportedModelError(
            f"cannot export {public_name(type(model))}: no converter is registered for it. {_relatives(type(model))}"
            f"mle_runtime.supported_models() lists the {len(supported_models())} models that convert."
        )
    return converter


def _relatives(cls: type) -> str:
    """A sentence naming a supported class the refused one derives from, or up to three supported
    classes of close names, or nothing."""
    registered = {**_CONVERTERS, **_FILE_CONVERTERS}
    base = next((b for b in cls.__mro__[1:] if b in registered), None)
    if base is not None:
        return (f"It derives from {public_name(base)}, which converts; a subclass is refused because it may change what "
                f"predict computes: export a {base.__name__} instead. ")
    import difflib

    by_name = {c.__name__: c for c in registered}
    close = difflib.get_close_matches(cls.__name__, list(by_name), n=3, cutoff=0.7)
    if close:
        return f"Close relatives that convert: {', '.join(public_name(by_name[n]) for n in close)}. "
    return ""


def model_info(model: Any) -> ModelInfo:
    """The framework module's description of `model`, which also checks that it is fitted."""
    framework = framework_of(model)
    _load(framework)
    return importlib.import_module(_FRAMEWORKS[framework][0]).model_info(model)
