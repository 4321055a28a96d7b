/**
 * Converters from frameworks' own saved model files (XGBoost JSON/UBJSON, LightGBM text, CatBoost
 * JSON) into the engine's IR, usable from Java with no Python. Each converter reads one framework's
 * file and produces a {@link org.mleruntime.ir.Model}; writing the file is the format layer's job.
 * No converter is implemented yet: the tree-ensemble work adds them here.
 */
package org.mleruntime.exporters;
