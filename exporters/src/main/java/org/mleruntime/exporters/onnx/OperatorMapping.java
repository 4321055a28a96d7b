package org.mleruntime.exporters.onnx;

/**
 * How one ONNX operator of the default domain becomes engine nodes: the first operator set
 * version whose meaning the mapping reproduces (later versions up to {@link OnnxReader#MAX_OPSET}
 * change nothing it relies on), and the translation of one node.
 */
record OperatorMapping(String opType, long sinceOpset, Translator translator) {
    @FunctionalInterface
    interface Translator {
        void translate(OnnxNode node, GraphTranslation graph);
    }
}
