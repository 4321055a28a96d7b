"""Converters for scikit-learn's decision trees and their ensembles: single trees, random forests,
extra trees and gradient boosting, to the engine's TreeEnsemble operator.

This module owns the translation of fitted `tree_` structures (children, features, thresholds,
missing-value directions, leaf values) into TreeEnsemble's compact arrays and the heads scikit-learn
puts on them (class probabilities, labels, the gradient-boosting link functions). scikit-learn
compares float32-cast features with float64 thresholds, so features are cast to float32 once and
each threshold is stored as the largest float32 not above it, which routes every float32 value the
same way. It registers converters only and must not know other estimator families.
"""

from __future__ import annotations

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    ExtraTreesClassifier,
    IsolationForest,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier, ExtraTreeRegressor

from ..errors import UnsupportedModelError
from ..ir import BATCH, GraphBuilder, Value
from .registry import FLOAT64, IDENTICAL, register
from .sklearn_common import class_labels, column_to_vector

# Bits of a TreeEnsemble node word (docs/OPERATORS.md, "TreeEnsemble").
DEFAULT_LEFT = 1 << 24
LEAF = -1


def _float32_at_most(thresholds: np.ndarray) -> np.ndarray:
    """The largest float32 ≤ each threshold: for a float32 x, x ≤ t exactly when x ≤ this value."""
    t32 = thresholds.astype(np.float32)
    above = t32.astype(np.float64) > thresholds
    t32[above] = np.nextafter(t32[above], np.float32(-np.inf))
    return t32


