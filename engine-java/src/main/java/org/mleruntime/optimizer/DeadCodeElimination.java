package org.mleruntime.optimizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** Removes nodes and constants that no graph output depends on. */
public final class DeadCodeElimination implements GraphPass {
    @Override
    public String name() {
        return "dead-code-elimination";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Set<String> needed = new HashSet<>();
        Deque<String> work = new ArrayDeque<>();
        for (ValueInfo out : graph.outputs()) {
            work.push(out.name());
        }
        Set<Node> live = new HashSet<>();
        while (!work.isEmpty()) {
            String value = work.pop();
            if (!needed.add(value)) {
                continue;
            }
            Node producer = uses.producer(value);
            if (producer != null && live.add(producer)) {
                producer.inputs().forEach(work::push);
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (live.contains(n)) {
                nodes.add(n);
            }
        }
        Map<String, Tensor> constants = new LinkedHashMap<>();
        graph.constants().forEach((name, t) -> {
            if (needed.contains(name)) {
                constants.put(name, t);
            }
        });
        if (nodes.size() == graph.nodes().size() && constants.size() == graph.constants().size()) {
            return graph;
        }
        return graph.withNodes(nodes, constants);
    }
}
