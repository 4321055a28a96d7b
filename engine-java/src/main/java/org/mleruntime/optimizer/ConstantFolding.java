package org.mleruntime.optimizer;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.mleruntime.backend.Backend;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;

/**
 * Evaluates, once at session build, every node whose inputs are all constants, and replaces it by
 * the constant it computes. The folded tensors live as long as the graph that holds them.
 */
public final class ConstantFolding implements GraphPass {
    private final Backend backend;
    private final Predicate<Node> eligible;
    private final MemoryBudget budget;

    public ConstantFolding(Backend backend, MemoryBudget budget) {
        this(backend, node -> true, budget);
    }

    private ConstantFolding(Backend backend, Predicate<Node> eligible, MemoryBudget budget) {
        this.backend = backend;
        this.eligible = eligible;
        this.budget = budget;
    }

    /**
     * Folds only the Dequantize nodes of constants: quantized weights become float constants before
     * anything else reads the graph, whatever the session's optimisation setting.
     */
    public static ConstantFolding dequantizing(Backend backend, MemoryBudget budget) {
        return new ConstantFolding(backend, node -> node.opType().equals("Dequantize"), budget);
    }

    /** The operators that only move values: their results hold no value their inputs do not. */
    private static final java.util.Set<String> REARRANGING = java.util.Set.of("Slice", "Concat", "Reshape", "Transpose", "Squeeze", "Unsqueeze",
            "Flatten", "Identity");

    /**
     * Folds only the nodes that move constant values without computing new ones (Slice, Concat,
     * Reshape, Transpose, …): a weight an exporter rearranges in the graph (PyTorch's LSTM gate
     * order) becomes one constant that a quantization can store, and the file grows by no value.
     */
    public static ConstantFolding rearranging(Backend backend, MemoryBudget budget) {
        return new ConstantFolding(backend, node -> REARRANGING.contains(node.opType()), budget);
    }

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public Graph apply(Graph graph) {
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.constants());
        List<Node> nodes = new ArrayList<>();
        java.util.Set<String> outputs = new java.util.HashSet<>();
        graph.outputs().forEach(v -> outputs.add(v.name()));
        for (Node n : graph.nodes()) {
            boolean foldable = eligible.test(n) && !n.inputs().isEmpty() && n.inputs().stream().allMatch(constants::containsKey)
                    && n.outputs().stream().noneMatch(outputs::contains);
            if (!foldable) {
                nodes.add(n);
                continue;
            }
            List<ValueInfo> inTypes = new ArrayList<>();
            List<Tensor> inValues = new ArrayList<>();
            for (String name : n.inputs()) {
                Tensor t = constants.get(name);
                inTypes.add(new ValueInfo(name, t.dtype(), t.shape()));
                inValues.add(t);
            }
            List<ValueInfo> outTypes = OperatorSet.schema(n).infer(n, inTypes, inValues);
            Tensor[] outs = new Tensor[outTypes.size()];
            for (int i = 0; i < outs.length; i++) {
                ValueInfo v = outTypes.get(i);
                budget.reserve(bytesOf(v), "folding node '" + n.name() + "' into a constant");
                outs[i] = v.dtype() == DType.STRING
                        ? Tensor.strings(v.shape(), new String[Math.toIntExact(v.shape().elementCount())], 0)
                        : Tensor.numeric(v.dtype(), v.shape(), Arena.ofAuto().allocate(v.shape().elementCount() * v.dtype().byteSize(), 64));
            }
            backend.kernel(n, inTypes, outTypes, inValues).compute(inValues.toArray(Tensor[]::new), outs);
            for (int i = 0; i < outs.length; i++) {
                constants.put(n.outputs().get(i), outs[i]);
            }
        }
        return nodes.size() == graph.nodes().size() ? graph : graph.withNodes(nodes, constants);
    }

    /** The memory a folded value takes (a string as one reference); beyond a long, more than any budget. */
    private static long bytesOf(ValueInfo v) {
        long width = v.dtype() == DType.STRING ? Long.BYTES : v.dtype().byteSize();
        long count = v.shape().elementCount();
        return Math.multiplyHigh(count, width) != 0 || count * width < 0 ? Long.MAX_VALUE : count * width;
    }
}
