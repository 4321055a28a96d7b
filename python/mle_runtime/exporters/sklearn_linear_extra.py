"""Converters for the rest of scikit-learn's linear models: robust and Bayesian regressors, least
angle regression and matching pursuit, the multi-task Lasso and elastic net, generalised linear
models, RANSAC and the passive-aggressive models (deprecated in scikit-learn 1.8, registered while
the installed version still has them).

This module owns which of those classes reuse sklearn_linear's linear heads, the inverse link of
the generalised linear models (identity or exp), and RANSAC's delegation to the converter of its
fitted `estimator_`. It registers converters only.
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
    TheilSenRegressor,
    TweedieRegressor,
)

from ..errors import UnsupportedModelError
from ..ir import Value
from . import registry
from .registry import FLOAT64, IDENTICAL, register
from .sklearn_common import column_to_vector, linear
from .sklearn_linear import linear_classifier, linear_regressor

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


@register(RANSACRegressor, methods={"predict": FLOAT64}, composed=True, note="its estimator_ must be exportable")
def ransac(builder, model, x):
    inner = model.estimator_
    outputs = registry.converter_for(inner)(builder, inner, x)
    if "variable" not in outputs:
        raise UnsupportedModelError(f"RANSACRegressor over {type(inner).__name__} cannot be exported: it does not predict values")
    return {"variable": outputs["variable"]}
