package org.mleruntime.bridge;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;
import org.mleruntime.planner.ShapeInference;

/**
 * Collects a model from the Python exporters, call by call (inputs, outputs, constants copied from
 * numpy memory, nodes with attributes, metadata), then validates it fully and writes it with the
 * engine's one format writer. Not thread-safe; one writer per export.
 */
public final class ModelWriter {
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private final List<NodeDraft> nodes = new ArrayList<>();
    private ModelMetadata metadata = ModelMetadata.empty();

    private record NodeDraft(String opType, String name, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {}

    public void input(String name, String dtype, long[] shape) {
        inputs.add(new ValueInfo(name, dtype(dtype), shape(shape, name)));
    }

    public void output(String name, String dtype, long[] shape) {
        outputs.add(new ValueInfo(name, dtype(dtype), shape(shape, name)));
    }

    /** Copies {@code byteLength} bytes at native {@code address} (C-contiguous, little-endian) into a constant. */
    public void constant(String name, String dtype, long[] shape, long address, long byteLength) {
        DType t = dtype(dtype);
        Shape s = shape(shape, name);
        if (!t.isNumeric()) {
            throw new InvalidModelException("constant '" + name + "': use stringConstant for strings");
        }
        long expected = s.elementCount() * t.byteSize();
        if (byteLength != expected) {
            throw new InvalidModelException("constant '" + name + "' of " + t.label() + s + " needs " + expected + " bytes, got " + byteLength);
        }
        MemorySegment copy = Arena.ofAuto().allocate(Math.max(1, byteLength), 64).asSlice(0, byteLength);
        if (byteLength > 0) {
            MemorySegment.copy(MemorySegment.ofAddress(address).reinterpret(byteLength), 0, copy, 0, byteLength);
        }
        putConstant(name, Tensor.numeric(t, s, copy));
    }

    public void stringConstant(String name, long[] shape, String[] values) {
        Shape s = shape(shape, name);
        if (values.length != s.elementCount()) {
            throw new InvalidModelException("string constant '" + name + "' has " + values.length + " values for shape " + s);
        }
        putConstant(name, Tensor.strings(s, values.clone(), 0));
    }

    private void putConstant(String name, Tensor t) {
        if (constants.putIfAbsent(name, t) != null) {
            throw new InvalidModelException("constant '" + name + "' is defined twice");
        }
    }

    public int node(String opType, String name, String[] nodeInputs, String[] nodeOutputs) {
        nodes.add(new NodeDraft(opType, name, List.of(nodeInputs), List.of(nodeOutputs), new LinkedHashMap<>()));
        return nodes.size() - 1;
    }

    public void attrInt(int node, String key, long value) {
        attr(node, key, new Attribute.Int(value));
    }

    public void attrFloat(int node, String key, double value) {
        attr(node, key, new Attribute.Float(value));
    }

    public void attrString(int node, String key, String value) {
        attr(node, key, new Attribute.Str(value));
    }

    public void attrInts(int node, String key, long[] values) {
        attr(node, key, new Attribute.Ints(values));
    }

    public void attrFloats(int node, String key, double[] values) {
        attr(node, key, new Attribute.Floats(values));
    }

    public void attrStrings(int node, String key, String[] values) {
        attr(node, key, new Attribute.Strs(Arrays.asList(values)));
    }

    private void attr(int node, String key, Attribute value) {
        if (node < 0 || node >= nodes.size()) {
            throw new InvalidModelException("no node with index " + node);
        }
        nodes.get(node).attributes().put(key, value);
    }

    public void metadata(String key, String value) {
        metadata = metadata.with(key, value);
    }

    public void featureNames(String[] names) {
        metadata = metadata.withFeatureNames(List.of(names));
    }

    public void classLabels(String dtype, String[] labels) {
        metadata = metadata.withClassLabels(List.of(labels), dtype(dtype));
    }

    public void method(String method, String[] methodOutputs) {
        metadata = metadata.withMethod(method, List.of(methodOutputs));
    }

    /** Validates the model (structure, operators, types, method bindings) and writes it atomically. */
    public void write(String path) {
        write(path, new ExportOptions());
    }

    /** As {@link #write(String)}, compressed, quantized, signed and encrypted as {@code options} say; returns the JSON report. */
    public String write(String path, ExportOptions options) {
        List<Node> built = new ArrayList<>();
        for (NodeDraft d : nodes) {
            built.add(new Node(d.name(), d.opType(), OperatorSet.VERSION, d.inputs(), d.outputs(), d.attributes()));
        }
        Graph graph = new Graph(inputs, outputs, constants, built).validated();
        ShapeInference.infer(graph);
        for (Node n : built) {
            if (!CpuBackend.defaultBackend().supports(n)) {
                throw new InvalidModelException("operator '" + n.opType() + "' of node '" + n.name() + "' has no kernel");
            }
        }
        for (Map.Entry<String, List<String>> m : metadata.methods().entrySet()) {
            for (String out : m.getValue()) {
                if (outputs.stream().noneMatch(v -> v.name().equals(out))) {
                    throw new InvalidModelException("method '" + m.getKey() + "' returns '" + out + "', which is not a graph output");
                }
            }
        }
        ModelMetadata stamped = metadata.with("created", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        return options.write(new Model(graph, stamped), path);
    }

    static DType dtype(String label) {
        try {
            return DType.fromLabel(label);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(e.getMessage());
        }
    }

    static Shape shape(long[] dims, String name) {
        try {
            return new Shape(dims);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("'" + name + "': " + e.getMessage());
        }
    }
}
