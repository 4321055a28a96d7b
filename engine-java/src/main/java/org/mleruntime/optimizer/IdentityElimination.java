package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;

/** Reroutes the readers of an Identity node's output to its input (unless the output is a graph output). */
public final class IdentityElimination implements GraphPass {
    @Override
    public String name() {
        return "identity-elimination";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Map<String, String> alias = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            Node rewired = n.withInputs(n.inputs().stream().map(i -> alias.getOrDefault(i, i)).toList());
            if (n.opType().equals("Identity") && !uses.isGraphOutput(n.outputs().getFirst())) {
                alias.put(n.outputs().getFirst(), rewired.inputs().getFirst());
            } else {
                nodes.add(rewired);
            }
        }
        return alias.isEmpty() ? graph : graph.withNodes(nodes, graph.constants());
    }
}
