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

import json

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    RandomTreesEmbedding,
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
from sklearn.utils._missing import is_scalar_nan

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from .. import tables
from ..registry import ANYTHING, FLOAT64, IDENTICAL, SPARSE_OUTPUT, register
from .common import class_labels, column_to_vector

# Bits of a TreeEnsemble node word (docs/OPERATORS.md, "TreeEnsemble").
DEFAULT_LEFT = 1 << 24
CATEGORICAL = 1 << 27
SET_GOES_RIGHT = 1 << 28
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
        self.category_words: list[np.ndarray] = []
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

    def add_histogram_tree(self, nodes: np.ndarray, target: int, features: np.ndarray | None = None,
                           left_sets: np.ndarray | None = None, known_sets: list | None = None) -> None:
        """Adds one HistGradientBoosting predictor (its `nodes` record array), whose thresholds are
        float64 and compared with float64 features. `features` maps its feature indices to input
        columns. A categorical node sends the categories of its `left_sets` bitset left, the other
        categories its feature knows (`known_sets[feature]`) right, and NaN and unknown categories
        the missing values' way."""
        internal = ~nodes["is_leaf"].astype(bool)
        feature = nodes["feature_idx"].astype(np.int64)
        missing_left = nodes["missing_go_to_left"] != 0
        threshold = nodes["num_threshold"].astype(np.float64)
        word = (feature if features is None else np.asarray(features, dtype=np.int64)[feature]) | np.where(missing_left, DEFAULT_LEFT, 0)
        if "is_categorical" in nodes.dtype.names:
            for i in np.flatnonzero(internal & (nodes["is_categorical"] != 0)):
                left = left_sets[nodes["bitset_idx"][i]].astype(np.uint32)
                if missing_left[i]:
                    # What is not known-and-right goes left: the left categories, NaN, unknown ones.
                    word[i] |= CATEGORICAL | SET_GOES_RIGHT
                    threshold[i] = self._category_set(known_sets[feature[i]].astype(np.uint32) & ~left)
                else:
                    word[i] |= CATEGORICAL
                    threshold[i] = self._category_set(left)
        self.add_nodes(word, threshold, nodes["left"], nodes["right"], ~internal, nodes["value"],
                       int(nodes["depth"].max()) if len(nodes) else 0, target)

    def add_nodes(self, word: np.ndarray, threshold: np.ndarray, left: np.ndarray, right: np.ndarray, is_leaf: np.ndarray,
                  value: np.ndarray, depth: int, target: int) -> None:
        """Adds one tree given node by node (root first): each internal node's word, float64
        threshold and children; each leaf's value."""
        reference, internal_ids, leaf_ids = self._references(np.asarray(is_leaf, dtype=bool))
        children = [reference[np.asarray(left)[internal_ids]], reference[np.asarray(right)[internal_ids]]]
        self.nodes.append(np.stack([np.asarray(word)[internal_ids], *children, np.zeros(len(internal_ids), dtype=np.int64)], axis=1))
        self.thresholds64.append(np.asarray(threshold, dtype=np.float64)[internal_ids])
        self.depths.append(depth)
        self.leaves.append(np.asarray(value, dtype=np.float64)[leaf_ids])
        self.roots.append(int(reference[0]))
        self.targets.append(target)
        self.internal_count += len(internal_ids)
        self.leaf_count += len(leaf_ids)

    def _category_set(self, words: np.ndarray) -> int:
        """Appends a category bitset (bit c of word c // 32); returns its index."""
        self.category_words.append(words.view(np.int32).astype(np.int32))
        return len(self.category_words) - 1

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
        if self.category_words:
            offsets = np.concatenate([[0], np.cumsum([len(w) for w in self.category_words])])
            inputs.append(builder.add_constant("tree_category_words", np.concatenate(self.category_words)))
            inputs.append(builder.add_constant("tree_category_offsets", offsets.astype(np.int32)))
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
    float64 features (HistGradientBoosting does not cast to float32). With categorical features
    the trees read the category codes HistGradientBoosting's own encoder gives (see
    `_category_codes`), then the numeric columns."""
    categorical = getattr(model, "is_categorical_", None)
    columns, features, left_sets, known_sets = x.name, None, None, None
    if categorical is not None and np.any(categorical):
        columns, features = _category_codes(builder, model, x)
        known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        known_sets = {f: known[f_idx_map[f]] for f in range(len(features)) if model._bin_mapper.is_categorical_[f]}
    forest = _Forest()
    for predictors in model._predictors:
        for k, predictor in enumerate(predictors):
            if categorical is not None and np.any(categorical):
                left_sets = predictor.raw_left_cat_bitsets
            forest.add_histogram_tree(predictor.nodes, target=k, features=features, left_sets=left_sets, known_sets=known_sets)
    base = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
    return forest.build(builder, columns, model.n_trees_per_iteration_, "sum", base=base)


def _category_codes(builder: GraphBuilder, model, x: Value) -> tuple[str, np.ndarray]:
    """HistGradientBoosting's preprocessing: an OrdinalEncoder turns each categorical column into its
    category's index among the categories seen in training (NaN for a missing or unknown value),
    and puts those columns first, the numeric ones after. Here one TreeEnsemble computes the codes
    (a tree per categorical column, whose leaves are the exact matches), and the ensemble's trees
    read [codes, X]; returns that matrix and where each of the trees' features lies in it.

    A column with numeric categories takes its values; one with other categories (strings) takes
    the category's position in `categories.<feature>`, recorded in the metadata."""
    categorical = np.asarray(model.is_categorical_, dtype=bool)
    encoder = model._preprocessor.named_transformers_["encoder"]
    names = [str(n) for n in getattr(model, "feature_names_in_", range(model.n_features_in_))]
    encoder_forest = _Forest()
    for target, (column, categories) in enumerate(zip(np.flatnonzero(categorical), encoder.categories_)):
        categories = np.asarray(categories)
        if len(categories) and is_scalar_nan(categories[-1]):
            categories = categories[:-1]
        if categories.dtype.kind in "biuf":
            values = categories.astype(np.float64)
            if len(np.unique(values)) != len(values) or not np.all(np.isfinite(values)):
                raise UnsupportedModelError(f"{type(model).__name__}: categorical feature {names[column]!r} has infinite categories or "
                                            "categories that are equal as float64 numbers; the model's input is float64")
        else:
            values = np.arange(len(categories), dtype=np.float64)
            builder.metadata[f"categories.{names[column]}"] = json.dumps([str(c) for c in categories])
        encoder_forest.add_nodes(*_exact_match_tree(column, values), target=target)
    codes = encoder_forest.build(builder, x.name, int(categorical.sum()), "sum")
    columns = builder.add_node("Concat", [codes.name, x.name], builder.unique_name("codes_and_features"), axis=1)
    n_categorical = int(categorical.sum())
    features = np.concatenate([np.arange(n_categorical), n_categorical + np.flatnonzero(~categorical)])
    return columns, features