class _Forest:
    """TreeEnsemble arrays accumulated tree by tree."""

    def __init__(self) -> None:
        self.nodes: list[np.ndarray] = []
        self.depths: list[int] = []
        self.thresholds64: list[np.ndarray] = []
        self.leaves: list[np.ndarray] = []
        self.roots: list[int] = []
        self.targets: list[int] = []
        self.internal_count = 0
        self.leaf_count = 0

    def _references(self, is_leaf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each node's reference in the ensemble (its internal-node index, or ~leaf index for a leaf),
        numbered after the trees already added; also the internal and leaf node ids."""
        internal_ids = np.flatnonzero(~is_leaf)
        leaf_ids = np.flatnonzero(is_leaf)
        reference = np.empty(len(is_leaf), dtype=np.int64)
        reference[internal_ids] = self.internal_count + np.arange(len(internal_ids))
        reference[leaf_ids] = ~(self.leaf_count + np.arange(len(leaf_ids)))
        return reference, internal_ids, leaf_ids

    def add(self, tree, leaf_values: np.ndarray, target: int = 0, features: np.ndarray | None = None) -> None:
        """Adds one `tree_`; `leaf_values[i]` is what node i contributes when it is a leaf. A tree
        trained on a subset of the columns names them in `features`."""
        left, right = tree.children_left, tree.children_right
        reference, internal_ids, leaf_ids = self._references(left == LEAF)
        missing_left = getattr(tree, "missing_go_to_left", np.zeros(tree.node_count, dtype=np.uint8))
        feature = tree.feature[internal_ids].astype(np.int64)
        if features is not None:
            feature = np.asarray(features, dtype=np.int64)[feature]
        word = feature | np.where(missing_left[internal_ids] != 0, DEFAULT_LEFT, 0)
        bits = _float32_at_most(tree.threshold[internal_ids]).view(np.int32).astype(np.int64)
        self.nodes.append(np.stack([word, reference[left[internal_ids]], reference[right[internal_ids]], bits], axis=1))
        self.depths.append(int(tree.max_depth))
        self.leaves.append(np.asarray(leaf_values, dtype=np.float64)[leaf_ids])
        self.roots.append(int(reference[0]))
        self.targets.append(target)
        self.internal_count += len(internal_ids)
        self.leaf_count += len(leaf_ids)

    def add_histogram_tree(self, nodes: np.ndarray, target: int) -> None:
        """Adds one HistGradientBoosting predictor (its `nodes` record array), whose thresholds are
        float64 and compared with float64 features."""
        reference, internal_ids, leaf_ids = self._references(nodes["is_leaf"].astype(bool))
        word = nodes["feature_idx"][internal_ids].astype(np.int64) | np.where(nodes["missing_go_to_left"][internal_ids] != 0, DEFAULT_LEFT, 0)
        children = [reference[nodes["left"][internal_ids]], reference[nodes["right"][internal_ids]]]
        self.nodes.append(np.stack([word, *children, np.zeros(len(internal_ids), dtype=np.int64)], axis=1))
        self.thresholds64.append(nodes["num_threshold"][internal_ids].astype(np.float64))
        self.depths.append(int(nodes["depth"].max()) if len(nodes) else 0)
        self.leaves.append(nodes["value"][leaf_ids].astype(np.float64))
        self.roots.append(int(reference[0]))
        self.targets.append(target)
        self.internal_count += len(internal_ids)
        self.leaf_count += len(leaf_ids)

    def build(self, builder: GraphBuilder, x32: str, n_targets: int, aggregate: str, base=None) -> Value:
        leaves = np.concatenate(self.leaves).reshape(self.leaf_count, -1)
        # Leaves that float32 holds exactly (pure class fractions, many regression values) take half the space.
        if np.array_equal(leaves.astype(np.float32).astype(np.float64), leaves):
            leaves = leaves.astype(np.float32)
        nodes = np.concatenate(self.nodes) if self.nodes else np.zeros((0, 4), dtype=np.int64)
        attributes = {"n_targets": n_targets, "aggregate": aggregate, "comparison": "le", "max_depth": max(self.depths, default=0)}
        if base is not None:
            attributes["base_values"] = [float(b) for b in np.asarray(base, dtype=np.float64).reshape(-1)]
        inputs = [
            x32,
            builder.add_constant("tree_nodes", nodes.astype(np.int32)),
            builder.add_constant("tree_roots", np.asarray(self.roots, dtype=np.int32)),
            builder.add_constant("tree_leaves", leaves),
            builder.add_constant("tree_targets", np.asarray(self.targets, dtype=np.int32)),
        ]
        if self.thresholds64:
            inputs.append(builder.add_constant("tree_thresholds", np.concatenate(self.thresholds64)))
        out = builder.add_node(
            "TreeEnsemble",
            inputs,
            builder.unique_name("trees"),
            **attributes,
        )
        return Value(out, "float64", (BATCH, n_targets))


def _as_float32(builder: GraphBuilder, x: Value) -> str:
    """scikit-learn's trees read X as float32."""
    return builder.add_node("Cast", [x.name], builder.unique_name("x_float32"), to="float32")


def _class_probabilities(tree, n_classes: int) -> np.ndarray:
    """Each node's predict_proba row, computed as DecisionTreeClassifier.predict_proba does."""
    proba = tree.value[:, 0, :n_classes].astype(np.float64)
    normalizer = proba.sum(axis=1)[:, np.newaxis]
    normalizer[normalizer == 0.0] = 1.0
    return proba / normalizer


def _single_output_classifier(model) -> None:
    if getattr(model, "n_outputs_", 1) != 1:
        raise UnsupportedModelError(f"{type(model).__name__} with {model.n_outputs_} outputs (multi-output classification) is not supported")


def _argmax_labels(builder: GraphBuilder, probabilities: Value, classes) -> Value:
    index = builder.add_node("ArgMax", [probabilities.name], builder.unique_name("argmax"), axis=-1, keepdims=0)
    out = builder.add_node("LabelMap", [index, class_labels(builder, classes)], builder.unique_name("label"))
    return Value(out, builder.class_labels[0], (BATCH,))


def _regression_output(builder: GraphBuilder, raw: Value, n_outputs: int) -> dict[str, Value]:
    return {"variable": column_to_vector(builder, raw) if n_outputs == 1 else raw}


@register(DecisionTreeClassifier, ExtraTreeClassifier, methods={"predict": IDENTICAL, "predict_proba": IDENTICAL})
def decision_tree_classifier(builder, model, x):
    _single_output_classifier(model)
    forest = _Forest()
    forest.add(model.tree_, _class_probabilities(model.tree_, model.n_classes_))
    proba = forest.build(builder, _as_float32(builder, x), model.n_classes_, "sum")
    return {"probabilities": proba, "label": _argmax_labels(builder, proba, model.classes_)}


@register(RandomForestClassifier, ExtraTreesClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64})
def forest_classifier(builder, model, x):
    _single_output_classifier(model)
    forest = _Forest()
    for estimator in model.estimators_:
        forest.add(estimator.tree_, _class_probabilities(estimator.tree_, model.n_classes_))
    proba = forest.build(builder, _as_float32(builder, x), model.n_classes_, "average")
    return {"probabilities": proba, "label": _argmax_labels(builder, proba, model.classes_)}


