package org.mleruntime.optimizer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.ValueInfo;

/** How often each value is read, and which values are graph outputs: what a fusion must not break. */
final class Uses {
    private final Map<String, Integer> reads = new HashMap<>();
    private final Map<String, Node> producers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();

    Uses(Graph graph) {
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                reads.merge(in, 1, Integer::sum);
            }
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
        }
        for (ValueInfo v : graph.outputs()) {
            graphOutputs.add(v.name());
        }
    }

    /** True when only one node reads the value and it is not a graph output, so it can disappear. */
    boolean privateTo(String value) {
        return reads.getOrDefault(value, 0) == 1 && !graphOutputs.contains(value);
    }

    /** How many node inputs read the value (a node reading it twice counts twice). */
    int reads(String value) {
        return reads.getOrDefault(value, 0);
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    Node producer(String value) {
        return producers.get(value);
    }
}
