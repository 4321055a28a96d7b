/**
 * Matrix products: Gemm and MatMul on the hot loops' GEMM, and the quantized-weight operators
 * Dequantize and QGemm. Each operator's schema, shape rule and CPU kernel live here; the family
 * class adds them to the operator set and the CPU backend. It may use ops, ir, kernels and backend,
 * never another family.
 */
package org.mleruntime.operators.linear;
