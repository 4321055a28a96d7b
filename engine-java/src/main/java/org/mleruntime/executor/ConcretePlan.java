package org.mleruntime.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.MleException;
import org.mleruntime.backend.Backend;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OpSchema;
import org.mleruntime.ops.OperatorSet;

/**
 * A graph's types for concrete input shapes: every value's shape inferred with real sizes, and the
 * nodes whose outputs those sizes decide (a Shape, and the small integer arithmetic on it that
 * feeds a Reshape or an Expand) evaluated on the spot and kept as constants. Graphs whose
 * dimensions beyond the batch are symbolic run through one of these per shape of inputs (and per
 * value of the small integer inputs that decide sizes); the remaining nodes, in order, are
 * {@link #nodes()}. The values {@link #known()} holds for inputs are not kept in the plan's constants.
 *
 * @param types the concrete type of every value
 * @param known constants, and the values folded here
 * @param nodes the nodes left to run
 */
record ConcretePlan(Map<String, ValueInfo> types, Map<String, Tensor> known, List<Node> nodes) {
    /** The most elements a computed value may have to be folded here: shape arithmetic, not data. */
    static final long FOLD_LIMIT = 1 << 12;

    /**
     * @param inputValues the inputs whose values decide sizes (small integer vectors: axes, a target
     *     shape), known for this plan
     */
    static ConcretePlan of(Graph graph, Map<String, Shape> inputShapes, Map<String, Tensor> inputValues, Backend backend) {
        Map<String, ValueInfo> types = new LinkedHashMap<>();
        Map<String, Tensor> known = new HashMap<>(graph.constants());
        known.putAll(inputValues);
        for (ValueInfo in : graph.inputs()) {
            types.put(in.name(), new ValueInfo(in.name(), in.dtype(), inputShapes.get(in.name())));
        }
        graph.constants().forEach((name, t) -> types.put(name, new ValueInfo(name, t.dtype(), t.shape())));
        List<Node> remaining = new ArrayList<>();
        for (Node node : graph.nodes()) {
            List<ValueInfo> inTypes = new ArrayList<>();
            List<Tensor> inValues = new ArrayList<>();
            boolean allKnown = true;
            for (String name : node.inputs()) {
                inTypes.add(name.isEmpty() ? null : types.get(name));
                Tensor value = name.isEmpty() ? null : known.get(name);
                inValues.add(value);
                allKnown &= name.isEmpty() || value != null;
            }
            OpSchema schema = OperatorSet.schema(node);
            List<ValueInfo> outTypes = infer(schema, node, inTypes, inValues);
            for (ValueInfo v : outTypes) {
                types.put(v.name(), v);
            }
            List<Tensor> values = schema.knownValues(node, inTypes);
            if (values == null && allKnown && !node.inputs().isEmpty() && small(outTypes)) {
                values = evaluate(backend, node, inTypes, outTypes, inValues);
            }
            if (values == null) {
                remaining.add(node);
            } else {
                for (int i = 0; i < values.size(); i++) {
                    known.put(node.outputs().get(i), values.get(i));
                }
            }
        }
        return new ConcretePlan(types, known, remaining);
    }

    private static List<ValueInfo> infer(OpSchema schema, Node node, List<ValueInfo> inTypes, List<Tensor> inValues) {
        try {
            return schema.infer(node, inTypes, inValues);
        } catch (InvalidModelException e) {
            // The graph was valid for symbolic sizes; these sizes are what does not fit.
            throw new InvalidInputException("the inputs' sizes do not fit the model: " + e.getMessage(), e);
        }
    }

    private static boolean small(List<ValueInfo> outputs) {
        for (ValueInfo v : outputs) {
            if (v.dtype() == DType.STRING || v.shape().elementCount() > FOLD_LIMIT) {
                return false;
            }
        }
        return true;
    }

    private static List<Tensor> evaluate(Backend backend, Node node, List<ValueInfo> inTypes, List<ValueInfo> outTypes, List<Tensor> inValues) {
        Tensor[] out = new Tensor[outTypes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Tensors.zeros(outTypes.get(i).dtype(), outTypes.get(i).shape());
        }
        try {
            backend.kernel(node, inTypes, outTypes, inValues).compute(inValues.toArray(Tensor[]::new), out);
        } catch (MleException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException("node '" + node.name() + "' (" + node.opType() + ") failed on the shapes of these inputs: " + e, e);
        }
        return List.of(out);
    }
}
