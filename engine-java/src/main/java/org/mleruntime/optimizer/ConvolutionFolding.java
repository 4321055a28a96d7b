package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/**
 * Folds what follows a float32 convolution into it: a BatchNormalization whose parameters are
 * constants becomes new weights and bias ({@code W·s}, {@code (B − mean)·s + β} with
 * {@code s = γ / √(var + ε)} per output map), and an activation ({@link FoldedActivation}) becomes
 * the Conv's {@code activation} attributes, applied by its kernel as each output is written. The
 * folded weights round once to float32 where the frameworks round twice, so outputs change within
 * float32 rounding; this pass touches float32 Conv nodes only, never the float64 graphs whose
 * outputs the other passes keep bit for bit.
 */
public final class ConvolutionFolding implements GraphPass {
    private final MemoryBudget budget;

    public ConvolutionFolding(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return "convolution-folding";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.constants());
        Set<Node> absorbed = new HashSet<>();
        List<Node> result = new ArrayList<>();
        boolean changed = false;
        FreshNames names = new FreshNames(graph);
        for (Node second : graph.nodes()) {
            Node conv = second.inputs().isEmpty() ? null : uses.producer(second.inputs().getFirst());
            Node folded = conv == null || !conv.opType().equals("Conv") || !uses.privateTo(conv.outputs().getFirst())
                    || conv.hasAttr("activation") ? null
                    : switch (second.opType()) {
                        case "BatchNormalization" -> batchNorm(conv, second, constants, names);
                        case "Relu", "Clip", "HardSigmoid", "HardSwish" -> FoldedActivation.fold(conv, second, constants);
                        default -> null;
                    };
            if (folded != null) {
                absorbed.add(conv);
                result.add(folded);
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

    private Node batchNorm(Node conv, Node bn, Map<String, Tensor> constants, FreshNames names) {
        Tensor w = constants.get(conv.inputs().get(1));
        Tensor b = conv.inputs().size() > 2 ? constants.get(conv.inputs().get(2)) : null;
        if (w == null || w.dtype() != DType.FLOAT32 || (conv.inputs().size() > 2 && b == null) || bn.outputs().size() != 1) {
            return null;
        }
        Tensor[] p = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            p[i] = constants.get(bn.inputs().get(i + 1));
            if (p[i] == null) {
                return null;
            }
        }
        int maps = Math.toIntExact(w.shape().dim(0));
        long perMap = w.elementCount() / Math.max(1, maps);
        double epsilon = bn.floatAttr("epsilon", 1e-5);
        double[] weights = new double[Math.toIntExact(w.elementCount())];
        double[] bias = new double[maps];
        for (int m = 0; m < maps; m++) {
            double s = p[0].getDouble(m) / Math.sqrt(p[3].getDouble(m) + epsilon);
            for (long k = 0; k < perMap; k++) {
                weights[(int) (m * perMap + k)] = w.getDouble(m * perMap + k) * s;
            }
            bias[m] = ((b == null ? 0 : b.getDouble(m)) - p[2].getDouble(m)) * s + p[1].getDouble(m);
        }
        long bytes = (weights.length + bias.length) * 4L;
        if (bytes > budget.remaining()) {
            return null;
        }
        budget.reserve(bytes, "the weights of " + conv.name() + " with " + bn.name() + " folded in");
        String wName = names.fresh(conv.inputs().get(1) + "_folded");
        String bName = names.fresh(bn.name() + "_bias");
        constants.put(wName, Tensors.of(DType.FLOAT32, w.shape(), weights));
        constants.put(bName, Tensors.of(DType.FLOAT32, Shape.of(maps), bias));
        return new Node(conv.name() + "+" + bn.name(), "Conv", conv.opsetVersion(), List.of(conv.inputs().getFirst(), wName, bName),
                bn.outputs(), conv.attributes());
    }
}
