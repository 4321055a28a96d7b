"""scikit-learn support shared by the sklearn converters: model description and graph fragments.

This module owns what every scikit-learn export needs: the fitted check and `model_info` the
registry asks for (which refuses a callable `kernel`: code that no model file carries), the class-label constant and its metadata, the linear score `X·coefᵀ + intercept`
and the heads built on scores (labels, probabilities), each written to follow scikit-learn's own
arithmetic. It registers no converter and must not know any particular estimator's attributes
beyond `coef_`, `intercept_`, `classes_`, `n_features_in_` and `feature_names_in_`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import sklearn
from sklearn.exceptions import NotFittedError
from sklearn.gaussian_process.kernels import Kernel as GaussianProcessKernel
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from ...errors import ModelError, UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..columns import INPUT_NAME, takes_vector
from ..labels import label_strings
from ..registry import BOTH_AS_DECLARED, FINITE, ModelInfo, not_converted
from .text import COUNTING_OPERATORS


def model_type(model: Any) -> str:
    """`LogisticRegression`, `Pipeline(StandardScaler,LogisticRegression)`, `OneVsRestClassifier(LinearSVC)`."""
    name = type(model).__name__
    steps = getattr(model, "steps", None)
    if steps is not None:
        inner = [model_type(step) for _, step in steps if step is not None and step != "passthrough"]
        return f"{name}({','.join(inner)})"
    estimator = getattr(model, "estimator", None)
    if estimator is not None:
        return f"{name}({model_type(estimator)})"
    return name


def _input_attribute(model: Any, name: str) -> Any:
    """`n_features_in_` / `feature_names_in_` of a model; a Pipeline that starts with "passthrough"
    steps has neither, but its first real step's describe the same input."""
    value = getattr(model, name, None)
    if value is None and hasattr(model, "steps"):
        for _, step in model.steps:
            if step is not None and step != "passthrough":
                return _input_attribute(step, name)
    return value


def _reads_one_feature(model: Any) -> bool:
    """Models that take a 1-D array (IsotonicRegression) record no n_features_in_; they read one column."""
    tags = get_tags(model).input_tags
    return tags.one_d_array and not tags.two_d_array


def model_info(model: Any) -> ModelInfo:
    try:
        check_is_fitted(model)
    except NotFittedError as exc:
        raise ModelError(f"{type(model).__name__} is not fitted: call fit() before export_model()") from exc
    kernel = getattr(model, "kernel", None)
    # A Gaussian process kernel is a callable object whose terms its converter reads (or refuses by name).
    if callable(kernel) and not isinstance(kernel, GaussianProcessKernel):
        # Checked before the input width: libsvm models with a callable kernel record none.
        raise UnsupportedModelError(
            f"{type(model).__name__}(kernel=a callable) cannot be exported: a callable kernel is code, which a model "
            "file never carries; fit it with one of its named kernels"
        )
    if getattr(model, "refit", None) is False and hasattr(model, "cv_results_"):
        raise UnsupportedModelError(f"{type(model).__name__} fitted with refit=False has no best_estimator_ to export; "
                                    "fit it with refit=True, or export the estimator you choose")
    n_features = 1 if takes_vector(model) else _input_attribute(model, "n_features_in_")
    if n_features is None and _reads_one_feature(model):
        n_features = 1
    if n_features is None:
        raise ModelError(f"{type(model).__name__} does not record n_features_in_, so its input width is unknown")
    names = _input_attribute(model, "feature_names_in_")
    return ModelInfo(
        framework="sklearn",
        framework_version=sklearn.__version__,
        model_type=model_type(model),
        n_features=int(n_features),
        feature_names=None if names is None else [str(n) for n in names],
    )


_NAMED_COLUMNS = 1024


