/**
 * Text features: token counts of documents by vocabulary or hashed, alone or fused with the linear
 * layer that reads them, with scikit-learn's analysers. Each operator's schema, shape rule and CPU
 * kernel live here; the family class adds them to the operator set and the CPU backend. It may use
 * ops, ir, kernels and backend, never another family.
 */
package org.mleruntime.operators.text;
