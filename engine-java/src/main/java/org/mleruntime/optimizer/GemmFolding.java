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

/**
 * Folds what follows a float32 Gemm into it, as {@link ConvolutionFolding} does for convolutions:
 * a BatchNormalization with constant parameters after a Gemm whose B and bias are constants (torch's
 * Linear then BatchNorm1d) becomes new B and bias ({@code B·s} per output column,
 * {@code (β_gemm·C − mean)·s + β} with {@code s = γ / √(var + ε)}), and an activation becomes the
 * Gemm's activation attributes ({@link FoldedActivation}). The folded weights round
 * once to float32, so outputs change within float32 rounding; float64 Gemm nodes, whose outputs the
 * other passes keep bit for bit, are never touched.
 */
public final class GemmFolding implements GraphPass {
    private final MemoryBudget budget;

    public GemmFolding(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return "gemm-folding";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.constants());
        Set<Node> absorbed = new HashSet<>();
        List<Node> result = new ArrayList<>();
        FreshNames names = new FreshNames(graph);
        for (Node second : graph.nodes()) {
            Node gemm = second.inputs().isEmpty() ? null : uses.producer(second.inputs().getFirst());
            boolean foldable = gemm != null && gemm.opType().equals("Gemm") && uses.privateTo(gemm.outputs().getFirst())
                    && !gemm.hasAttr("activation") && float32Weights(gemm, constants);
            Node folded = !foldable ? null : switch (second.opType()) {
                case "BatchNormalization" -> batchNorm(gemm, second, constants, names);
                case "Relu", "Clip", "HardSigmoid", "HardSwish" -> FoldedActivation.fold(gemm, second, constants);
                default -> null;
            };
            if (folded != null) {
                absorbed.add(gemm);
            }
            result.add(folded != null ? folded : second);
        }
        if (absorbed.isEmpty()) {
            return graph;
        }
        result.removeIf(absorbed::contains);
        return graph.withNodes(result, constants);
    }

    /** Whether B is a float32 constant matrix: then A is float32 too, and the Gemm computes in float32. */
    private static boolean float32Weights(Node gemm, Map<String, Tensor> constants) {
        Tensor b = constants.get(gemm.inputs().get(1));
        return b != null && b.dtype() == DType.FLOAT32 && b.shape().rank() == 2;
    }

    private Node batchNorm(Node gemm, Node bn, Map<String, Tensor> constants, FreshNames names) {
        Tensor b = constants.get(gemm.inputs().get(1));
        Tensor c = gemm.inputs().size() > 2 ? constants.get(gemm.inputs().get(2)) : null;
        boolean transB = gemm.intAttr("transB", 0) != 0;
        int columns = Math.toIntExact(b.shape().dim(transB ? 0 : 1));
        int depth = Math.toIntExact(b.shape().dim(transB ? 1 : 0));
        boolean rowBias = c == null ? gemm.inputs().size() == 2 : c.elementCount() == 1 || c.elementCount() == columns && c.shape().dim(c.shape().rank() - 1) == columns;
        if (!rowBias || bn.outputs().size() != 1) {
            return null;
        }
        Tensor[] p = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            p[i] = constants.get(bn.inputs().get(i + 1));
            if (p[i] == null || p[i].elementCount() != columns) {
                return null;
            }
        }
        double epsilon = bn.floatAttr("epsilon", 1e-5);
        double beta = gemm.floatAttr("beta", 1);
        double[] weights = new double[columns * depth];
        double[] bias = new double[columns];
        for (int m = 0; m < columns; m++) {
            double s = p[0].getDouble(m) / Math.sqrt(p[3].getDouble(m) + epsilon);
            for (int k = 0; k < depth; k++) {
                int at = transB ? m * depth + k : k * columns + m;
                weights[at] = b.getDouble(at) * s;
            }
            double offset = c == null ? 0 : beta * c.getDouble(c.elementCount() == 1 ? 0 : m);
            bias[m] = (offset - p[2].getDouble(m)) * s + p[1].getDouble(m);
        }
        long bytes = (weights.length + bias.length) * (long) Float.BYTES;
        if (bytes > budget.remaining()) {
            return null;
        }
        budget.reserve(bytes, "the weights of " + gemm.name() + " with " + bn.name() + " folded in");
        String bName = names.fresh(gemm.inputs().get(1) + "_folded");
        String cName = names.fresh(bn.name() + "_bias");
        constants.put(bName, Tensors.of(DType.FLOAT32, b.shape(), weights));
        constants.put(cName, Tensors.of(DType.FLOAT32, Shape.of(columns), bias));
        Map<String, Attribute> attributes = new LinkedHashMap<>(gemm.attributes());
        attributes.remove("beta");
        return new Node(gemm.name() + "+" + bn.name(), "Gemm", gemm.opsetVersion(), List.of(gemm.inputs().getFirst(), bName, cName),
                bn.outputs(), attributes);
    }
}
