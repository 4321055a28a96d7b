package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.planner.ShapeInference;

/**
 * Recognises layer normalisation written out in primitives, as torch's exporter writes
 * {@code nn.LayerNorm} before opset 17: {@code d = x − ReduceMean(x)}, {@code d²} (Pow 2 or
 * {@code d·d}), ReduceMean, Add ε, Sqrt, then {@code d / σ} (or {@code d · Reciprocal(σ)}), an
 * optional Mul by γ and an optional Add of β. Both means run over the same trailing axes of x with
 * their axes kept; ε, γ and β are constants, γ and β no larger than the normalised axes. The chain
 * becomes one {@code LayerNormalization} (γ absent: ones), whose kernel sums in float64, so
 * outputs change within float32 rounding; float32 inputs only, never the float64 graphs.
 */
public final class LayerNormFusion implements GraphPass {
    private final MemoryBudget budget;

    public LayerNormFusion(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return "layer-norm-fusion";
    }

    /** The LayerNormalization the primitives compute, and the nodes it replaces. */
    private record Match(String x, int axis, double epsilon, String gamma, String beta, List<Node> chain) {}

    @Override
    public Graph apply(Graph graph) {
        if (graph.nodes().stream().noneMatch(n -> n.opType().equals("ReduceMean"))) {
            return graph;
        }
        Uses uses = new Uses(graph);
        Map<String, ValueInfo> types = ShapeInference.infer(graph);
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.constants());
        FreshNames names = new FreshNames(graph);
        Map<Node, Node> replacements = new HashMap<>();
        Set<Node> absorbed = new HashSet<>();
        // From the last node back, so the longest chain (ending in β's Add) is found before its parts.
        for (Node n : graph.nodes().reversed()) {
            Match m = absorbed.contains(n) ? null : match(n, uses, constants, types);
            if (m == null) {
                continue;
            }
            String gamma = m.gamma() != null ? m.gamma() : ones(m.x(), m.axis(), types, constants, names);
            if (gamma == null) {
                continue;
            }
            List<String> inputs = m.beta() == null ? List.of(m.x(), gamma) : List.of(m.x(), gamma, m.beta());
            Map<String, Attribute> attributes = Map.of("axis", new Attribute.Int(m.axis()), "epsilon", new Attribute.Float(m.epsilon()));
            replacements.put(n, new Node(names.fresh(n.name() + "_layer_norm"), "LayerNormalization", 1, inputs, n.outputs(), attributes));
            absorbed.addAll(m.chain());
        }
        if (replacements.isEmpty()) {
            return graph;
        }
        List<Node> result = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (replacements.containsKey(n)) {
                result.add(replacements.get(n));
            } else if (!absorbed.contains(n)) {
                result.add(n);
            }
        }
        return graph.withNodes(result, constants);
    }

    private static Match match(Node last, Uses uses, Map<String, Tensor> constants, Map<String, ValueInfo> types) {
        List<Node> chain = new ArrayList<>(List.of(last));
        Node node = last;
        String beta = null;
        String gamma = null;
        int c = constantOperand(node, constants);
        if (node.opType().equals("Add") && c >= 0) {
            beta = node.inputs().get(c);
            node = privateProducer(node.inputs().get(1 - c), uses, chain);
            c = node == null ? -1 : constantOperand(node, constants);
        }
        if (node != null && node.opType().equals("Mul") && c >= 0) {
            gamma = node.inputs().get(c);
            node = privateProducer(node.inputs().get(1 - c), uses, chain);
        }
        if (node == null || node.inputs().size() != 2) {
            return null;
        }
        // d / σ, or d · (1 / σ)
        String d;
        String sigma;
        if (node.opType().equals("Div")) {
            d = node.inputs().get(0);
            sigma = node.inputs().get(1);
        } else if (node.opType().equals("Mul")) {
            int r = isReciprocal(node.inputs().get(1), uses) ? 1 : isReciprocal(node.inputs().get(0), uses) ? 0 : -1;
            if (r < 0) {
                return null;
            }
            d = node.inputs().get(1 - r);
            sigma = privateProducer(node.inputs().get(r), uses, chain).inputs().getFirst();
        } else {
            return null;
        }
        Node sqrt = privateProducer(sigma, uses, chain);
        if (sqrt == null || !sqrt.opType().equals("Sqrt")) {
            return null;
        }
        Node addEpsilon = privateProducer(sqrt.inputs().getFirst(), uses, chain);
        int e = addEpsilon == null || !addEpsilon.opType().equals("Add") ? -1 : constantOperand(addEpsilon, constants);
        Double epsilon = e < 0 ? null : Scalars.of(constants, addEpsilon.inputs().get(e));
        if (epsilon == null) {
            return null;
        }
        Node variance = privateProducer(addEpsilon.inputs().get(1 - e), uses, chain);
        if (variance == null || !variance.opType().equals("ReduceMean")) {
            return null;
        }
        Node square = privateProducer(variance.inputs().getFirst(), uses, chain);
        boolean pow = square != null && square.opType().equals("Pow") && square.inputs().get(0).equals(d) && Scalars.near(constants, square.inputs().get(1), 2);
        boolean product = square != null && square.opType().equals("Mul") && square.inputs().get(0).equals(d) && square.inputs().get(1).equals(d);
        // d is read by the square (once as Pow, twice as Mul) and by the division, and by nothing else.
        if (!pow && !product || uses.reads(d) != (pow ? 2 : 3) || uses.isGraphOutput(d)) {
            return null;
        }
        Node sub = uses.producer(d);
        if (sub == null || !sub.opType().equals("Sub")) {
            return null;
        }
        chain.add(sub);
        String x = sub.inputs().get(0);
        Node mean = privateProducer(sub.inputs().get(1), uses, chain);
        ValueInfo xType = types.get(x);
        if (mean == null || !mean.opType().equals("ReduceMean") || !mean.inputs().getFirst().equals(x) || xType == null
                || xType.dtype() != DType.FLOAT32) {
            return null;
        }
        Shape shape = xType.shape();
        Integer from = trailingAxes(mean, constants, shape.rank());
        if (from == null || !from.equals(trailingAxes(variance, constants, shape.rank())) || from == 0 && shape.isBatched()
                || !fitsNormalised(gamma, shape, from, constants) || !fitsNormalised(beta, shape, from, constants)) {
            return null;
        }
        return new Match(x, from, epsilon, gamma, beta, chain);
    }

    /**
     * The first of the trailing axes a ReduceMean with kept axes reduces (by attribute, or by a
     * constant input from opset 18), or null when it reduces other axes or they are not known.
     */
    private static Integer trailingAxes(Node reduce, Map<String, Tensor> constants, int rank) {
        long[] axes;
        if (reduce.hasAttr("axes")) {
            axes = reduce.intsAttr("axes");
        } else if (reduce.inputs().size() > 1 && constants.containsKey(reduce.inputs().get(1))) {
            Tensor t = constants.get(reduce.inputs().get(1));
            axes = new long[Math.toIntExact(t.elementCount())];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = t.getLong(i);
            }
        } else {
            return null;
        }
        if (reduce.intAttr("keepdims", 1) == 0 || axes.length == 0 || axes.length > rank) {
            return null;
        }
        long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] != rank - sorted.length + i) {
                return null;
            }
        }
        return rank - sorted.length;
    }

    /**
     * Whether a γ or β (null: absent) is a float32 constant of the normalised axes' rank at most (as
     * LayerNormalization reads it), each size 1 or the axis's known size, so it broadcasts over them alone.
     */
    private static boolean fitsNormalised(String name, Shape x, int from, Map<String, Tensor> constants) {
        if (name == null) {
            return true;
        }
        Tensor t = constants.get(name);
        if (t == null || t.dtype() != DType.FLOAT32 || t.shape().rank() > x.rank() - from) {
            return false;
        }
        Shape s = t.shape();
        for (int i = 1; i <= s.rank(); i++) {
            long dim = s.dim(s.rank() - i);
            if (dim != 1 && (dim != x.dim(x.rank() - i) || dim == Shape.BATCH)) {
                return false;
            }
        }
        return true;
    }

    /** A constant of ones for an absent γ: the normalised axes' size where known, else one value that broadcasts. */
    private String ones(String x, int from, Map<String, ValueInfo> types, Map<String, Tensor> constants, FreshNames names) {
        Shape shape = types.get(x).shape();
        long[] normalised = Arrays.copyOfRange(shape.dims(), from, shape.rank());
        Shape s = Arrays.stream(normalised).allMatch(d -> d > 0) ? Shape.of(normalised) : Shape.of(1);
        long bytes = s.elementCount() * Float.BYTES;
        if (bytes > budget.remaining()) {
            return null;
        }
        budget.reserve(bytes, "the unit scale of a layer normalisation");
        double[] values = new double[Math.toIntExact(s.elementCount())];
        Arrays.fill(values, 1);
        String name = names.fresh(x + "_unit_scale");
        constants.put(name, Tensors.of(DType.FLOAT32, s, values));
        return name;
    }

    /** Which operand of a binary node is a constant when exactly one is, else −1. */
    private static int constantOperand(Node n, Map<String, Tensor> constants) {
        if (n.inputs().size() != 2) {
            return -1;
        }
        boolean first = constants.containsKey(n.inputs().get(0));
        boolean second = constants.containsKey(n.inputs().get(1));
        return first == second ? -1 : first ? 0 : 1;
    }

    private static boolean isReciprocal(String value, Uses uses) {
        Node p = uses.privateTo(value) ? uses.producer(value) : null;
        return p != null && p.opType().equals("Reciprocal");
    }

    /** The node producing a value that nothing else reads, added to the chain; null when there is none. */
    private static Node privateProducer(String value, Uses uses, List<Node> chain) {
        Node p = uses.privateTo(value) ? uses.producer(value) : null;
        if (p != null) {
            chain.add(p);
        }
        return p;
    }
}