@register(DecisionTreeRegressor, ExtraTreeRegressor, methods={"predict": IDENTICAL}, note="multi-output too")
def decision_tree_regressor(builder, model, x):
    forest = _Forest()
    forest.add(model.tree_, model.tree_.value[:, :, 0])
    return _regression_output(builder, forest.build(builder, _as_float32(builder, x), model.n_outputs_, "sum"), model.n_outputs_)


@register(RandomForestRegressor, ExtraTreesRegressor, methods={"predict": IDENTICAL}, note="multi-output too")
def forest_regressor(builder, model, x):
    forest = _Forest()
    for estimator in model.estimators_:
        forest.add(estimator.tree_, estimator.tree_.value[:, :, 0])
    return _regression_output(builder, forest.build(builder, _as_float32(builder, x), model.n_outputs_, "average"), model.n_outputs_)


def _boosted_raw(builder: GraphBuilder, model, x: Value) -> Value:
    """scikit-learn's `_raw_predict`: the init estimator's constant raw prediction, then
    `raw[:, k] += learning_rate * leaf` stage by stage (the product is taken before the sum, as here)."""
    if not (model.init_ == "zero" or isinstance(model.init_, (DummyClassifier, DummyRegressor))):
        raise UnsupportedModelError(
            f"{type(model).__name__} with init={type(model.init_).__name__} is not supported: its initial prediction depends on X; "
            "use the default init (or init='zero')"
        )
    base = model._raw_predict_init(np.zeros((1, model.n_features_in_)))[0]
    forest = _Forest()
    for stage in model.estimators_:
        for k, estimator in enumerate(stage):
            forest.add(estimator.tree_, model.learning_rate * estimator.tree_.value[:, 0, 0], target=k)
    return forest.build(builder, _as_float32(builder, x), model.n_trees_per_iteration_, "sum", base=base)


@register(GradientBoostingRegressor, methods={"predict": IDENTICAL}, note="every loss; no custom init estimator")
def gradient_boosting_regressor(builder, model, x):
    return {"variable": column_to_vector(builder, _boosted_raw(builder, model, x))}


@register(GradientBoostingClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": IDENTICAL},
          note="every loss; no custom init estimator")
def gradient_boosting_classifier(builder, model, x):
    raw = _boosted_raw(builder, model, x)
    logit = raw.name
    if raw.shape[1] == 1 and model.loss == "exponential":
        # ExponentialLoss: p = expit(2 raw); HalfBinomialLoss: p = expit(raw).
        logit = builder.add_node("Mul", [raw.name, builder.add_constant("two", np.float64(2.0))], builder.unique_name("logit"))
    # GradientBoostingClassifier.predict is classes_[raw >= 0] for two classes.
    return _boosting_head(builder, model.classes_, raw, logit, "GreaterOrEqual")


def _boosting_head(builder: GraphBuilder, classes, raw: Value, logit: str, positive_if: str) -> dict[str, Value]:
    """decision_function, predict_proba and predict of a boosted classifier from its raw scores:
    for two classes p = expit(logit) and the label is classes_[raw `positive_if` 0]; for more, a
    softmax and the first maximum."""
    labels = class_labels(builder, classes)
    label_dtype = builder.class_labels[0]
    if raw.shape[1] == 1:
        scores = column_to_vector(builder, raw)
        p1 = builder.add_node("Sigmoid", [logit], builder.unique_name("p1"))
        p0 = builder.add_node("Sub", [builder.add_constant("one", np.float64(1.0)), p1], builder.unique_name("p0"))
        proba = builder.add_node("Concat", [p0, p1], builder.unique_name("proba"), axis=1)
        zero = builder.add_constant("zero", np.float64(0.0))
        index = builder.add_node(positive_if, [scores.name, zero], builder.unique_name("positive"))
    else:
        scores = raw
        proba = builder.add_node("Softmax", [raw.name], builder.unique_name("proba"), axis=-1)
        index = builder.add_node("ArgMax", [raw.name], builder.unique_name("argmax"), axis=-1, keepdims=0)
    label = builder.add_node("LabelMap", [index, labels], builder.unique_name("label"))
    return {
        "scores": scores,
        "probabilities": Value(proba, "float64", (BATCH, len(classes))),
        "label": Value(label, label_dtype, (BATCH,)),
    }


