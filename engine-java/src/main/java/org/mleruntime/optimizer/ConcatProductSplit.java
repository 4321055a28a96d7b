package org.mleruntime.optimizer;

import java.util.ArrayList;
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
 * Splits a linear model over concatenated columns into one product per part, where a part is a
 * vectorizer's counts: {@code Gemm(Concat(x1, …, xk), B, C)} becomes
 * {@code Gemm(x1, B1, C) + Gemm(x2, B2) + … + Gemm(xk, Bk)}, with Bi the rows (columns, with
 * {@code transB}) of B that part i meets, so that {@link TextProductFusion} can then fuse each
 * vectorizer with its slice of the weights: a ColumnTransformer's text column beside numeric ones
 * no longer writes a row as wide as its vocabulary. A RequireFinite between the Concat and the
 * product is split the same way, per part, with its column names; a vectorizer's part needs none,
 * its counts being finite by construction. The sums change order (each part summed, then the
 * parts added), so the results agree with the single product to rounding, not to the bit.
 */
public final class ConcatProductSplit implements GraphPass {
    private final MemoryBudget budget;

    /** The weights' slices are copies, reserved in {@code budget}. */
    public ConcatProductSplit(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return "concat-product-split";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Map<String, ValueInfo> types = null;
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.constants());
        FreshNames names = new FreshNames(graph);
        Set<Node> absorbed = new HashSet<>();
        List<Node> result = new ArrayList<>();
        for (Node product : graph.nodes()) {
            List<Node> chain = concatChain(product, uses, constants);
            if (chain == null) {
                result.add(product);
                continue;
            }
            if (types == null) {
                types = ShapeInference.infer(graph);
            }
            result.addAll(split(product, chain, uses, types, constants, names));
            absorbed.addAll(chain);
        }
        if (absorbed.isEmpty()) {
            return graph;
        }
        result.removeIf(absorbed::contains);
        return graph.withNodes(result, constants);
    }

    /** The Concat feeding {@code product} (then the RequireFinite between them, if any), when a part is a vectorizer's; null otherwise. */
    private static List<Node> concatChain(Node product, Uses uses, Map<String, Tensor> constants) {
        List<Node> chain = LinearInputs.byConstantWeights(product, constants) ? LinearInputs.feeding(product, "Concat", uses) : null;
        if (chain == null || chain.getFirst().intAttr("axis", 1) != 1) {
            return null;
        }
        boolean countsPart = chain.getFirst().inputs().stream().map(uses::producer)
                .anyMatch(p -> LinearInputs.isCounting(p) && uses.privateTo(p.outputs().getFirst()));
        return countsPart ? chain : null;
    }

    private List<Node> split(Node product, List<Node> chain, Uses uses, Map<String, ValueInfo> types,
                             Map<String, Tensor> constants, FreshNames names) {
        Node concat = chain.getFirst();
        Node check = chain.size() > 1 ? chain.get(1) : null;
        Tensor weights = constants.get(product.inputs().get(1));
        budget.reserve(weights.elementCount() * Double.BYTES, "splitting the weights of node '" + product.name() + "' by the columns it reads");
        boolean transB = product.intAttr("transB", 0) != 0;
        List<Node> nodes = new ArrayList<>();
        String sum = null;
        long offset = 0;
        for (int part = 0; part < concat.inputs().size(); part++) {
            String x = concat.inputs().get(part);
            long width = types.get(x).shape().dim(1);
            String read = x;
            if (check != null && !LinearInputs.isCounting(uses.producer(x))) {
                read = names.fresh(check.outputs().getFirst() + "/" + part);
                nodes.add(new Node(names.fresh(check.name() + "/" + part), "RequireFinite", 1, List.of(x), List.of(read),
                        checkAttributes(check, offset, width)));
            }
            String slice = names.fresh(product.inputs().get(1) + "/" + part);
            constants.put(slice, rows(weights, transB, offset, width));
            List<String> inputs = new ArrayList<>(List.of(read, slice));
            if (part == 0 && product.inputs().size() > 2) {
                inputs.add(product.inputs().get(2));
            }
            boolean last = part == concat.inputs().size() - 1;
            String partial = last && sum == null ? product.outputs().getFirst() : names.fresh(product.outputs().getFirst() + "/" + part);
            nodes.add(new Node(names.fresh(product.name() + "/" + part), "Gemm", 1, inputs, List.of(partial),
                    Map.of("transB", new Attribute.Int(transB ? 1 : 0))));
            if (sum == null) {
                sum = partial;
            } else {
                String added = last ? product.outputs().getFirst() : names.fresh(product.outputs().getFirst() + "/sum" + part);
                nodes.add(new Node(names.fresh(product.name() + "/add" + part), "Add", 1, List.of(sum, partial), List.of(added), Map.of()));
                sum = added;
            }
            offset += width;
        }
        return nodes;
    }

    /** B's rows {@code from} to {@code from + count} (its columns, with {@code transB}) as a new constant. */
    private static Tensor rows(Tensor weights, boolean transB, long from, long count) {
        long inner = weights.shape().dim(transB ? 1 : 0);
        long outer = weights.shape().dim(transB ? 0 : 1);
        double[] values = new double[Math.toIntExact(count * outer)];
        for (long k = 0; k < count; k++) {
            for (long o = 0; o < outer; o++) {
                long at = transB ? o * inner + from + k : (from + k) * outer + o;
                values[Math.toIntExact(transB ? o * count + k : k * outer + o)] = weights.getDouble(at);
            }
        }
        return Tensors.of(DType.FLOAT64, transB ? Shape.of(outer, count) : Shape.of(count, outer), values);
    }

    /** The RequireFinite's attributes for the part's columns: its column names sliced, the rest as they are. */
    private static Map<String, Attribute> checkAttributes(Node check, long from, long width) {
        Map<String, Attribute> attributes = new LinkedHashMap<>(check.attributes());
        if (check.attributes().get("column_names") instanceof Attribute.Strs all) {
            attributes.put("column_names", new Attribute.Strs(all.values().subList(Math.toIntExact(from), Math.toIntExact(from + width))));
        }
        return attributes;
    }
}