def _exact_match_tree(column: int, values: np.ndarray) -> tuple:
    """A balanced tree on `column` whose leaf is i where x == values[i] exactly and NaN elsewhere
    (NaN inputs included): x in (nextafter(v, -inf), v] is x == v in float64. Returns add_nodes's
    arguments (word, threshold, left, right, is_leaf, value, depth)."""
    order = np.argsort(values)
    thresholds, leaf_values = [], [np.nan]
    for i in order:
        below = np.nextafter(values[i], -np.inf)
        if not thresholds or thresholds[-1] != below:
            thresholds.append(below)
            leaf_values.append(float(i))
        else:
            leaf_values[-1] = float(i)
        thresholds.append(values[i])
        leaf_values.append(np.nan)
    word, threshold, left, right, is_leaf, value = [], [], [], [], [], []

    def node(lo: int, hi: int) -> tuple[int, int]:
        """Builds the subtree for intervals lo..hi (interval k is (t[k-1], t[k]]); returns its id and depth."""
        at = len(word)
        word.append(column)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        is_leaf.append(lo == hi)
        value.append(leaf_values[lo] if lo == hi else 0.0)
        if lo == hi:
            return at, 0
        middle = (lo + hi) // 2
        threshold[at] = thresholds[middle]
        left[at], left_depth = node(lo, middle)
        right[at], right_depth = node(middle + 1, hi)
        return at, 1 + max(left_depth, right_depth)

    _, depth = node(0, len(leaf_values) - 1)
    return (np.array(word, dtype=np.int64), np.array(threshold), np.array(left), np.array(right), np.array(is_leaf),
            np.array(value), depth)


