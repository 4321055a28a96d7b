/**
 * The XGBoost converter: reads XGBoost's JSON and UBJSON model documents (the {@link
 * org.mleruntime.exporters.xgboost.UbjsonReader} decodes the binary form into the same tree) and
 * maps objectives, base scores, tree groups, dart weights and categorical splits onto the shared
 * tree-ensemble builder and heads. It owns XGBoost's semantics only; it must not change the shared
 * code's behaviour for other frameworks, nor reach into the engine beyond the IR.
 */
package org.mleruntime.exporters.xgboost;
