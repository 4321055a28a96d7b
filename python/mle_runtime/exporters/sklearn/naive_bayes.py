"""Converters for scikit-learn's naive Bayes classifiers: Gaussian, Multinomial, Complement,
Bernoulli and Categorical.

This module owns the translation of each classifier's joint log likelihood, in the order of
operations of its `_joint_log_likelihood`, and the heads `_BaseNB` builds on it: predict (the first
best class), predict_log_proba (jll − logsumexp(jll), scikit-learn's own logsumexp) and
predict_proba (its exp). It registers converters only.
"""

from __future__ import annotations

import numpy as np
from sklearn.naive_bayes import BernoulliNB, CategoricalNB, ComplementNB, GaussianNB, MultinomialNB

from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import labels_from_scores, linear

_METHODS = {"predict": IDENTICAL, "predict_proba": FLOAT64, "predict_log_proba": FLOAT64}


def _outputs(builder: GraphBuilder, jll: Value, classes) -> dict[str, Value]:
    normaliser = builder.add_node("LogSumExp", [jll.name], builder.unique_name("log_prob_x"))
    log_proba = builder.add_node("Sub", [jll.name, normaliser], builder.unique_name("log_probabilities"))
    return {
        "label": labels_from_scores(builder, jll, classes),
        "log_probabilities": Value(log_proba, "float64", jll.shape),
        "probabilities": Value(builder.add_node("Exp", [log_proba], builder.unique_name("probabilities")), "float64", jll.shape),
    }


@register(GaussianNB, methods=_METHODS)
def gaussian_nb(builder, model, x):
    classes, features = model.theta_.shape
    # Per class i: log(prior_i) + (−0.5·Σ log(2π·var_i) − 0.5·Σ (x − θ_i)² / var_i), on a [N, classes, features] broadcast.
    rows = builder.add_node("Reshape", [x.name], builder.unique_name("rows"), shape=[BATCH, 1, features])
    centred = builder.add_node("Sub", [rows, builder.add_constant("theta", model.theta_)], builder.unique_name("centred"))
    squared = builder.add_node("Mul", [centred, centred], builder.unique_name("squared"))
    scaled = builder.add_node("Div", [squared, builder.add_constant("var", model.var_)], builder.unique_name("scaled"))
    total = builder.add_node("ReduceSum", [scaled], builder.unique_name("distance"), axis=-1, keepdims=0)
    halved = builder.add_node("Mul", [total, builder.add_constant("half", np.float64(0.5))], builder.unique_name("halved"))
    log_norm = np.array([-0.5 * np.sum(np.log(2.0 * np.pi * model.var_[i, :])) for i in range(classes)])
    n_ij = builder.add_node("Sub", [builder.add_constant("log_normaliser", log_norm), halved], builder.unique_name("n_ij"))
    jll = builder.add_node("Add", [builder.add_constant("log_prior", np.log(model.class_prior_)), n_ij], builder.unique_name("jll"))
    return _outputs(builder, Value(jll, "float64", (BATCH, classes)), model.classes_)


@register(MultinomialNB, methods=_METHODS)
def multinomial_nb(builder, model, x):
    return _outputs(builder, linear(builder, x, model.feature_log_prob_, model.class_log_prior_), model.classes_)


@register(ComplementNB, methods=_METHODS)
def complement_nb(builder, model, x):
    intercept = model.class_log_prior_ if len(model.classes_) == 1 else np.zeros(len(model.classes_))
    return _outputs(builder, linear(builder, x, model.feature_log_prob_, intercept), model.classes_)


@register(BernoulliNB, methods=_METHODS, note="binarize threshold or None")
def bernoulli_nb(builder, model, x):
    source = x
    if model.binarize is not None:
        above = builder.add_node("Greater", [x.name, builder.add_constant("threshold", np.float64(model.binarize))],
                                 builder.unique_name("above"))
        source = Value(builder.add_node("Cast", [above], builder.unique_name("binarized"), to="float64"), "float64", x.shape)
    neg_prob = np.log(1 - np.exp(model.feature_log_prob_))
    jll = linear(builder, source, model.feature_log_prob_ - neg_prob, model.class_log_prior_ + neg_prob.sum(axis=1))
    return _outputs(builder, jll, model.classes_)


@register(CategoricalNB, methods=_METHODS, note="inputs are category numbers; one outside a feature's categories is an error")
def categorical_nb(builder, model, x):
    tables = [np.asarray(t, dtype=np.float64).T for t in model.feature_log_prob_]
    offsets = np.concatenate([[0], np.cumsum([t.shape[0] for t in tables])]).astype(np.int64)
    summed = builder.add_node("CategoryTableSum", [x.name, builder.add_constant("log_prob_tables", np.vstack(tables)),
                                                   builder.add_constant("table_offsets", offsets)], builder.unique_name("feature_ll"))
    jll = builder.add_node("Add", [summed, builder.add_constant("log_prior", model.class_log_prior_)], builder.unique_name("jll"))
    return _outputs(builder, Value(jll, "float64", (BATCH, len(model.classes_))), model.classes_)
