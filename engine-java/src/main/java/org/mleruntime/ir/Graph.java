package org.mleruntime.ir;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.InvalidModelException;

/**
 * A model's computation: inputs, outputs, constant tensors and nodes in an order where every
 * value is produced before it is used. Immutable; optimiser passes return new graphs.
 */
public record Graph(List<ValueInfo> inputs, List<ValueInfo> outputs, Map<String, Tensor> constants, List<Node> nodes) {
    public Graph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
        nodes = List.copyOf(nodes);
    }

    public Graph withNodes(List<Node> newNodes, Map<String, Tensor> newConstants) {
        return new Graph(inputs, outputs, newConstants, newNodes);
    }

    /**
     * The dtypes a graph input or output may have: those a caller hands over or receives as arrays
     * (numpy and Java alike). Half floats and int8 are storage types of constants only; an input
     * declared as one would make a caller's buffer be read at another width.
     */
    public static final Set<DType> INTERFACE_DTYPES = Set.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.BOOL, DType.STRING);

    /**
     * Checks that names are unique, every value is defined before it is used, and inputs and outputs
     * have interface dtypes; throws otherwise. An input's first dimension need not be the batch: a
     * graph of fixed shapes, or of symbolic ones anywhere, is planned per shape of its inputs.
     */
    public Graph validated() {
        Set<String> defined = new HashSet<>();
        for (ValueInfo in : inputs) {
            define(defined, in.name(), "graph input");
            requireInterfaceDtype(in, "graph input");
        }
        for (String c : constants.keySet()) {
            define(defined, c, "constant");
        }
        Set<String> nodeNames = new HashSet<>();
        for (Node n : nodes) {
            if (!nodeNames.add(n.name())) {
                throw new InvalidModelException("node name '" + n.name() + "' is used twice");
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new InvalidModelException("node '" + n.name() + "' (" + n.opType() + ") reads '" + in
                            + "', which no input, constant or earlier node defines");
                }
            }
            for (String out : n.outputs()) {
                define(defined, out, "output of node '" + n.name() + "'");
            }
        }
        Set<String> outNames = new HashSet<>();
        for (ValueInfo out : outputs) {
            if (!defined.contains(out.name())) {
                throw new InvalidModelException("graph output '" + out.name() + "' is not produced by any node");
            }
            if (!outNames.add(out.name())) {
                throw new InvalidModelException("graph output '" + out.name() + "' is listed twice");
            }
            requireInterfaceDtype(out, "graph output");
        }
        return this;
    }

    private static void requireInterfaceDtype(ValueInfo v, String what) {
        if (!INTERFACE_DTYPES.contains(v.dtype())) {
            throw new InvalidModelException(what + " '" + v.name() + "' has dtype " + v.dtype().label()
                    + ", which no caller can pass or receive; inputs and outputs are float32, float64, int32, int64, bool or string");
        }
    }

    private static void define(Set<String> defined, String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidModelException("a " + what + " has an empty name");
        }
        if (!defined.add(name)) {
            throw new InvalidModelException("value '" + name + "' (" + what + ") is defined twice");
        }
    }

    public ValueInfo input(String name) {
        return inputs.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }
}
