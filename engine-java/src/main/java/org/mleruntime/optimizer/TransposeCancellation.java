package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;

/**
 * Composes a Transpose of a Transpose (whose output nothing else reads) into one Transpose, or into
 * an Identity when the permutations cancel, which identity elimination then removes (a graph
 * output keeps its name through the Identity). Only values move, so outputs stay bit for bit.
 */
public final class TransposeCancellation implements GraphPass {
    @Override
    public String name() {
        return "transpose-cancellation";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Set<Node> absorbed = new HashSet<>();
        List<Node> result = new ArrayList<>();
        for (Node second : graph.nodes()) {
            Node first = second.opType().equals("Transpose") ? uses.producer(second.inputs().getFirst()) : null;
            if (first == null || !first.opType().equals("Transpose") || !uses.privateTo(first.outputs().getFirst())
                    || !first.hasAttr("perm") || !second.hasAttr("perm") || first.intsAttr("perm").length != second.intsAttr("perm").length) {
                result.add(second);
                continue;
            }
            long[] inner = first.intsAttr("perm");
            long[] outer = second.intsAttr("perm");
            // Output axis i of the pair is input axis inner[outer[i]].
            long[] composed = new long[outer.length];
            boolean identity = true;
            for (int i = 0; i < outer.length; i++) {
                composed[i] = inner[(int) outer[i]];
                identity &= composed[i] == i;
            }
            List<String> input = List.of(first.inputs().getFirst());
            String name = first.name() + "+" + second.name();
            result.add(identity ? new Node(name, "Identity", 1, input, second.outputs(), Map.of())
                    : new Node(name, "Transpose", second.opsetVersion(), input, second.outputs(), Map.of("perm", new Attribute.Ints(composed))));
            absorbed.add(first);
        }
        if (absorbed.isEmpty()) {
            return graph;
        }
        result.removeIf(absorbed::contains);
        return graph.withNodes(result, graph.constants());
    }
}
