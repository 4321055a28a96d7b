/**
 * Converters from frameworks' own saved model files (XGBoost JSON/UBJSON, LightGBM text, CatBoost
 * JSON, ONNX) into the engine's IR, usable from Java with no Python: the {@link
 * org.mleruntime.exporters.ModelConverter} contract, the {@link org.mleruntime.exporters.Converters}
 * registry (the only place a converter is named) and the {@link
 * org.mleruntime.exporters.ConvertCommand} command line. Each framework has its own sub-package;
 * {@code common} holds what they share (the JSON reader, the tree-ensemble builder, the output
 * heads, the {@code predict} option); {@code onnx} is the ONNX importer, on protobuf-java. The registry depends on the framework converters, never the
 * other way round. Converters read files and build {@link org.mleruntime.ir.Model}s; they must not lay out
 * file bytes (that is {@link org.mleruntime.format.ModelFileWriter}'s job), run models, or know
 * anything of the engine beyond the IR and the operator set's documented semantics.
 */
package org.mleruntime.exporters;
