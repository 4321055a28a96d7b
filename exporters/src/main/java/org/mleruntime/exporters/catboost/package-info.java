/**
 * The CatBoost converter: reads CatBoost's JSON model into one ObliviousTreeEnsemble, maps NaN
 * treatment, scale and bias, class names and loss functions, tabulates the CTRs and one-hot matches
 * of integer categorical features (with CatBoost's hashes) as columns the trees split on, and
 * refuses string categories, text and embedding features. It owns CatBoost's semantics only; it must not change
 * the shared code's behaviour for other frameworks, nor reach into the engine beyond the IR.
 */
package org.mleruntime.exporters.catboost;
