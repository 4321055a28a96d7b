/**
 * scikit-learn's feature preprocessing: scaling, power and quantile transforms, polynomial and
 * spline expansions, category encoders and missing values. Each operator's schema, shape rule and
 * CPU kernel live here; the family class adds them to the operator set and the CPU backend. It may
 * use ops, ir, kernels and backend, never another family.
 */
package org.mleruntime.operators.preprocessing;