def _histogram_raw(builder: GraphBuilder, model, x: Value) -> Value:
    """`_raw_predict`: the baseline, then every predictor's value added iteration by iteration, on
    float64 features (HistGradientBoosting does not cast to float32)."""
    categorical = getattr(model, "is_categorical_", None)
    if categorical is not None and np.any(categorical):
        raise UnsupportedModelError(
            f"{type(model).__name__} with categorical features is not supported yet; "
            "encode the categories (e.g. OrdinalEncoder) and fit without categorical_features"
        )
    forest = _Forest()
    for predictors in model._predictors:
        for k, predictor in enumerate(predictors):
            forest.add_histogram_tree(predictor.nodes, target=k)
    base = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
    return forest.build(builder, x.name, model.n_trees_per_iteration_, "sum", base=base)


@register(HistGradientBoostingRegressor, methods={"predict": FLOAT64})
def histogram_boosting_regressor(builder, model, x):
    raw = column_to_vector(builder, _histogram_raw(builder, model, x))
    link = type(model._loss.link).__name__
    if link == "IdentityLink":
        return {"variable": raw}
    if link == "LogLink":
        out = builder.add_node("Exp", [raw.name], builder.unique_name("inverse_link"))
        return {"variable": Value(out, "float64", (BATCH,))}
    raise UnsupportedModelError(f"HistGradientBoostingRegressor with loss {model.loss!r} ({link}) is not supported")


@register(HistGradientBoostingClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64})
def histogram_boosting_classifier(builder, model, x):
    raw = _histogram_raw(builder, model, x)
    # HistGradientBoostingClassifier.predict is classes_[raw > 0] for two classes (not >=).
    return _boosting_head(builder, model.classes_, raw, raw.name, "Greater")


@register(IsolationForest, methods={"predict": IDENTICAL, "score_samples": FLOAT64, "decision_function": FLOAT64})
def isolation_forest(builder, model, x):
    """score_samples = −2^(−depths / (n_trees · c(max_samples))), where depths sums, tree by tree,
    each leaf's path length plus the average path length of the samples left in it, minus one;
    decision_function subtracts offset_, and predict is −1 where that is negative, else 1."""
    from sklearn.ensemble._iforest import _average_path_length

    forest = _Forest()
    subsample = model._max_features != model.n_features_in_
    for index, (estimator, features) in enumerate(zip(model.estimators_, model.estimators_features_)):
        leaf_depths = model._decision_path_lengths[index] + model._average_path_length_per_tree[index] - 1.0
        forest.add(estimator.tree_, leaf_depths, features=features if subsample else None)
    depths = forest.build(builder, _as_float32(builder, x), 1, "sum")
    denominator = len(model.estimators_) * float(_average_path_length([model._max_samples])[0])
    if denominator == 0:
        raise UnsupportedModelError("IsolationForest trained on a single sample (its scores are constant) is not supported")
    ratio = builder.add_node("Div", [depths.name, builder.add_constant("denominator", np.float64(denominator))], builder.unique_name("ratio"))
    exponent = builder.add_node("Neg", [ratio], builder.unique_name("exponent"))
    scores = builder.add_node("Pow", [builder.add_constant("two", np.float64(2.0)), exponent], builder.unique_name("scores"))
    samples = builder.add_node("Neg", [scores], builder.unique_name("score_samples"))
    samples = column_to_vector(builder, Value(samples, "float64", (BATCH, 1)))
    decision = builder.add_node("Sub", [samples.name, builder.add_constant("offset", np.float64(model.offset_))], builder.unique_name("decision"))
    inlier = builder.add_node("GreaterOrEqual", [decision, builder.add_constant("zero", np.float64(0.0))], builder.unique_name("inlier"))
    label = builder.add_node("LabelMap", [inlier, builder.add_constant("outlier_labels", np.array([-1, 1], dtype=np.int64))],
                             builder.unique_name("label"))
    return {
        "score_samples": samples,
        "scores": Value(decision, "float64", (BATCH,)),
        "label": Value(label, "int64", (BATCH,)),
    }
