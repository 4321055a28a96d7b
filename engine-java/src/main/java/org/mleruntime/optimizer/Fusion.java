package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.planner.ShapeInference;

/**
 * Fuses two-node chains into one operator whose kernel performs the very same arithmetic in the same
 * order, so results do not change by a bit: {@code Sub(x, c1) → Div(·, c2)} into
 * {@code Scaler(sub_div)}, {@code Mul(x, c1) → Add(·, c2)} into {@code Scaler(mul_add)}, and
 * {@code MatMul(x, W) → Add(·, b)} or a bias-less {@code Gemm} followed by {@code Add(·, b)} into
 * {@code Gemm} with bias (matrices only, and a Gemm without transA, alpha or beta). The first
 * input must be floating-point, and the intermediate value read by the second node alone.
 */
public final class Fusion implements GraphPass {
    @Override
    public String name() {
        return "operator-fusion";
    }

    @Override
    public Graph apply(Graph graph) {
        Map<String, ValueInfo> types = ShapeInference.infer(graph);
        Uses uses = new Uses(graph);
        Map<String, Tensor> constants = graph.constants();
        Set<Node> absorbed = new HashSet<>();
        List<Node> result = new ArrayList<>();
        boolean changed = false;
        for (Node second : graph.nodes()) {
            Node fused = second.inputs().isEmpty() ? null : fuse(uses.producer(second.inputs().getFirst()), second, uses, constants, types);
            if (fused != null) {
                absorbed.add(uses.producer(second.inputs().getFirst()));
                result.add(fused);
                changed = true;
            } else {
                result.add(second);
            }
        }
        if (!changed) {
            return graph;
        }
        result.removeIf(absorbed::contains);
        return graph.withNodes(result, constants);
    }

    private static Node fuse(Node first, Node second, Uses uses, Map<String, Tensor> constants, Map<String, ValueInfo> types) {
        if (first == null || second.inputs().size() != 2 || !uses.privateTo(first.outputs().getFirst())) {
            return null;
        }
        ValueInfo x = types.get(first.inputs().getFirst());
        if (x == null || !x.dtype().isFloating()) {
            return null;
        }
        Tensor secondConst = constants.get(second.inputs().get(1));
        if (secondConst == null || !second.inputs().getFirst().equals(first.outputs().getFirst())) {
            return null;
        }
        String pair = first.opType() + "+" + second.opType();
        return switch (pair) {
            case "Sub+Div", "Mul+Add" -> {
                Tensor firstConst = first.inputs().size() == 2 ? constants.get(first.inputs().get(1)) : null;
                if (firstConst == null || constants.containsKey(first.inputs().getFirst())) {
                    yield null;
                }
                boolean subDiv = pair.equals("Sub+Div");
                String offset = subDiv ? first.inputs().get(1) : second.inputs().get(1);
                String scale = subDiv ? second.inputs().get(1) : first.inputs().get(1);
                yield new Node(first.name() + "+" + second.name(), "Scaler", 1, List.of(first.inputs().getFirst(), offset, scale),
                        second.outputs(), Map.of("mode", new Attribute.Str(subDiv ? "sub_div" : "mul_add")));
            }
            case "MatMul+Add", "Gemm+Add" -> {
                ValueInfo b = types.get(first.inputs().get(1));
                // A folded activation applies after the bias, so a Gemm with one takes no Add.
                boolean plainProduct = first.intAttr("transA", 0) == 0 && first.floatAttr("alpha", 1) == 1 && first.floatAttr("beta", 1) == 1
                        && !first.hasAttr("activation");
                if (first.inputs().size() != 2 || !isBias(secondConst.shape()) || x.shape().rank() != 2 || b.shape().rank() != 2
                        || b.shape().isBatched() || !plainProduct) {
                    yield null;
                }
                long transB = first.intAttr("transB", 0);
                List<String> inputs = List.of(first.inputs().get(0), first.inputs().get(1), second.inputs().get(1));
                yield new Node(first.name() + "+" + second.name(), "Gemm", 1, inputs, second.outputs(),
                        Map.of("transB", new Attribute.Int(transB)));
            }
            default -> null;
        };
    }

    private static boolean isBias(Shape s) {
        return s.rank() <= 1 || (s.rank() == 2 && s.dim(0) == 1);
    }
}
