"""Converters for the rest of scikit-learn's linear models: robust and Bayesian regressors, least
angle regression and matching pursuit, the multi-task Lasso and elastic net, generalised linear
models, RANSAC, the passive-aggressive models (deprecated in scikit-learn 1.8, registered while
the installed version still has them) and the linear one-class SVM, SGDOneClassSVM.

This module owns which of those classes reuse linear's linear heads, the inverse link of
the generalised linear models (identity or exp), RANSAC's delegation to the converter of its
fitted `estimator_`, and SGDOneClassSVM's heads (X · coef − offset, its sign as int32 ±1). It
registers converters only.
"""

from __future__ import annotations

from sklearn import linear_model
from sklearn.linear_model import (
    ARDRegression,
    BayesianRidge,
    GammaRegressor,
    HuberRegressor,
    Lars,
    LarsCV,
    LassoLars,
    LassoLarsCV,
    LassoLarsIC,
    MultiTaskElasticNet,
    MultiTaskElasticNetCV,
    MultiTaskLasso,
    MultiTaskLassoCV,
    OrthogonalMatchingPursuit,
    OrthogonalMatchingPursuitCV,
    PoissonRegressor,
    QuantileRegressor,
    RANSACRegressor,
    SGDOneClassSVM,
    TheilSenRegressor,
    TweedieRegressor,
)

import numpy as np

from ...errors import UnsupportedModelError
from ...ir import BATCH, Value
from .. import registry
from ..registry import ANYTHING, FLOAT64, IDENTICAL, register
from .common import column_to_vector, linear
from .linear import linear_classifier, linear_regressor

register(HuberRegressor, QuantileRegressor, TheilSenRegressor, Lars, LarsCV, LassoLars, LassoLarsCV, LassoLarsIC,
         OrthogonalMatchingPursuit, OrthogonalMatchingPursuitCV, methods={"predict": FLOAT64})(linear_regressor)
register(BayesianRidge, ARDRegression, methods={"predict": FLOAT64}, note="predict without return_std")(linear_regressor)
register(MultiTaskLasso, MultiTaskElasticNet, MultiTaskLassoCV, MultiTaskElasticNetCV, methods={"predict": FLOAT64},
         note="one output column per task")(linear_regressor)

_PASSIVE_AGGRESSIVE_CLASSIFIER = getattr(linear_model, "PassiveAggressiveClassifier", None)
_PASSIVE_AGGRESSIVE_REGRESSOR = getattr(linear_model, "PassiveAggressiveRegressor", None)
if _PASSIVE_AGGRESSIVE_CLASSIFIER is not None:
    register(_PASSIVE_AGGRESSIVE_CLASSIFIER, methods={"predict": IDENTICAL, "decision_function": FLOAT64},
             note="deprecated by scikit-learn 1.8")(linear_classifier)
if _PASSIVE_AGGRESSIVE_REGRESSOR is not None:
    register(_PASSIVE_AGGRESSIVE_REGRESSOR, methods={"predict": FLOAT64}, note="deprecated by scikit-learn 1.8")(linear_regressor)


_INVERSE_LINKS = {"IdentityLink": None, "LogLink": "Exp"}


@register(PoissonRegressor, GammaRegressor, TweedieRegressor, methods={"predict": FLOAT64}, note="identity and log links")
def generalized_linear(builder, model, x):
    raw = column_to_vector(builder, linear(builder, x, model.coef_, model.intercept_))
    link = type(model._base_loss.link).__name__
    if link not in _INVERSE_LINKS:
        raise UnsupportedModelError(f"{type(model).__name__} with the {link} link cannot be exported; supported: identity, log")
    op = _INVERSE_LINKS[link]
    if op is None:
        return {"variable": raw}
    return {"variable": Value(builder.add_node(op, [raw.name], builder.unique_name("inverse_link")), "float64", raw.shape)}


@register(RANSACRegressor, missing=ANYTHING, methods={"predict": FLOAT64}, composed=True, note="its estimator_ must be exportable")
def ransac(builder, model, x):
    inner = model.estimator_
    outputs = registry.converter_for(inner)(builder, inner, x)
    if "variable" not in outputs:
        raise UnsupportedModelError(f"RANSACRegressor over {type(inner).__name__} cannot be exported: it does not predict values")
    return {"variable": outputs["variable"]}


@register(SGDOneClassSVM, methods={"predict": IDENTICAL, "decision_function": FLOAT64, "score_samples": FLOAT64})
def sgd_one_class_svm(builder, model, x):
    offset = np.asarray(model.offset_, dtype=np.float64).reshape(-1)
    # X · coef + (−offset) is X · coef − offset to the bit: negation is exact.
    decision = column_to_vector(builder, linear(builder, x, model.coef_, -offset))
    score_samples = builder.add_node("Add", [decision.name, builder.add_constant("offset", offset[0])],
                                     builder.unique_name("score_samples"))
    inlier = builder.add_node("GreaterOrEqual", [decision.name, builder.add_constant("zero", np.float64(0.0))],
                              builder.unique_name("inlier"))
    # scikit-learn's predict is int32: (decision >= 0).astype(np.int32) with its zeros set to −1.
    label = builder.add_node("LabelMap", [inlier, builder.add_constant("outlier_labels", np.array([-1, 1], dtype=np.int32))],
                             builder.unique_name("label"))
    return {
        "scores": decision,
        "score_samples": Value(score_samples, "float64", (BATCH,)),
        "label": Value(label, "int32", (BATCH,)),
    }
