"""Converter for scikit-learn's GaussianProcessRegressor mean prediction.

This module owns `GaussianProcessRegressor.predict` without return_std or return_cov: the fitted
kernel `kernel_` between new rows and `X_train_`, evaluated term by term in the order of operations
of `sklearn.gaussian_process.kernels` (distances as scipy's `cdist` sums them, then each kernel's
elementwise formula), sums, products and powers of such terms, times `alpha_`, with the target's
normalisation undone. Kernels the engine's operators do not compute (Matern with another ν than
½, 3⁄2, 5⁄2 or ∞, whose Bessel function it lacks, and any kernel given as code) are refused by name.
It registers converters only.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import (
    RBF,
    ConstantKernel,
    DotProduct,
    Exponentiation,
    ExpSineSquared,
    Matern,
    Product,
    RationalQuadratic,
    Sum,
    WhiteKernel,
)

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, register
from .composition import binary

# A kernel term between the input rows and the training rows: a float64 matrix [N, M], or a float where
# scikit-learn's term is the same everywhere (ConstantKernel; WhiteKernel, which is 0 between distinct sets).
Term = Value | float


def _unary(builder: GraphBuilder, op: str, value: Value, hint: str) -> Value:
    return Value(builder.add_node(op, [value.name], builder.unique_name(hint)), "float64", value.shape)


def _distances(builder: GraphBuilder, x: Value, training: np.ndarray, metric: str, length_scale=None) -> Value:
    """cdist(X / length_scale, X_train / length_scale, metric), both divided as scikit-learn divides them."""
    rows = training
    if length_scale is not None:
        scale = np.asarray(length_scale, dtype=np.float64)
        rows = training / scale
        x = Value(builder.add_node("Div", [x.name, builder.add_constant("length_scale", scale)], builder.unique_name("scaled")),
                  "float64", x.shape)
    out = builder.add_node("PairwiseDistance", [x.name, builder.add_constant("training_rows", np.ascontiguousarray(rows))],
                           builder.unique_name(f"{metric}_distances"), metric=metric)
    return Value(out, "float64", (BATCH, training.shape[0]))


def _matern(builder: GraphBuilder, kernel: Matern, d: Value) -> Value:
    if kernel.nu == 0.5:
        return _unary(builder, "Exp", _unary(builder, "Neg", d, "negated"), "matern")
    if kernel.nu == 1.5:
        k = binary(builder, "Mul", d, math.sqrt(3), "scaled_distances")
        return binary(builder, "Mul", binary(builder, "Add", 1.0, k, "one_plus"), _unary(builder, "Exp", _unary(builder, "Neg", k, "negated"), "decay"), "matern")
    if kernel.nu == 2.5:
        k = binary(builder, "Mul", d, math.sqrt(5), "scaled_distances")
        squared_third = binary(builder, "Div", binary(builder, "Mul", k, k, "squared"), 3.0, "squared_third")
        polynomial = binary(builder, "Add", binary(builder, "Add", 1.0, k, "one_plus"), squared_third, "polynomial")
        return binary(builder, "Mul", polynomial, _unary(builder, "Exp", _unary(builder, "Neg", k, "negated"), "decay"), "matern")
    if kernel.nu == np.inf:
        halved = binary(builder, "Div", _unary(builder, "Neg", binary(builder, "Mul", d, d, "squared"), "negated"), 2.0, "halved")
        return _unary(builder, "Exp", halved, "matern")
    raise UnsupportedModelError(
        f"GaussianProcessRegressor with Matern(nu={kernel.nu}) cannot be exported: that ν needs the modified Bessel function "
        "of the second kind, which the engine does not compute; nu 0.5, 1.5, 2.5 and inf convert"
    )


def _term(builder: GraphBuilder, kernel, x: Value, training: np.ndarray) -> Term:
    """kernel(X, X_train) as scikit-learn's kernel classes compute it with Y given."""
    if isinstance(kernel, Sum):
        return _combine(builder, "Add", _term(builder, kernel.k1, x, training), _term(builder, kernel.k2, x, training))
    if isinstance(kernel, Product):
        return _combine(builder, "Mul", _term(builder, kernel.k1, x, training), _term(builder, kernel.k2, x, training))
    if isinstance(kernel, Exponentiation):
        inner = _term(builder, kernel.kernel, x, training)
        if isinstance(inner, float):
            return float(np.float64(inner) ** kernel.exponent)
        return binary(builder, "Pow", inner, float(kernel.exponent), "power")
    if isinstance(kernel, ConstantKernel):
        return float(kernel.constant_value)
    if isinstance(kernel, WhiteKernel):
        return 0.0
    # Matern derives from RBF, so it is recognised first.
    if isinstance(kernel, Matern):
        return _matern(builder, kernel, _distances(builder, x, training, "euclidean", kernel.length_scale))
    if isinstance(kernel, RBF):
        d = _distances(builder, x, training, "sqeuclidean", kernel.length_scale)
        return _unary(builder, "Exp", binary(builder, "Mul", -0.5, d, "scaled"), "rbf")
    if isinstance(kernel, RationalQuadratic):
        d = _distances(builder, x, training, "sqeuclidean")
        base = binary(builder, "Add", 1.0, binary(builder, "Div", d, 2 * kernel.alpha * kernel.length_scale**2, "ratio"), "base")
        return binary(builder, "Pow", base, -kernel.alpha, "rational_quadratic")
    if isinstance(kernel, ExpSineSquared):
        d = _distances(builder, x, training, "euclidean")
        sine = _unary(builder, "Sin", binary(builder, "Mul", np.pi / kernel.periodicity, d, "angle"), "sine")
        scaled = binary(builder, "Div", sine, float(kernel.length_scale), "scaled_sine")
        return _unary(builder, "Exp", binary(builder, "Mul", -2.0, binary(builder, "Mul", scaled, scaled, "squared"), "exponent"),
                      "exp_sine_squared")
    if isinstance(kernel, DotProduct):
        out = builder.add_node("Gemm", [x.name, builder.add_constant("training_rows", training),
                                        builder.add_constant("sigma_0_squared", np.float64(kernel.sigma_0**2))],
                               builder.unique_name("dot_product"), transB=1)
        return Value(out, "float64", (BATCH, training.shape[0]))
    raise UnsupportedModelError(
        f"GaussianProcessRegressor with the kernel {type(kernel).__name__} cannot be exported; kernels that convert: RBF, "
        "Matern (nu 0.5, 1.5, 2.5, inf), RationalQuadratic, ExpSineSquared, DotProduct, WhiteKernel, ConstantKernel, "
        "and their sums, products and powers"
    )


