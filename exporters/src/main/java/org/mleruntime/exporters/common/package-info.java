/**
 * What the framework converters share: a JSON reader that keeps each number's float32 and double
 * roundings exact ({@link org.mleruntime.exporters.common.JsonReader}), the builder that lays trees
 * of any origin out as one {@code TreeEnsemble} node ({@link
 * org.mleruntime.exporters.common.TreeEnsembleBuilder}), the graph assembler, the output heads
 * (scores, probabilities, label, variable), the metadata and the {@code predict} option every
 * converter takes ({@link org.mleruntime.exporters.common.PredictOption}). It knows no framework:
 * nothing here may read a framework-specific field or depend on a framework sub-package.
 */
package org.mleruntime.exporters.common;
