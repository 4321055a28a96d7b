package org.mleruntime.exporters.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Tensor;

/**
 * An ONNX graph as read: its real inputs (initializers listed among the inputs, as IR versions
 * before 4 did, are constants here, not inputs), outputs, decoded initializers and nodes in file
 * order.
 */
public record OnnxGraph(String name, List<OnnxValue> inputs, List<OnnxValue> outputs, Map<String, Tensor> initializers,
                        List<OnnxNode> nodes) {
    public OnnxGraph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
    }
}
