"""Converters for scikit-learn's kernel methods built on `sklearn.metrics.pairwise`: KernelRidge and
KernelPCA; and KernelCenterer, the centring KernelPCA applies, on a kernel matrix given as input.

This module owns the translation of a kernel given by name (linear, poly/polynomial, rbf, sigmoid,
laplacian, chi2, additive_chi2, cosine: every kernel `pairwise_kernels` knows) into a `KernelMatrix` node with scikit-learn's pairwise
arithmetic against the stored training rows `X_fit_`, and what each estimator does with that
matrix: KernelRidge's `K · dual_coef_`, KernelPCA's centring (KernelCenterer's) and projection on
its scaled eigenvectors. It registers converters only and must not handle libsvm's estimators
(svm) or accept kernels given as callables, which would carry code into the model file.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import KernelPCA
from sklearn.kernel_ridge import KernelRidge
from sklearn.preprocessing import KernelCenterer

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, register
from .common import column_to_vector

# scikit-learn's PAIRWISE_KERNEL_FUNCTIONS, by the KernelMatrix kernel each one is.
PAIRWISE_KERNELS = {
    "linear": "linear",
    "poly": "poly",
    "polynomial": "poly",
    "rbf": "rbf",
    "sigmoid": "sigmoid",
    "laplacian": "laplacian",
    "chi2": "chi2",
    "additive_chi2": "additive_chi2",
    "cosine": "cosine",
}


def pairwise_kernel_matrix(builder: GraphBuilder, model, x: Value, vectors, gamma, degree, coef0) -> Value:
    """`pairwise_kernels(X, vectors, metric=model.kernel, gamma=…, degree=…, coef0=…)` as one node.

    `gamma=None` becomes 1 / n_features, the default of every pairwise kernel that takes it."""
    kernel = model.kernel
    if not isinstance(kernel, str) or kernel not in PAIRWISE_KERNELS:
        shown = repr(kernel) if isinstance(kernel, str) else f"a {type(kernel).__name__}" if not callable(kernel) else "a callable"
        raise UnsupportedModelError(
            f"{type(model).__name__}(kernel={shown}) cannot be exported: a precomputed kernel needs the caller's kernel "
            f"matrix, and a callable or Gaussian-process kernel is code, which a model file never carries; supported "
            f"kernels: {', '.join(PAIRWISE_KERNELS)}"
        )
    vectors = np.asarray(vectors, dtype=np.float64)
    out = builder.add_node(
        "KernelMatrix",
        [x.name, builder.add_constant("fit_rows_t", np.ascontiguousarray(vectors.T))],
        builder.unique_name("kernel"),
        kernel=PAIRWISE_KERNELS[kernel],
        convention="pairwise",
        gamma=float(1.0 / vectors.shape[1] if gamma is None else gamma),
        degree=float(degree),
        coef0=float(coef0),
    )
    return Value(out, "float64", (BATCH, vectors.shape[0]))


def _fitted_rows(model):
    rows = model.X_fit_
    if hasattr(rows, "toarray"):
        rows = rows.toarray()
    return np.asarray(rows, dtype=np.float64)


def _mat_mul(builder: GraphBuilder, value: Value, matrix: np.ndarray, name: str) -> Value:
    out = builder.add_node("MatMul", [value.name, builder.add_constant(name, matrix)], builder.unique_name(name + "_product"))
    return Value(out, "float64", (BATCH, matrix.shape[1]))


@register(KernelRidge, methods={"predict": FLOAT64},
          note="kernels linear, poly, rbf, sigmoid, laplacian, chi2, additive_chi2, cosine")
def kernel_ridge(builder, model, x):
    kernel = pairwise_kernel_matrix(builder, model, x, _fitted_rows(model), model.gamma, model.degree, model.coef0)
    dual = np.asarray(model.dual_coef_, dtype=np.float64)
    predictions = _mat_mul(builder, kernel, dual.reshape(dual.shape[0], -1), "dual_coef")
    # scikit-learn returns (n,) when it was fitted on a 1-D target and (n, n_targets) otherwise.
    return {"variable": column_to_vector(builder, predictions) if dual.ndim == 1 else predictions}


@register(KernelPCA, methods={"transform": FLOAT64}, note="kernels linear, poly, rbf, sigmoid, cosine (all KernelPCA accepts by name)")
def kernel_pca(builder, model, x):
    kernel = pairwise_kernel_matrix(builder, model, x, _fitted_rows(model), model.gamma_, model.degree, model.coef0)
    centered = _center(builder, model._centerer, kernel)
    # transform's own scaling of the eigenvectors, zero columns for zero eigenvalues.
    eigenvalues = np.asarray(model.eigenvalues_, dtype=np.float64)
    eigenvectors = np.asarray(model.eigenvectors_, dtype=np.float64)
    non_zeros = np.flatnonzero(eigenvalues)
    scaled_alphas = np.zeros_like(eigenvectors)
    scaled_alphas[:, non_zeros] = eigenvectors[:, non_zeros] / np.sqrt(eigenvalues[non_zeros])
    return {"transformed": _mat_mul(builder, centered, scaled_alphas, "scaled_alphas")}


def _center(builder: GraphBuilder, centerer, kernel: Value) -> Value:
    """KernelCenterer.transform: K − K_fit_rows_ − (row sums of K) / n + K_fit_all_, in that order."""
    fit_rows = np.asarray(centerer.K_fit_rows_, dtype=np.float64)
    row_sums = builder.add_node("ReduceSum", [kernel.name], builder.unique_name("kernel_row_sum"), axis=-1, keepdims=1)
    row_means = builder.add_node("Div", [row_sums, builder.add_constant("n_fit_rows", np.float64(fit_rows.shape[0]))],
                                 builder.unique_name("kernel_row_mean"))
    minus_columns = builder.add_node("Sub", [kernel.name, builder.add_constant("fit_column_means", fit_rows)],
                                     builder.unique_name("centered_columns"))
    minus_rows = builder.add_node("Sub", [minus_columns, row_means], builder.unique_name("centered_rows"))
    out = builder.add_node("Add", [minus_rows, builder.add_constant("fit_mean", np.float64(centerer.K_fit_all_))],
                           builder.unique_name("centered_kernel"))
    return Value(out, "float64", kernel.shape)


@register(KernelCenterer, methods={"transform": FLOAT64}, note="the input is the kernel matrix against the fitted rows")
def kernel_centerer(builder, model, x):
    return {"transformed": _center(builder, model, x)}
