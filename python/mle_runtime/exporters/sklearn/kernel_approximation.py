"""Converters for scikit-learn's kernel approximations: Nystroem, RBFSampler, SkewedChi2Sampler and
AdditiveChi2Sampler.

This module owns Nystroem's `transform` (the kernel against its `components_`, with the parameters
scikit-learn's `_get_kernel_params` resolves and each kernel's own defaults, times
`normalization_ᵀ`), the random Fourier maps (`cos(X · random_weights_ + random_offset_)` scaled, on
log(X + skewedness) for SkewedChi2Sampler) and AdditiveChi2Sampler's sampled spectrum (`√(x · interval)`,
then for each further step j a cosine and a sine of j · interval · log x, zero where x is zero). It
registers converters only and must not accept a kernel given as code.
"""

from __future__ import annotations

import numpy as np
from sklearn.kernel_approximation import AdditiveChi2Sampler, Nystroem, RBFSampler, SkewedChi2Sampler
from sklearn.metrics.pairwise import KERNEL_PARAMS

from ...errors import UnsupportedModelError
from ...ir import BATCH, GraphBuilder, Value
from ..registry import FLOAT64, register
from .common import column_labels
from .kernel import PAIRWISE_KERNELS, pairwise_kernel_matrix

# The defaults of the pairwise kernel functions for the parameters Nystroem leaves at None; gamma's
# None means 1 / n_features to every kernel but chi2_kernel, whose default is 1.
_DEFAULT_DEGREE = 3.0
_DEFAULT_COEF0 = 1.0
_CHI2_DEFAULT_GAMMA = 1.0


def _kernel_parameters(model) -> dict:
    """What Nystroem.transform passes to `pairwise_kernels(..., filter_params=True)`: its kernel_params,
    overridden by gamma, degree and coef0 where set, keeping only those the kernel takes."""
    kernel = model.kernel
    if not isinstance(kernel, str) or kernel not in PAIRWISE_KERNELS:
        return {}
    params = dict(model.kernel_params or {})
    for name in KERNEL_PARAMS[kernel]:
        if getattr(model, name) is not None:
            params[name] = getattr(model, name)
    return {name: value for name, value in params.items() if name in KERNEL_PARAMS[kernel]}


@register(Nystroem, methods={"transform": FLOAT64},
          note="kernels linear, poly, rbf, sigmoid, laplacian, chi2, additive_chi2, cosine; kernel_params of those kernels; "
               "1e-9 where the landmarks' kernel has full rank (no more components than the kernel's rank)")
def nystroem(builder, model, x):
    params = _kernel_parameters(model)
    gamma = params.get("gamma", _CHI2_DEFAULT_GAMMA if model.kernel == "chi2" else None)
    kernel = pairwise_kernel_matrix(builder, model, x, np.asarray(model.components_, dtype=np.float64), gamma,
                                    params.get("degree", _DEFAULT_DEGREE), params.get("coef0", _DEFAULT_COEF0))
    normalization = np.ascontiguousarray(np.asarray(model.normalization_, dtype=np.float64).T)
    out = builder.add_node("MatMul", [kernel.name, builder.add_constant("normalization_t", normalization)],
                           builder.unique_name("embedded"))
    return {"transformed": Value(out, "float64", (BATCH, normalization.shape[1]))}


def _random_fourier_features(builder: GraphBuilder, model, features: Value, scale: float) -> Value:
    """`cos(features · random_weights_ + random_offset_) · scale`, in scikit-learn's order."""
    weights = np.asarray(model.random_weights_, dtype=np.float64)
    projection = builder.add_node("Gemm", [features.name, builder.add_constant("random_weights", weights),
                                           builder.add_constant("random_offset", np.asarray(model.random_offset_, dtype=np.float64))],
                                  builder.unique_name("projection"))
    cosine = builder.add_node("Cos", [projection], builder.unique_name("cosine"))
    out = builder.add_node("Mul", [cosine, builder.add_constant("scale", np.float64(scale))], builder.unique_name("random_features"))
    return Value(out, "float64", (BATCH, weights.shape[1]))


_RANDOM_FEATURES_NOTE = ("1e-9: the engine's cosine (Java's Math.cos) and numpy's may differ in the last bit, and the "
                         "projection's dot products in their summation order")


@register(RBFSampler, methods={"transform": FLOAT64}, note=_RANDOM_FEATURES_NOTE)
def rbf_sampler(builder, model, x):
    return {"transformed": _random_fourier_features(builder, model, x, (2.0 / model.n_components) ** 0.5)}


@register(SkewedChi2Sampler, methods={"transform": FLOAT64},
          note=_RANDOM_FEATURES_NOTE + "; a value ≤ −skewedness stops the run, as scikit-learn raises")
