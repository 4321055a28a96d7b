/**
 * Element-wise arithmetic, comparisons and functions with numpy's broadcasting, Clip, Interpolate,
 * Softmax, the reductions of the last axis, and the log-probability operators (LogSumExp,
 * LogSoftmax, CategoryTableSum). Each operator's schema, shape rule and CPU kernel live here; the
 * family class adds them to the operator set and the CPU backend. It may use ops, ir, kernels and
 * backend, never another family.
 */
package org.mleruntime.operators.math;