def require_finite(builder: GraphBuilder, model: Any, x: Any, rule: str) -> Any:
    """`x` as the fitted model reads it after scikit-learn's input validation, by the registry's
    `rule` (registry.MISSING_RULES) and the model's `allow_nan` tag: a RequireFinite node naming the
    columns it refuses. Tables (string columns beside numbers) and vectors pass unchecked: the
    converters that read them check each column they use. A vectorizer's counts are finite by
    construction and pass too."""
    if not isinstance(x, Value) or x.dtype not in ("float64", "float32") or len(x.shape) != 2:
        return x
    producer = builder.producer(x.name)
    if producer is not None and producer.op_type in COUNTING_OPERATORS:
        return x
    allow_nan = rule != FINITE and bool(get_tags(model).input_tags.allow_nan)
    if allow_nan and rule == BOTH_AS_DECLARED:
        return x
    attributes = {"allow_nan": int(allow_nan), "model": type(model).__name__}
    # Feature names where the model has them and they are few: the kernel says "column j" otherwise,
    # and a name per column of a very wide input would cost more to load than the check itself.
    if x.name == INPUT_NAME and getattr(model, "feature_names_in_", None) is not None and x.shape[1] <= _NAMED_COLUMNS:
        attributes["column_names"] = column_labels(model, int(x.shape[1]))
    out = builder.add_node("RequireFinite", [x.name], builder.unique_name("finite"), **attributes)
    return Value(out, x.dtype, x.shape)


def estimators() -> list[str]:
    """Public names of scikit-learn's estimators that predict, transform or score samples, its
    experimental ones included (all_estimators lists them only once enabled, so the count would
    otherwise depend on what the process imported before)."""
    from sklearn.experimental import enable_halving_search_cv, enable_iterative_imputer  # noqa: F401
    from sklearn.utils import all_estimators

    from ..registry import public_name

    methods = ("predict", "transform", "predict_proba", "decision_function", "score_samples")
    return sorted(public_name(cls) for _, cls in all_estimators() if any(hasattr(cls, m) for m in methods))


# Why the estimators without a converter have none (SUPPORTED.md's coverage table; a test requires a reason for each).
_WHY_NOT_CONVERTED = {
    "sklearn.feature_extraction.DictVectorizer": "reads a dict of feature names to values per row; model inputs are arrays and columns",
    "sklearn.feature_extraction.FeatureHasher": "reads dicts, (name, value) pairs or lists of strings per row; model inputs are arrays and columns",
    "sklearn.preprocessing.MultiLabelBinarizer": "encodes a set of labels per row, which no array input holds",
    "sklearn.decomposition.NMF": "transform solves a non-negative least-squares problem per row by iteration",
    "sklearn.decomposition.MiniBatchNMF": "transform solves a non-negative least-squares problem per row by iteration",
    "sklearn.decomposition.LatentDirichletAllocation": "transform runs variational inference per row by iteration",
    "sklearn.gaussian_process.GaussianProcessClassifier": "predict_proba integrates its Laplace approximation with erf, an operator the engine lacks",
    "sklearn.impute.IterativeImputer": "not converted yet: transform replays its fitted imputation_sequence_ of per-feature "
                                       "regressors (and draws at random with sample_posterior=True)",
    "sklearn.impute.KNNImputer": "needs NaN-aware Euclidean distances and a choice of neighbours per missing column, which no operator computes yet",
    "sklearn.neighbors.RadiusNeighborsTransformer": "not converted yet: its graph, made dense, would be a pairwise distance masked by the radius",
    "sklearn.manifold.Isomap": "transform takes shortest paths through the training graph (a min-plus product), which no operator computes",
    "sklearn.manifold.LocallyLinearEmbedding": "transform solves a linear system per row for its barycentre weights",
    "sklearn.kernel_approximation.PolynomialCountSketch": "transform multiplies count sketches through fast Fourier transforms, which the engine lacks",
    "sklearn.feature_extraction.image.PatchExtractor": "extracts image patches: no fixed number of outputs per input row",
}
for _name, _reason in _WHY_NOT_CONVERTED.items():
    not_converted(_name, _reason)


