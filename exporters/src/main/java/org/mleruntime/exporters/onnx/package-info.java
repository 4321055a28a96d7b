/**
 * The ONNX importer: reads an ONNX model file ({@code ModelProto}) strictly and translates its
 * graph into the engine's IR. {@link org.mleruntime.exporters.onnx.OnnxReader} parses and validates
 * the file (opset imports, graph, tensors, external data kept inside the model's folder) into
 * records ({@link org.mleruntime.exporters.onnx.OnnxModel} and the types it holds); {@link
 * org.mleruntime.exporters.onnx.OnnxImport} maps those records onto operator set nodes through
 * the table of {@link org.mleruntime.exporters.onnx.OperatorMappings}; {@link
 * org.mleruntime.exporters.onnx.OnnxConverter} is the registry's entry. The sub-package {@code
 * proto} holds the classes protoc generates from {@code src/main/protobuf/onnx.proto}
 * ({@code src/main/protobuf/regenerate.sh}), never edited by hand. This package reads files and
 * builds {@link org.mleruntime.ir.Model}s; it must not lay out file bytes, run models, or reach
 * into the engine beyond the IR and the operator schemas of {@link org.mleruntime.ops.OperatorSet}.
 */
package org.mleruntime.exporters.onnx;
