/**
 * The CatBoost converter: reads CatBoost's JSON model, expands each symmetric (oblivious) tree into
 * a regular tree, maps NaN treatment, scale and bias, class names and loss functions, and refuses
 * categorical, text and embedding features. It owns CatBoost's semantics only; it must not change
 * the shared code's behaviour for other frameworks, nor reach into the engine beyond the IR.
 */
package org.mleruntime.exporters.catboost;
