package org.mleruntime.exporters.onnx;

/**
 * A validated ONNX model: the IR version, the version of the default operator set ("" or
 * "ai.onnx") it imports, who produced it, and its main graph.
 */
public record OnnxModel(long irVersion, long opsetVersion, String producerName, String producerVersion, OnnxGraph graph) {}
