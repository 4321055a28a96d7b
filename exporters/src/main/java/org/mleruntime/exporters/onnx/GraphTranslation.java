package org.mleruntime.exporters.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;

/**
 * The engine graph being built from one ONNX graph: the inputs, constants and nodes emitted so
 * far, and the dtype and shape of every value, inferred through the operator set's schemas as
 * each node is added (so a mapping can read the shape of what it translates, and a node the
 * engine cannot run fails here, naming it). ONNX value names are kept; the names it makes up
 * for values and nodes of its own never collide with them.
 */
final class GraphTranslation {
    private final long opset;
    private final List<ValueInfo> inputs;
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, ValueInfo> types = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Set<String> nodeNames = new HashSet<>();

    GraphTranslation(OnnxGraph graph, long opset, List<ValueInfo> inputs) {
        this.opset = opset;
        this.inputs = List.copyOf(inputs);
        for (ValueInfo in : inputs) {
            types.put(in.name(), in);
        }
        graph.initializers().forEach(this::defineConstant);
        names.addAll(types.keySet());
        for (OnnxNode n : graph.nodes()) {
            names.add(n.name());
            names.addAll(n.outputs());
        }
    }

    /** The version of the default operator set the model imports. */
    long opset() {
        return opset;
    }

    /** The dtype and shape of value {@code name}, which an input, a constant or an earlier node must define. */
    ValueInfo type(OnnxNode reader, String name) {
        ValueInfo v = types.get(name);
        if (v == null) {
            throw reader.error("reads '" + name + "', which no graph input, initializer or earlier node defines");
        }
        return v;
    }

    /** The dtype and shape of graph output {@code name}, after {@link #computeConstantOutputs}. */
    ValueInfo graphOutput(String name) {
        return types.get(name);
    }

    /**
     * Makes every graph output the output of a node, as the engine's outputs are what its nodes
     * write: a constant output (a graph that computes nothing) moves to a fresh name, which an
     * Identity node copies to the output's name. An output that is a graph input is refused.
     */
    void computeConstantOutputs(List<String> outputs) {
        for (String name : outputs) {
            if (!types.containsKey(name)) {
                throw new InvalidModelException("graph output '" + name + "' is computed by no node and is no input or initializer");
            }
            if (nodes.stream().anyMatch(n -> n.outputs().contains(name))) {
                continue;
            }
            Tensor value = constants.remove(name);
            if (value == null) {
                throw new InvalidModelException("graph output '" + name + "' is a graph input passed through unchanged; the engine's "
                        + "outputs are computed values");
            }
            String moved = constant(name + "_value", value);
            OnnxNode copy = new OnnxNode(name + "_identity", "Identity", "", List.of(moved), List.of(name), Map.of());
            emit(copy, "Identity", List.of(moved), name);
        }
    }

    /** The value of {@code name} when it is a constant (an initializer or a Constant node's output), else null. */
    Tensor constant(String name) {
        return constants.get(name);
    }

    /** Defines {@code name} as a constant. */
    void defineConstant(String name, Tensor value) {
        constants.put(name, value);
        types.put(name, new ValueInfo(name, value.dtype(), value.shape()));
        names.add(name);
    }

    /** Adds a constant under a fresh name made from {@code hint}; returns that name. */
    String constant(String hint, Tensor value) {
        String name = fresh(hint);
        defineConstant(name, value);
        return name;
    }

    /**
     * Adds an engine node translating (part of) {@code source}, writing {@code output} (null: a
     * fresh name), and infers its output; returns the output's name.
     */
    String emit(OnnxNode source, String op, List<String> in, Map<String, Attribute> attributes, String output) {
        String out = output == null ? fresh(source.name() + "_" + op.toLowerCase(Locale.ROOT)) : output;
        emitAll(source, op, in, attributes, List.of(out));
        return out;
    }

    /**
     * Adds an engine node translating (part of) {@code source} with any number of outputs ("" for
     * an optional input left out, kept as the engine also reads it), and infers its outputs.
     */
    void emitAll(OnnxNode source, String op, List<String> in, Map<String, Attribute> attributes, List<String> outputs) {
        // The first engine node of an ONNX node takes its name, so that errors and profiles name what the file names.
        String nodeName = nodeNames.add(source.name()) ? source.name() : fresh(source.name() + "_" + op.toLowerCase(Locale.ROOT));
        Node node = new Node(nodeName, op, OperatorSet.VERSION, in, outputs, attributes);
        List<ValueInfo> inTypes = new ArrayList<>();
        List<Tensor> inConstants = new ArrayList<>();
        for (String name : in) {
            inTypes.add(name.isEmpty() ? null : type(source, name));
            inConstants.add(name.isEmpty() ? null : constants.get(name));
        }
        for (ValueInfo v : OperatorSet.schema(node).infer(node, inTypes, inConstants)) {
            types.put(v.name(), v);
        }
        nodes.add(node);
    }

    String emit(OnnxNode source, String op, List<String> in, String output) {
        return emit(source, op, in, Map.of(), output);
    }

    /** The node's output names, an optional output left out ("") given a fresh name of its own that nothing reads. */
    List<String> outputs(OnnxNode n) {
        return n.outputs().stream().map(o -> o.isEmpty() ? fresh(n.name() + "_unused") : o).toList();
    }

    private String fresh(String hint) {
        String name = hint;
        for (int i = 1; names.contains(name); i++) {
            name = hint + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** The graph built, with {@code outputs} declared. */
    Graph graph(List<ValueInfo> outputs) {
        return new Graph(inputs, outputs, constants, nodes).validated();
    }
}
