/**
 * Combining estimators: ClassIndicator (one estimator's vote as a row) and WeightedMedian
 * (AdaBoost's regression). Each operator's schema, shape rule and CPU kernel live here; the family
 * class adds them to the operator set and the CPU backend. It may use ops, ir, kernels and backend,
 * never another family.
 */
package org.mleruntime.operators.ensembles;