def declared_allow_nan(cls: type) -> bool | None:
    """scikit-learn's `allow_nan` tag of a default instance of `cls`; None where the class needs
    arguments or its tag depends on its parts."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bool(get_tags(cls()).input_tags.allow_nan)
    except Exception:
        return None


def column_labels(model: Any, n: int) -> list[str]:
    """How error messages name a model's n input columns: by feature name when it has them."""
    names = getattr(model, "feature_names_in_", None)
    return [f"column {str(names[j])!r}" if names is not None else f"column {j}" for j in range(n)]


def class_labels(builder: GraphBuilder, classes: Any) -> str:
    """Adds `classes_` as a constant (and to the metadata) and returns the constant's name.

    Labels keep their kind: integers as int64, floats as float64, booleans, strings.
    """
    dtype, rendered = label_strings(classes)
    values = rendered if dtype == "string" else np.asarray(classes).astype({"int64": np.int64, "float64": np.float64, "bool": np.bool_}[dtype])
    builder.class_labels = (dtype, rendered)
    return builder.add_constant("classes", values)


def linear(builder: GraphBuilder, x: Value, coef: Any, intercept: Any) -> Value:
    """`X · coefᵀ + intercept` as one Gemm, always 2-D: [N, M] for M rows of coef (M = 1 for 1-D coef)."""
    w = np.asarray(coef, dtype=np.float64)
    w = w.reshape(1, -1) if w.ndim == 1 else w
    if w.shape[1] != x.shape[1]:
        raise ModelError(f"coefficients of shape {w.shape} do not match the {x.shape[1]} input features")
    b = np.asarray(intercept, dtype=np.float64).reshape(-1)
    out = builder.add_node(
        "Gemm",
        [x.name, builder.add_constant("coef", w), builder.add_constant("intercept", b)],
        builder.unique_name("linear"),
        transB=1,
    )
    return Value(out, "float64", (BATCH, w.shape[0]))


def column_to_vector(builder: GraphBuilder, value: Value) -> Value:
    """[N, 1] → [N], as scikit-learn's `ravel()` of single-column scores."""
    out = builder.add_node("Reshape", [value.name], builder.unique_name("vector"), shape=[BATCH])
    return Value(out, value.dtype, (BATCH,))


def decision(builder: GraphBuilder, raw: Value) -> Value:
    """scikit-learn's decision_function from 2-D scores: a vector when there is one column."""
    return column_to_vector(builder, raw) if raw.shape[1] == 1 else raw


def labels_from_scores(builder: GraphBuilder, scores: Value, classes: Any) -> Value:
    """`classes_[scores > 0]` for vector scores, `classes_[argmax(scores)]` otherwise."""
    if len(scores.shape) == 1:
        zero = builder.add_constant("zero", np.float64(0.0))
        index = builder.add_node("Greater", [scores.name, zero], builder.unique_name("positive"))
    else:
        index = builder.add_node("ArgMax", [scores.name], builder.unique_name("argmax"), axis=-1, keepdims=0)
    labels = class_labels(builder, classes)
    out = builder.add_node("LabelMap", [index, labels], builder.unique_name("label"))
    return Value(out, builder.class_labels[0], (BATCH,))


def classifier_outputs(builder: GraphBuilder, raw: Value, classes: Any) -> dict[str, Value]:
    """The "scores" and "label" outputs every linear classifier has, from its 2-D raw scores."""
    scores = decision(builder, raw)
    return {"scores": scores, "label": labels_from_scores(builder, scores, classes)}


def ovr_probabilities(builder: GraphBuilder, raw: Value) -> Value:
    """scikit-learn's `_predict_proba_lr`: expit of the scores; one column → [1 − p, p]; several →
    each row divided by its sum (the one-vs-rest normalisation), a row of zeros becoming uniform."""
    p = _expit(builder, raw)
    if raw.shape[1] == 1:
        return _complement_pair(builder, p)
    return uniform_normalized_rows(builder, p)


