/**
 * Tree ensembles: TreeEnsemble (scikit-learn, XGBoost and LightGBM trees, walked in blocks over
 * compact node arrays) and ObliviousTreeEnsemble (CatBoost's symmetric trees). Each operator's
 * schema, shape rule and CPU kernel live here; the family class adds them to the operator set and
 * the CPU backend. It may use ops, ir, kernels and backend, never another family.
 */
package org.mleruntime.operators.trees;
