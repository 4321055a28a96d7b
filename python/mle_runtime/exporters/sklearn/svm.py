"""Converters for scikit-learn's libsvm models: SVC, NuSVC, SVR, NuSVR and OneClassSVM.

This module owns the translation of a fitted libsvm estimator into a `KernelMatrix` node (the
support vectors as constant columns, the kernel with libsvm's arithmetic) followed by the SVM heads
of operator set 1: `SvmDecision` (libsvm's decision values), `SvmVote` (libsvm's predicted class),
`SvmOvr` (scikit-learn's one-vs-rest shape of the one-vs-one values) and `SvmProbability` (libsvm's
pairwise coupling). It reads the private fitted attributes libsvm itself predicts from
(`_dual_coef_`, `_intercept_`, `_n_support`, `_gamma`, `_probA`, `_probB`), which are exactly what
scikit-learn passes to libsvm. It registers converters only and must not handle other kernels'
estimators (KernelRidge and KernelPCA live in kernel).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.svm import SVC, SVR, NuSVC, NuSVR, OneClassSVM

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, IDENTICAL, register
from .common import class_labels, column_to_vector

LIBSVM_KERNELS = ("linear", "poly", "rbf", "sigmoid")


def _dense(array) -> np.ndarray:
    """A fitted attribute as a float64 ndarray; models fitted on sparse data keep sparse ones."""
    return np.asarray(array.toarray() if sp.issparse(array) else array, dtype=np.float64)


def _kernel_matrix(builder: GraphBuilder, model, x: Value) -> Value:
    """k(x, sv) for every support vector, as libsvm's k_function computes it."""
    kernel = model.kernel
    if callable(kernel) or kernel not in LIBSVM_KERNELS:
        shown = "a callable" if callable(kernel) else repr(kernel)
        raise UnsupportedModelError(
            f"{type(model).__name__}(kernel={shown}) cannot be exported: a precomputed kernel needs the caller's "
            f"kernel matrix and a callable is code, which a model file never carries; supported kernels: "
            f"{', '.join(LIBSVM_KERNELS)}"
        )
    vectors = _dense(model.support_vectors_)
    out = builder.add_node(
        "KernelMatrix",
        [x.name, builder.add_constant("support_vectors_t", np.ascontiguousarray(vectors.T))],
        builder.unique_name("kernel"),
        kernel=kernel,
        convention="libsvm",
        gamma=float(model._gamma),
        coef0=float(model.coef0),
        degree=float(model.degree),
    )
    return Value(out, "float64", (BATCH, vectors.shape[0]))


def _decision(builder: GraphBuilder, model, kernel: Value, **n_support) -> Value:
    """libsvm's decision values: one column per pair of classes, or one column without classes."""
    coefficients = _dense(model._dual_coef_)
    intercepts = np.asarray(model._intercept_, dtype=np.float64).reshape(-1)
    out = builder.add_node(
        "SvmDecision",
        [kernel.name, builder.add_constant("dual_coef", coefficients), builder.add_constant("intercept", intercepts)],
        builder.unique_name("decision"),
        **n_support,
    )
    return Value(out, "float64", (BATCH, len(intercepts)))


@register(SVC, NuSVC, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "predict_proba": FLOAT64},
          note="kernels linear, poly, rbf, sigmoid; decision_function_shape ovr and ovo, break_ties; "
               "predict_proba (libsvm's pairwise coupling) when fitted with probability=True")
def svc(builder, model, x):
    classes = model.classes_
    n_classes = len(classes)
    if model.break_ties and model.decision_function_shape == "ovo":
        raise UnsupportedModelError(
            f"{type(model).__name__}(break_ties=True, decision_function_shape='ovo') cannot be exported: "
            "scikit-learn's own predict refuses this combination; use decision_function_shape='ovr'"
        )
    kernel = _kernel_matrix(builder, model, x)
    ovo = _decision(builder, model, kernel, n_support=[int(n) for n in model._n_support])
    outputs = {}
    if n_classes == 2:
        # libsvm's value is positive for the first class; scikit-learn returns its negation.
        negated = builder.add_node("Neg", [ovo.name], builder.unique_name("binary_decision"))
        outputs["scores"] = column_to_vector(builder, Value(negated, "float64", ovo.shape))
    elif model.decision_function_shape == "ovr":
        outputs["scores"] = Value(builder.add_node("SvmOvr", [ovo.name], builder.unique_name("ovr")), "float64", (BATCH, n_classes))
    else:
        outputs["scores"] = ovo
    if model.break_ties and n_classes > 2:
        index = builder.add_node("ArgMax", [outputs["scores"].name], builder.unique_name("argmax"), axis=-1, keepdims=0)
    else:
        index = builder.add_node("SvmVote", [ovo.name], builder.unique_name("vote"))
    label = builder.add_node("LabelMap", [index, class_labels(builder, classes)], builder.unique_name("label"))
    outputs["label"] = Value(label, builder.class_labels[0], (BATCH,))
    if hasattr(model, "predict_proba") and np.size(model._probA) > 0:
        probabilities = builder.add_node(
            "SvmProbability",
            [ovo.name, builder.add_constant("prob_a", _dense(model._probA).reshape(-1)),
             builder.add_constant("prob_b", _dense(model._probB).reshape(-1))],
            builder.unique_name("probabilities"),
        )
        outputs["probabilities"] = Value(probabilities, "float64", (BATCH, n_classes))
    return outputs


@register(SVR, NuSVR, methods={"predict": FLOAT64}, note="kernels linear, poly, rbf, sigmoid")
def svr(builder, model, x):
    value = _decision(builder, model, _kernel_matrix(builder, model, x))
    return {"variable": column_to_vector(builder, value)}


@register(OneClassSVM, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "score_samples": FLOAT64},
          note="kernels linear, poly, rbf, sigmoid")
def one_class_svm(builder, model, x):
    decision = column_to_vector(builder, _decision(builder, model, _kernel_matrix(builder, model, x)))
    offset = builder.add_constant("offset", np.float64(np.asarray(model.offset_, dtype=np.float64).reshape(-1)[0]))
    score_samples = builder.add_node("Add", [decision.name, offset], builder.unique_name("score_samples"))
    # libsvm predicts +1 (inlier) exactly when the decision value is > 0.
    inlier = builder.add_node("Greater", [decision.name, builder.add_constant("zero", np.float64(0.0))], builder.unique_name("inlier"))
    label = builder.add_node("LabelMap", [inlier, builder.add_constant("outlier_labels", np.array([-1, 1], dtype=np.int64))],
                             builder.unique_name("label"))
    return {
        "scores": decision,
        "score_samples": Value(score_samples, "float64", (BATCH,)),
        "label": Value(label, "int64", (BATCH,)),
    }
