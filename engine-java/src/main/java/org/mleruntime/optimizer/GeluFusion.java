package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.planner.ShapeInference;

/**
 * Recognises GELU written out in primitives and runs it as one {@code Gelu} node: the exact
 * {@code 0.5·x·(1 + Erf(x/√2))} (x divided by √2 or multiplied by 1/√2) as {@code approximate
 * none}, and {@code 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³)))} (x³ as Pow 3 or {@code x·x·x}) as
 * {@code approximate tanh}; the three factors multiplied in any order and grouping, the operands
 * of each Mul and Add either way round. Constants match to float32 rounding and the intermediates
 * must have no other reader. Gelu computes in float64 and rounds once, so outputs change within
 * float32 rounding; float32 inputs only.
 */
public final class GeluFusion implements GraphPass {
    private static final double SQRT_2 = Math.sqrt(2);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double CUBIC = 0.044715;

    @Override
    public String name() {
        return "gelu-fusion";
    }

    @Override
    public Graph apply(Graph graph) {
        if (graph.nodes().stream().noneMatch(n -> n.opType().equals("Erf") || n.opType().equals("Tanh"))) {
            return graph;
        }
        Uses uses = new Uses(graph);
        Map<String, ValueInfo> types = ShapeInference.infer(graph);
        FreshNames names = new FreshNames(graph);
        List<Node> result = new ArrayList<>();
        boolean changed = false;
        for (Node n : graph.nodes()) {
            Node gelu = n.opType().equals("Mul") ? match(n, uses, graph.constants(), types, names) : null;
            result.add(gelu == null ? n : gelu);
            changed |= gelu != null;
        }
        // The primitives the Gelu replaces are left without readers; dead-code elimination removes them.
        return changed ? graph.withNodes(result, graph.constants()) : graph;
    }

    private static Node match(Node product, Uses uses, Map<String, Tensor> constants, Map<String, ValueInfo> types, FreshNames names) {
        List<String> factors = new ArrayList<>();
        collectFactors(product, uses, constants, factors);
        String half = factors.stream().filter(f -> Scalars.near(constants, f, 0.5)).findFirst().orElse(null);
        String onePlus = factors.stream().filter(f -> functionOfOnePlus(f, uses, constants) != null).findFirst().orElse(null);
        if (factors.size() != 3 || half == null || onePlus == null) {
            return null;
        }
        List<String> rest = new ArrayList<>(factors);
        rest.remove(half);
        rest.remove(onePlus);
        String x = rest.getFirst();
        ValueInfo type = types.get(x);
        Node function = functionOfOnePlus(onePlus, uses, constants);
        // A constant of higher rank than x would broadcast the product beyond x's shape.
        if (constants.containsKey(x) || type == null || type.dtype() != DType.FLOAT32 || constants.get(half).shape().rank() > type.shape().rank()) {
            return null;
        }
        String argument = function.inputs().getFirst();
        String approximate = switch (function.opType()) {
            case "Erf" -> isScaled(argument, x, 1 / SQRT_2, uses, constants) ? "none" : null;
            case "Tanh" -> isTanhArgument(argument, x, uses, constants) ? "tanh" : null;
            default -> null;
        };
        if (approximate == null) {
            return null;
        }
        return new Node(names.fresh(product.name() + "_gelu"), "Gelu", 1, List.of(x), product.outputs(),
                Map.of("approximate", new Attribute.Str(approximate)));
    }

    /** The leaves of a tree of Mul nodes whose inner products nothing else reads. */
    private static void collectFactors(Node product, Uses uses, Map<String, Tensor> constants, List<String> factors) {
        for (String operand : product.inputs()) {
            Node p = privateProducer(operand, uses);
            if (p != null && p.opType().equals("Mul") && factors.size() < 3) {
                collectFactors(p, uses, constants, factors);
            } else {
                factors.add(operand);
            }
        }
    }

    /** The Erf or Tanh node f when {@code value} is {@code 1 + f(·)}, else null. */
    private static Node functionOfOnePlus(String value, Uses uses, Map<String, Tensor> constants) {
        Node add = privateProducer(value, uses);
        if (add == null || !add.opType().equals("Add") || add.inputs().size() != 2) {
            return null;
        }
        int one = Scalars.near(constants, add.inputs().get(0), 1) ? 0 : Scalars.near(constants, add.inputs().get(1), 1) ? 1 : -1;
        Node f = one < 0 ? null : privateProducer(add.inputs().get(1 - one), uses);
        return f != null && (f.opType().equals("Erf") || f.opType().equals("Tanh")) ? f : null;
    }

    /** Whether {@code value} is {@code x · factor}, as a Mul by the factor (either way round) or a Div by its inverse. */
    private static boolean isScaled(String value, String x, double factor, Uses uses, Map<String, Tensor> constants) {
        Node n = privateProducer(value, uses);
        if (n == null || n.inputs().size() != 2) {
            return false;
        }
        List<String> in = n.inputs();
        return switch (n.opType()) {
            case "Div" -> in.get(0).equals(x) && Scalars.near(constants, in.get(1), 1 / factor);
            case "Mul" -> in.get(0).equals(x) && Scalars.near(constants, in.get(1), factor)
                    || in.get(1).equals(x) && Scalars.near(constants, in.get(0), factor);
            default -> false;
        };
    }

    /** Whether {@code value} is {@code √(2/π)·(x + 0.044715·x³)}. */
    private static boolean isTanhArgument(String value, String x, Uses uses, Map<String, Tensor> constants) {
        String inner = otherOperand(privateProducer(value, uses), "Mul", SQRT_2_OVER_PI, constants);
        Node sum = inner == null ? null : privateProducer(inner, uses);
        if (sum == null || !sum.opType().equals("Add") || sum.inputs().size() != 2) {
            return false;
        }
        int xAt = sum.inputs().get(0).equals(x) ? 0 : sum.inputs().get(1).equals(x) ? 1 : -1;
        String cube = xAt < 0 ? null : otherOperand(privateProducer(sum.inputs().get(1 - xAt), uses), "Mul", CUBIC, constants);
        return cube != null && isCube(cube, x, uses, constants);
    }

    /** Whether {@code value} is {@code Pow(x, 3)}, {@code (x·x)·x} or {@code x·(x·x)}. */
    private static boolean isCube(String value, String x, Uses uses, Map<String, Tensor> constants) {
        Node n = privateProducer(value, uses);
        if (n == null || n.inputs().size() != 2) {
            return false;
        }
        List<String> in = n.inputs();
        if (n.opType().equals("Pow")) {
            return in.get(0).equals(x) && Scalars.near(constants, in.get(1), 3);
        }
        int xAt = in.get(0).equals(x) ? 0 : in.get(1).equals(x) ? 1 : -1;
        Node square = xAt < 0 ? null : privateProducer(in.get(1 - xAt), uses);
        return n.opType().equals("Mul") && square != null && square.opType().equals("Mul")
                && square.inputs().get(0).equals(x) && square.inputs().get(1).equals(x);
    }

    /** The operand of an {@code op} node beside a scalar constant near {@code constant} (either way round), else null. */
    private static String otherOperand(Node n, String op, double constant, Map<String, Tensor> constants) {
        if (n == null || !n.opType().equals(op) || n.inputs().size() != 2) {
            return null;
        }
        if (Scalars.near(constants, n.inputs().get(1), constant)) {
            return n.inputs().get(0);
        }
        return Scalars.near(constants, n.inputs().get(0), constant) ? n.inputs().get(1) : null;
    }

    private static Node privateProducer(String value, Uses uses) {
        return uses.privateTo(value) ? uses.producer(value) : null;
    }
}
