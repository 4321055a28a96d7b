/**
 * Operators that move, select or relabel elements without arithmetic: Cast, Concat, Identity,
 * Reshape, GatherColumns and LabelMap. Each operator's schema, shape rule and CPU kernel live here;
 * the family class adds them to the operator set and the CPU backend. It may use ops, ir, kernels
 * and backend, never another family.
 */
package org.mleruntime.operators.tensor;