def skewed_chi2_sampler(builder, model, x):
    shifted = builder.add_node("Add", [x.name, builder.add_constant("skewedness", np.float64(model.skewedness))],
                               builder.unique_name("shifted"))
    # Box-Cox with λ = 0 is log(x) exactly, and stops the run on a value ≤ 0 naming the column, where a
    # plain Log would give NaN for the values scikit-learn refuses.
    n_features = x.shape[1]
    logs = builder.add_node("PowerTransform", [shifted, builder.add_constant("zero_lambdas", np.zeros(n_features))],
                            builder.unique_name("log_shifted"), method="box-cox",
                            column_names=[f"{label} plus skewedness (SkewedChi2Sampler takes no value ≤ −skewedness)"
                                          for label in column_labels(model, n_features)])
    scale = np.sqrt(2.0) / np.sqrt(model.n_components)
    return {"transformed": _random_fourier_features(builder, model, Value(logs, "float64", x.shape), scale)}


# AdditiveChi2Sampler's sampling interval, by sample_steps, when none is given (as its transform chooses).
_DEFAULT_INTERVALS = {1: 0.8, 2: 0.5, 3: 0.4}


@register(AdditiveChi2Sampler, methods={"transform": FLOAT64},
          note="any sample_steps (with sample_interval given beyond 3); 1e-9 with more than one step, where the engine's "
               "log, cosine and sine (Java's) and numpy's may differ in the last bit")
def additive_chi2_sampler(builder, model, x):
    steps = int(model.sample_steps)
    if model.sample_interval is None and steps not in _DEFAULT_INTERVALS:
        raise UnsupportedModelError(
            f"AdditiveChi2Sampler(sample_steps={steps}) without a sample_interval cannot be exported: scikit-learn "
            "itself refuses to transform with it; give sample_interval"
        )
    interval = _DEFAULT_INTERVALS[steps] if model.sample_interval is None else float(model.sample_interval)

    def constant(hint: str, value: float) -> str:
        return builder.add_constant(hint, np.float64(value))

    scaled = builder.add_node("Mul", [x.name, constant("sample_interval", interval)], builder.unique_name("scaled"))
    parts = [builder.add_node("Sqrt", [scaled], builder.unique_name("square_root"))]
    if steps > 1:
        # scikit-learn computes the further steps on the non-zero values only and leaves zeros at 0. A zero
        # read as 1 has log 0, so its cosine and sine are finite, and its factor √(2·0·interval / c) is 0.
        ones_for_zeros = builder.add_node("Impute", [x.name, builder.add_constant("ones", np.ones(x.shape[1]))],
                                          builder.unique_name("zeros_as_ones"), missing_value=0.0)
        logs = builder.add_node("Log", [ones_for_zeros], builder.unique_name("log"))
        log_step = builder.add_node("Mul", [constant("sample_interval", interval), logs], builder.unique_name("log_step"))
        doubled = builder.add_node("Mul", [constant("two", 2.0), x.name], builder.unique_name("doubled"))
        step = builder.add_node("Mul", [doubled, constant("sample_interval", interval)], builder.unique_name("step"))
        for j in range(1, steps):
            ratio = builder.add_node("Div", [step, constant("cosh", np.cosh(np.pi * j * interval))], builder.unique_name("ratio"))
            factor = builder.add_node("Sqrt", [ratio], builder.unique_name(f"factor_{j}"))
            angle = builder.add_node("Mul", [constant("step_index", float(j)), log_step], builder.unique_name(f"angle_{j}"))
            for function in ("Cos", "Sin"):
                wave = builder.add_node(function, [angle], builder.unique_name(f"{function.lower()}_{j}"))
                parts.append(builder.add_node("Mul", [factor, wave], builder.unique_name(f"{function.lower()}_term_{j}")))
    joined = parts[0] if len(parts) == 1 else builder.add_node("Concat", parts, builder.unique_name("steps"), axis=1)
    width = x.shape[1] * (2 * steps - 1)
    return {"transformed": Value(_refusing_negative_values(builder, x, joined), "float64", (BATCH, width))}


def _refusing_negative_values(builder: GraphBuilder, x: Value, result: str) -> str:
    """`result`, computed only when every value of x is at least 0: scikit-learn refuses a negative value,
    where the square root would quietly give NaN. The engine's additive_chi2 kernel stops the run on a
    negative value, naming the row and column; against the zero vector it is −Σ x, finite for finite
    rows, so adding 0 times it leaves the result's bits as they are and keeps the check in the graph."""
    zero_vector = builder.add_constant("zero_vector", np.zeros((x.shape[1], 1)))
    check = builder.add_node("KernelMatrix", [x.name, zero_vector], builder.unique_name("non_negative_check"),
                             kernel="additive_chi2", convention="pairwise")
    nothing = builder.add_node("Mul", [check, builder.add_constant("zero", np.float64(0.0))], builder.unique_name("nothing"))
    return builder.add_node("Add", [result, nothing], builder.unique_name("checked"))
