package org.mleruntime.planner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;

/**
 * Infers the dtype and shape of every value of a graph from its inputs and constants, node by node
 * through the operator schemas, and checks the declared graph outputs against what is inferred.
 */
public final class ShapeInference {
    private ShapeInference() {}

    public static Map<String, ValueInfo> infer(Graph graph) {
        Map<String, ValueInfo> types = new LinkedHashMap<>();
        for (ValueInfo in : graph.inputs()) {
            types.put(in.name(), in);
        }
        for (Map.Entry<String, Tensor> c : graph.constants().entrySet()) {
            types.put(c.getKey(), new ValueInfo(c.getKey(), c.getValue().dtype(), c.getValue().shape()));
        }
        for (Node node : graph.nodes()) {
            List<ValueInfo> inputs = new ArrayList<>();
            List<Tensor> constants = new ArrayList<>();
            for (String name : node.inputs()) {
                // An empty name is an optional input left out.
                inputs.add(name.isEmpty() ? null : types.get(name));
                constants.add(name.isEmpty() ? null : graph.constants().get(name));
            }
            List<ValueInfo> outputs;
            try {
                outputs = OperatorSet.schema(node).infer(node, inputs, constants);
            } catch (NullPointerException e) {
                // A schema reads its required inputs; the graph may have left one out with an empty name.
                throw new InvalidModelException("node '" + node.name() + "' (" + node.opType() + ") lacks a required input: "
                        + "an empty input name stands for an optional input left out", e);
            }
            if (outputs.size() != node.outputs().size()) {
                throw new InvalidModelException("node '" + node.name() + "' (" + node.opType() + ") declares "
                        + node.outputs().size() + " outputs, the operator produces " + outputs.size());
            }
            for (ValueInfo v : outputs) {
                types.put(v.name(), v);
            }
        }
        for (ValueInfo declared : graph.outputs()) {
            ValueInfo inferred = types.get(declared.name());
            if (!compatible(declared, inferred)) {
                throw new InvalidModelException("graph output '" + declared.name() + "' is declared as " + declared.dtype().label()
                        + declared.shape() + " but computes " + inferred.dtype().label() + inferred.shape());
            }
        }
        return types;
    }

    /**
     * Whether an inferred output type can be the declared one: same dtype and rank, fixed sizes
     * equal, a symbolic size the same symbol or, where either side is {@link Shape#UNKNOWN} or
     * fixed against symbolic, left to the check of each run's concrete shapes.
     */
    public static boolean compatible(ValueInfo declared, ValueInfo inferred) {
        if (declared.dtype() != inferred.dtype() || declared.shape().rank() != inferred.shape().rank()) {
            return false;
        }
        Shape d = declared.shape();
        Shape i = inferred.shape();
        for (int axis = 0; axis < d.rank(); axis++) {
            boolean bothFixed = !d.isSymbolic(axis) && !i.isSymbolic(axis);
            if (bothFixed && d.dim(axis) != i.dim(axis)) {
                return false;
            }
            if (d.isSymbolic(axis) && i.isSymbolic(axis) && !d.symbol(axis).equals(i.symbol(axis))
                    && !d.symbol(axis).equals(Shape.UNKNOWN) && !i.symbol(axis).equals(Shape.UNKNOWN) && axis > 0) {
                return false;
            }
        }
        return true;
    }
}