def uniform_normalized_rows(builder: GraphBuilder, p: Value) -> Value:
    """Each (non-negative) row of p divided by its sum, a row of zeros becoming 1 / n_columns each,
    as np.divide(p, row_sums, out=np.full_like(p, 1 / n), where=row_sums != 0)."""
    total = _row_sums(builder, p)
    zero = _zero_indicator(builder, total)
    # Adding the 0/1 indicator is exact: rows with a non-zero sum are unchanged, and an all-zero
    # row becomes ones over n_classes, as scikit-learn sets it.
    n_classes = builder.add_constant("n_classes", np.float64(p.shape[1]))
    ones_where_zero = builder.add_node("Add", [p.name, zero], builder.unique_name("proba_or_ones"))
    n_where_zero = builder.add_node("Mul", [zero, n_classes], builder.unique_name("n_where_zero"))
    denominator = builder.add_node("Add", [total, n_where_zero], builder.unique_name("denominator"))
    out = builder.add_node("Div", [ones_where_zero, denominator], builder.unique_name("probabilities"))
    return Value(out, "float64", p.shape)


def one_vs_rest_probabilities(builder: GraphBuilder, raw: Value) -> Value:
    """OneVsRestClassifier.predict_proba over logistic estimators: expit of each column ([1 − p, p]
    for a single estimator), each row divided by its sum where that sum is not zero."""
    p = _expit(builder, raw)
    return normalized_rows(builder, _complement_pair(builder, p) if raw.shape[1] == 1 else p)


def normalized_rows(builder: GraphBuilder, y: Value) -> Value:
    """Each (non-negative) row of y divided by its sum where that sum is not zero, an all-zero row
    left as it is, like np.divide(y, row_sums, where=row_sums != 0)."""
    total = _row_sums(builder, y)
    # Dividing by sum + [sum == 0] divides by the sum exactly where it is non-zero.
    safe = builder.add_node("Add", [total, _zero_indicator(builder, total)], builder.unique_name("denominator"))
    out = builder.add_node("Div", [y.name, safe], builder.unique_name("probabilities"))
    return Value(out, "float64", y.shape)


def _expit(builder: GraphBuilder, raw: Value) -> Value:
    return Value(builder.add_node("Sigmoid", [raw.name], builder.unique_name("expit")), "float64", raw.shape)


def _complement_pair(builder: GraphBuilder, p: Value) -> Value:
    """[1 − p, p] from a single column p."""
    one = builder.add_constant("one", np.float64(1.0))
    q = builder.add_node("Sub", [one, p.name], builder.unique_name("complement"))
    out = builder.add_node("Concat", [q, p.name], builder.unique_name("pair"), axis=1)
    return Value(out, "float64", (BATCH, 2))


def _row_sums(builder: GraphBuilder, value: Value) -> str:
    return builder.add_node("ReduceSum", [value.name], builder.unique_name("row_sum"), axis=-1, keepdims=1)


def _zero_indicator(builder: GraphBuilder, sums: str) -> str:
    """1.0 where a (non-negative) row sum is 0, else 0.0; NaN sums give 0.0 and stay NaN downstream."""
    zero = builder.add_constant("zero", np.float64(0.0))
    positive = builder.add_node("Greater", [sums, zero], builder.unique_name("sum_positive"))
    as_float = builder.add_node("Cast", [positive], builder.unique_name("sum_positive_float"), to="float64")
    one = builder.add_constant("one", np.float64(1.0))
    return builder.add_node("Sub", [one, as_float], builder.unique_name("sum_is_zero"))


def softmax_probabilities(builder: GraphBuilder, raw: Value) -> Value:
    out = builder.add_node("Softmax", [raw.name], builder.unique_name("probabilities"), axis=-1)
    return Value(out, "float64", raw.shape)
