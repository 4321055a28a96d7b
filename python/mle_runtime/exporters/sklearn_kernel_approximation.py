"""Converters for scikit-learn's kernel approximations: Nystroem and AdditiveChi2Sampler.

This module owns Nystroem's `transform` (the kernel against its `components_`, with the parameters
scikit-learn's `_get_kernel_params` resolves and each kernel's own defaults, times
`normalization_ᵀ`) and AdditiveChi2Sampler's with one sample step (`√(x · interval)`). The random
Fourier maps (RBFSampler, SkewedChi2Sampler) and AdditiveChi2Sampler's further steps take cosines
and sines, which the engine has no operator for, so they are left unregistered or refused. It
registers converters only and must not accept a kernel given as code.
"""

from __future__ import annotations

import numpy as np
from sklearn.kernel_approximation import AdditiveChi2Sampler, Nystroem
from sklearn.metrics.pairwise import KERNEL_PARAMS

from ..errors import UnsupportedModelError
from ..ir import BATCH, GraphBuilder, Value
from .registry import FLOAT64, register
from .sklearn_kernel import PAIRWISE_KERNELS, pairwise_kernel_matrix

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


# AdditiveChi2Sampler's sampling interval for one step when none is given.
_ONE_STEP_INTERVAL = 0.8


@register(AdditiveChi2Sampler, methods={"transform": FLOAT64}, note="sample_steps=1 only (more steps take cosines and sines)")
def additive_chi2_sampler(builder, model, x):
    if model.sample_steps != 1:
        raise UnsupportedModelError(
            f"AdditiveChi2Sampler(sample_steps={model.sample_steps}) cannot be exported: every step after the first "
            "takes the cosine and sine of the log of each value, and the engine has no trigonometric operators; "
            "sample_steps=1 converts"
        )
    interval = _ONE_STEP_INTERVAL if model.sample_interval is None else float(model.sample_interval)
    scaled = builder.add_node("Mul", [x.name, builder.add_constant("sample_interval", np.float64(interval))],
                              builder.unique_name("scaled"))
    root = builder.add_node("Sqrt", [scaled], builder.unique_name("square_root"))
    return {"transformed": Value(_refusing_negative_values(builder, x, root), "float64", x.shape)}


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