def _combine(builder: GraphBuilder, op: str, left: Term, right: Term) -> Term:
    """left op right, elementwise as numpy, either side possibly a constant matrix (a float)."""
    if isinstance(left, float) and isinstance(right, float):
        return float(np.float64(left) + np.float64(right) if op == "Add" else np.float64(left) * np.float64(right))
    return binary(builder, op, left, right, "sum" if op == "Add" else "product")


@register(GaussianProcessRegressor, methods={"predict": FLOAT64},
          note="predict without return_std or return_cov, after fit; kernels RBF, Matern (nu 0.5, 1.5, 2.5, inf), "
               "RationalQuadratic, ExpSineSquared, DotProduct, WhiteKernel, ConstantKernel and their sums, products and "
               "powers; 1e-9 where the weights alpha_ do not cancel by more than about 1e5 (a well-conditioned fit)")
def gaussian_process_regressor(builder, model, x):
    training = np.asarray(model.X_train_, dtype=np.float64)
    if training.ndim != 2:
        raise UnsupportedModelError("GaussianProcessRegressor fitted on inputs that are not rows of numbers cannot be exported")
    # A kernel made only of ConstantKernel and WhiteKernel terms reads no input rows; scikit-learn then
    # records no n_features_in_ and model_info refuses the model before it gets here.
    kernel = _term(builder, model.kernel_, x, training)
    weights = np.asarray(model.alpha_, dtype=np.float64)
    mean = builder.add_node("MatMul", [kernel.name, builder.add_constant("alpha", weights.reshape(len(weights), -1))],
                            builder.unique_name("posterior_mean"))
    width = 1 if weights.ndim == 1 else weights.shape[1]
    scaled = builder.add_node("Mul", [builder.add_constant("y_train_std", np.asarray(model._y_train_std, dtype=np.float64)), mean],
                              builder.unique_name("unnormalised"))
    shifted = builder.add_node("Add", [scaled, builder.add_constant("y_train_mean", np.asarray(model._y_train_mean, dtype=np.float64))],
                               builder.unique_name("prediction"))
    if width == 1:
        vector = builder.add_node("Reshape", [shifted], builder.unique_name("predicted"), shape=[BATCH])
        return {"variable": Value(vector, "float64", (BATCH,))}
    return {"variable": Value(shifted, "float64", (BATCH, width))}
