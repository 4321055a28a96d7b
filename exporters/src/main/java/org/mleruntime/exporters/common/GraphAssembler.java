package org.mleruntime.exporters.common;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;

/**
 * Builds a converter's graph: one input {@value #INPUT} of shape [N, features], constants, nodes in
 * the order they are added (so every value is defined before it is read) and declared outputs.
 * Names of intermediate values and nodes are made unique here.
 */
public final class GraphAssembler {
    public static final String INPUT = "input";

    private final ValueInfo input;
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    public GraphAssembler(DType inputType, int features) {
        this.input = new ValueInfo(INPUT, inputType, Shape.of(Shape.BATCH, features));
        names.add(INPUT);
    }

    public String input() {
        return INPUT;
    }

    public DType inputType() {
        return input.dtype();
    }

    /** A fresh name starting with {@code hint}. */
    public String fresh(String hint) {
        String name = hint;
        for (int i = 1; names.contains(name); i++) {
            name = hint + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** Adds a constant under a fresh name derived from {@code hint}; returns the name. */
    public String constant(String hint, Tensor value) {
        String name = fresh(hint);
        constants.put(name, value);
        return name;
    }

    /** A rank-0 constant. */
    public String scalar(String hint, DType dtype, double value) {
        return constant(hint, Tensors.of(dtype, Shape.of(), value));
    }

    /** Adds a node; {@code output} null means a fresh name from the operator. Returns the output's name. */
    public String node(String op, List<String> in, Map<String, Attribute> attributes, String output) {
        String out = output == null ? fresh(op.toLowerCase(java.util.Locale.ROOT)) : claim(output);
        nodes.add(new Node(fresh("node_" + op.toLowerCase(java.util.Locale.ROOT)), op, OperatorSet.VERSION, in, List.of(out), attributes));
        return out;
    }

    public String node(String op, String... in) {
        return node(op, List.of(in), Map.of(), null);
    }

    private String claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("value name '" + name + "' is used twice");
        }
        return name;
    }

    /** Declares {@code name} a graph output of the given dtype and shape (with the batch dimension first). */
    public void output(String name, DType dtype, Shape shape) {
        outputs.add(new ValueInfo(name, dtype, shape));
    }

    public List<ValueInfo> outputs() {
        return List.copyOf(outputs);
    }

    public Graph graph() {
        return new Graph(List.of(input), outputs, constants, nodes).validated();
    }
}
