package org.mleruntime.optimizer;

import java.util.HashSet;
import java.util.Set;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;

/** Names no value or node of a graph has yet, for the values, constants and nodes a pass adds. */
final class FreshNames {
    private final Set<String> taken = new HashSet<>();

    FreshNames(Graph graph) {
        taken.addAll(graph.constants().keySet());
        graph.inputs().forEach(v -> taken.add(v.name()));
        for (Node n : graph.nodes()) {
            taken.add(n.name());
            taken.addAll(n.outputs());
        }
    }

    /** {@code base}, or {@code base} with a suffix, reserved from then on. */
    String fresh(String base) {
        String name = base;
        for (int i = 1; taken.contains(name); i++) {
            name = base + "_" + i;
        }
        taken.add(name);
        return name;
    }
}