_HISTOGRAM_NOTE = ("missing values; native categorical features (numeric categories as themselves, "
                   "string categories as their position in the metadata's categories.<feature>)")


@register(HistGradientBoostingRegressor, methods={"predict": FLOAT64}, missing=ANYTHING, note=_HISTOGRAM_NOTE)
def histogram_boosting_regressor(builder, model, x):
    raw = column_to_vector(builder, _histogram_raw(builder, model, x))
    link = type(model._loss.link).__name__
    if link == "IdentityLink":
        return {"variable": raw}
    if link == "LogLink":
        out = builder.add_node("Exp", [raw.name], builder.unique_name("inverse_link"))
        return {"variable": Value(out, "float64", (BATCH,))}
    raise UnsupportedModelError(f"HistGradientBoostingRegressor with loss {model.loss!r} ({link}) is not supported")


@register(HistGradientBoostingClassifier, methods={"predict": IDENTICAL, "predict_proba": FLOAT64, "decision_function": FLOAT64},
          missing=ANYTHING, note=_HISTOGRAM_NOTE)
def histogram_boosting_classifier(builder, model, x):
    raw = _histogram_raw(builder, model, x)
    # HistGradientBoostingClassifier.predict is classes_[raw > 0] for two classes (not >=).
    return _boosting_head(builder, model.classes_, raw, raw.name, "Greater")


@register(IsolationForest, methods={"predict": IDENTICAL, "score_samples": FLOAT64, "decision_function": FLOAT64}, missing=ANYTHING)
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


@register(RandomTreesEmbedding, methods={"transform": IDENTICAL},
          note="one-hot of each tree's leaf as its one_hot_encoder_ orders them; dense (sparse_output=False, or inside a pipeline)")
def random_trees_embedding(builder, model, x):
    """`one_hot_encoder_.transform(apply(X))`: tree t's leaf writes a 1 in the column of its node id
    among the tree's categories. Each tree writes a block as wide as the widest tree's, starting at its
    own first column, and zeros past its own leaves add nothing to the next tree's columns; the
    padding past the last tree is dropped."""
    categories = [np.asarray(c, dtype=np.int64) for c in model.one_hot_encoder_.categories_]
    width = max(len(c) for c in categories)
    starts = np.concatenate([[0], np.cumsum([len(c) for c in categories])])
    forest = _Forest()
    for t, estimator in enumerate(model.estimators_):
        tree = estimator.tree_
        leaf_values = np.zeros((tree.node_count, width))
        leaves = np.flatnonzero(tree.children_left == LEAF)
        positions = np.searchsorted(categories[t], leaves)
        if np.any(positions >= len(categories[t])) or np.any(categories[t][np.minimum(positions, len(categories[t]) - 1)] != leaves):
            raise UnsupportedModelError(f"RandomTreesEmbedding's tree {t} has a leaf its one_hot_encoder_ never saw")
        leaf_values[leaves, positions] = 1.0
        forest.add(tree, leaf_values, target=int(starts[t]))
    total = int(starts[-1])
    padded = forest.build(builder, _as_float32(builder, x), total + width - len(categories[-1]), "sum")
    outputs = {"transformed": tables.select(builder, padded, list(range(total))) if padded.shape[1] != total else padded}
    if model.sparse_output:
        outputs[SPARSE_OUTPUT] = "RandomTreesEmbedding(sparse_output=True) returns a sparse matrix: refit with sparse_output=False"
    return outputs

