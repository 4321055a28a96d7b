package org.mleruntime.format;

import com.google.flatbuffers.FlatBufferBuilder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.CorruptFileException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.format.fb.AttributeType;

/**
 * Translates between the IR and the FlatBuffers tables of the GRAPH and METADATA sections
 * (schema/mle.fbs). Decoding reads the tables in place and makes constants slices of the
 * TENSOR_DATA section, so no weight is copied.
 */
final class GraphCodec {
    /** The longest name of a symbolic dimension a file may give. */
    static final int MAX_DIMENSION_NAME = 64;

    private GraphCodec() {}

    /** Where each numeric constant's bytes go inside the TENSOR_DATA section. */
    record TensorLayout(Map<String, Long> offsets, long size) {
        static TensorLayout of(Graph graph) {
            Map<String, Long> offsets = new LinkedHashMap<>();
            long pos = 0;
            for (Map.Entry<String, Tensor> c : graph.constants().entrySet()) {
                if (c.getValue().dtype() != DType.STRING) {
                    offsets.put(c.getKey(), pos);
                    pos = align(pos + c.getValue().data().byteSize());
                }
            }
            return new TensorLayout(offsets, pos);
        }
    }

    static long align(long n) {
        long a = FileHeader.ALIGNMENT;
        return (n + a - 1) / a * a;
    }

    static byte[] encodeGraph(Graph graph, TensorLayout layout) {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int inputs = org.mleruntime.format.fb.Graph.createInputsVector(b, valueInfos(b, graph.inputs()));
        int outputs = org.mleruntime.format.fb.Graph.createOutputsVector(b, valueInfos(b, graph.outputs()));
        List<Integer> constants = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : graph.constants().entrySet()) {
            Tensor t = e.getValue();
            int name = b.createString(e.getKey());
            int shape = org.mleruntime.format.fb.Constant.createShapeVector(b, t.shape().dims());
            int strings = 0;
            if (t.dtype() == DType.STRING) {
                int[] s = new int[Math.toIntExact(t.elementCount())];
                for (int i = 0; i < s.length; i++) {
                    s[i] = b.createString(t.string(i));
                }
                strings = org.mleruntime.format.fb.Constant.createStringsVector(b, s);
            }
            org.mleruntime.format.fb.Constant.startConstant(b);
            org.mleruntime.format.fb.Constant.addName(b, name);
            org.mleruntime.format.fb.Constant.addDtype(b, (byte) t.dtype().code());
            org.mleruntime.format.fb.Constant.addShape(b, shape);
            if (t.dtype() == DType.STRING) {
                org.mleruntime.format.fb.Constant.addStrings(b, strings);
            } else {
                org.mleruntime.format.fb.Constant.addDataOffset(b, layout.offsets().get(e.getKey()));
                org.mleruntime.format.fb.Constant.addDataLength(b, t.data().byteSize());
            }
            constants.add(org.mleruntime.format.fb.Constant.endConstant(b));
        }
        int constantsVec = org.mleruntime.format.fb.Graph.createConstantsVector(b, ints(constants));
        List<Integer> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            nodes.add(encodeNode(b, n));
        }
        int nodesVec = org.mleruntime.format.fb.Graph.createNodesVector(b, ints(nodes));
        int root = org.mleruntime.format.fb.Graph.createGraph(b, inputs, outputs, constantsVec, nodesVec);
        b.finish(root);
        return b.sizedByteArray();
    }

    private static int encodeNode(FlatBufferBuilder b, Node n) {
        int name = b.createString(n.name());
        int op = b.createString(n.opType());
        int inputs = org.mleruntime.format.fb.Node.createInputsVector(b, strings(b, n.inputs()));
        int outputs = org.mleruntime.format.fb.Node.createOutputsVector(b, strings(b, n.outputs()));
        List<Integer> attrs = new ArrayList<>();
        for (Map.Entry<String, Attribute> a : n.attributes().entrySet()) {
            attrs.add(encodeAttribute(b, a.getKey(), a.getValue()));
        }
        int attrVec = org.mleruntime.format.fb.Node.createAttributesVector(b, ints(attrs));
        return org.mleruntime.format.fb.Node.createNode(b, name, op, 0, n.opsetVersion(), inputs, outputs, attrVec);
    }

    private static int encodeAttribute(FlatBufferBuilder b, String key, Attribute value) {
        int name = b.createString(key);
        int s = value instanceof Attribute.Str str ? b.createString(str.value()) : 0;
        int ints = value instanceof Attribute.Ints i ? org.mleruntime.format.fb.Attribute.createIntsVector(b, i.values()) : 0;
        int floats = value instanceof Attribute.Floats f ? org.mleruntime.format.fb.Attribute.createFloatsVector(b, f.values()) : 0;
        int strs = value instanceof Attribute.Strs ss ? org.mleruntime.format.fb.Attribute.createStringsVector(b, strings(b, ss.values())) : 0;
        byte type = switch (value) {
            case Attribute.Int i -> AttributeType.INT;
            case Attribute.Float f -> AttributeType.FLOAT;
            case Attribute.Str str -> AttributeType.STRING;
            case Attribute.Ints i -> AttributeType.INTS;
            case Attribute.Floats f -> AttributeType.FLOATS;
            case Attribute.Strs ss -> AttributeType.STRINGS;
        };
        long i = value instanceof Attribute.Int iv ? iv.value() : 0;
        double f = value instanceof Attribute.Float fv ? fv.value() : 0;
        return org.mleruntime.format.fb.Attribute.createAttribute(b, name, type, i, f, s, ints, floats, strs);
    }

    static byte[] encodeMetadata(ModelMetadata m, Graph graph) {
        FlatBufferBuilder b = new FlatBufferBuilder(512);
        int producer = str(b, m.producerName());
        int producerVersion = str(b, m.producerVersion());
        int framework = str(b, m.framework());
        int frameworkVersion = str(b, m.frameworkVersion());
        int modelType = str(b, m.modelType());
        int description = str(b, m.description());
        int created = str(b, m.created());
        int inputs = org.mleruntime.format.fb.Metadata.createInputsVector(b, valueInfos(b, graph.inputs()));
        int outputs = org.mleruntime.format.fb.Metadata.createOutputsVector(b, valueInfos(b, graph.outputs()));
        int features = org.mleruntime.format.fb.Metadata.createFeatureNamesVector(b, strings(b, m.featureNames()));
        int labels = org.mleruntime.format.fb.Metadata.createClassLabelsVector(b, strings(b, m.classLabels()));
        List<Integer> methods = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : m.methods().entrySet()) {
            int method = b.createString(e.getKey());
            int outs = org.mleruntime.format.fb.MethodBinding.createOutputsVector(b, strings(b, e.getValue()));
            methods.add(org.mleruntime.format.fb.MethodBinding.createMethodBinding(b, method, outs));
        }
        int methodsVec = org.mleruntime.format.fb.Metadata.createMethodsVector(b, ints(methods));
        List<Integer> props = new ArrayList<>();
        for (Map.Entry<String, String> e : m.properties().entrySet()) {
            props.add(org.mleruntime.format.fb.KeyValue.createKeyValue(b, b.createString(e.getKey()), b.createString(e.getValue())));
        }
        int propsVec = org.mleruntime.format.fb.Metadata.createPropertiesVector(b, ints(props));
        byte labelDtype = m.classLabelDtype() == null ? 0 : (byte) m.classLabelDtype().code();
        int root = org.mleruntime.format.fb.Metadata.createMetadata(b, producer, producerVersion, framework, frameworkVersion,
                modelType, description, created, inputs, outputs, features, labels, labelDtype, methodsVec, propsVec);
        b.finish(root);
        return b.sizedByteArray();
    }

    static Graph decodeGraph(ByteBuffer bytes, MemorySegment tensorData) {
        try {
            org.mleruntime.format.fb.Graph g = org.mleruntime.format.fb.Graph.getRootAsGraph(bytes);
            List<ValueInfo> inputs = new ArrayList<>();
            for (int i = 0; i < g.inputsLength(); i++) {
                inputs.add(valueInfo(g.inputs(i)));
            }
            List<ValueInfo> outputs = new ArrayList<>();
            for (int i = 0; i < g.outputsLength(); i++) {
                outputs.add(valueInfo(g.outputs(i)));
            }
            Map<String, Tensor> constants = new LinkedHashMap<>();
            for (int i = 0; i < g.constantsLength(); i++) {
                org.mleruntime.format.fb.Constant c = g.constants(i);
                constants.put(c.name(), constant(c, tensorData));
            }
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < g.nodesLength(); i++) {
                nodes.add(node(g.nodes(i)));
            }
            return new Graph(inputs, outputs, constants, nodes);
        } catch (CorruptFileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptFileException("graph section cannot be decoded: " + e, e);
        }
    }

    /** The metadata section: the metadata proper and its copy of the signature, checked against the graph's. */
    record DecodedMetadata(ModelMetadata metadata, List<ValueInfo> inputs, List<ValueInfo> outputs) {}

    static DecodedMetadata decodeMetadata(ByteBuffer bytes) {
        try {
            org.mleruntime.format.fb.Metadata m = org.mleruntime.format.fb.Metadata.getRootAsMetadata(bytes);
            List<ValueInfo> inputs = new ArrayList<>();
            for (int i = 0; i < m.inputsLength(); i++) {
                inputs.add(valueInfo(m.inputs(i)));
            }
            List<ValueInfo> outputs = new ArrayList<>();
            for (int i = 0; i < m.outputsLength(); i++) {
                outputs.add(valueInfo(m.outputs(i)));
            }
            List<String> features = new ArrayList<>();
            for (int i = 0; i < m.featureNamesLength(); i++) {
                features.add(m.featureNames(i));
            }
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < m.classLabelsLength(); i++) {
                labels.add(m.classLabels(i));
            }
            Map<String, List<String>> methods = new LinkedHashMap<>();
            for (int i = 0; i < m.methodsLength(); i++) {
                org.mleruntime.format.fb.MethodBinding mb = m.methods(i);
                List<String> outs = new ArrayList<>();
                for (int j = 0; j < mb.outputsLength(); j++) {
                    outs.add(mb.outputs(j));
                }
                methods.put(mb.method(), outs);
            }
            Map<String, String> props = new LinkedHashMap<>();
            for (int i = 0; i < m.propertiesLength(); i++) {
                props.put(m.properties(i).key(), nullToEmpty(m.properties(i).value()));
            }
            DType labelDtype = m.classLabelDtype() == 0 ? null : DType.fromCode(m.classLabelDtype());
            return new DecodedMetadata(new ModelMetadata(nullToEmpty(m.producerName()), nullToEmpty(m.producerVersion()),
                    nullToEmpty(m.framework()), nullToEmpty(m.frameworkVersion()), nullToEmpty(m.modelType()), nullToEmpty(m.description()),
                    nullToEmpty(m.created()), features, labels, labelDtype, methods, props), inputs, outputs);
        } catch (CorruptFileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptFileException("metadata section cannot be decoded: " + e, e);
        }
    }

    private static Tensor constant(org.mleruntime.format.fb.Constant c, MemorySegment tensorData) {
        DType dtype = dtype(c.dtype(), "constant '" + c.name() + "'");
        long[] dims = new long[vectorLength(c.shapeLength(), Long.BYTES, c, "the shape of constant '" + c.name() + "'")];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = c.shape(i);
        }
        Shape shape = shape(dims, null, "constant '" + c.name() + "'");
        if (!shape.isStatic()) {
            throw new CorruptFileException("constant '" + c.name() + "' has a symbolic dimension");
        }
        if (dtype == DType.STRING) {
            if (c.stringsLength() != shape.elementCount()) {
                throw new CorruptFileException("string constant '" + c.name() + "' has " + c.stringsLength() + " values for shape " + shape);
            }
            String[] values = new String[vectorLength(c.stringsLength(), Integer.BYTES, c, "string constant '" + c.name() + "'")];
            for (int i = 0; i < values.length; i++) {
                values[i] = c.strings(i);
            }
            return Tensor.strings(shape, values, 0);
        }
        long offset = c.dataOffset();
        long length = c.dataLength();
        long expected = Math.multiplyExact(shape.elementCount(), dtype.byteSize());
        if (length != expected) {
            throw new CorruptFileException("constant '" + c.name() + "' of " + dtype.label() + shape + " declares " + length + " bytes, needs " + expected);
        }
        if (offset % FileHeader.ALIGNMENT != 0 || offset < 0 || length < 0 || offset + length > tensorData.byteSize()) {
            throw new CorruptFileException("constant '" + c.name() + "' at " + offset + "+" + length
                    + " is misaligned or lies outside the tensor data section of " + tensorData.byteSize() + " bytes");
        }
        return Tensor.numeric(dtype, shape, tensorData.asSlice(offset, length));
    }

    private static Node node(org.mleruntime.format.fb.Node n) {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < n.inputsLength(); i++) {
            inputs.add(n.inputs(i));
        }
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < n.outputsLength(); i++) {
            outputs.add(n.outputs(i));
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (int i = 0; i < n.attributesLength(); i++) {
            org.mleruntime.format.fb.Attribute a = n.attributes(i);
            attrs.put(a.name(), switch (a.type()) {
                case AttributeType.INT -> new Attribute.Int(a.i());
                case AttributeType.FLOAT -> new Attribute.Float(a.f());
                case AttributeType.STRING -> new Attribute.Str(nullToEmpty(a.s()));
                case AttributeType.INTS -> {
                    long[] v = new long[vectorLength(a.intsLength(), Long.BYTES, a, "attribute '" + a.name() + "'")];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = a.ints(j);
                    }
                    yield new Attribute.Ints(v);
                }
                case AttributeType.FLOATS -> {
                    double[] v = new double[vectorLength(a.floatsLength(), Double.BYTES, a, "attribute '" + a.name() + "'")];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = a.floats(j);
                    }
                    yield new Attribute.Floats(v);
                }
                case AttributeType.STRINGS -> {
                    List<String> v = new ArrayList<>();
                    for (int j = 0; j < a.stringsLength(); j++) {
                        v.add(a.strings(j));
                    }
                    yield new Attribute.Strs(v);
                }
                default -> throw new CorruptFileException("attribute '" + a.name() + "' of node '" + n.name() + "' has unknown type " + a.type());
            });
        }
        if (n.name() == null || n.opType() == null) {
            throw new CorruptFileException("a node lacks its name or operator");
        }
        return new Node(n.name(), n.opType(), n.opsetVersion(), inputs, outputs, attrs);
    }

    private static ValueInfo valueInfo(org.mleruntime.format.fb.ValueInfo v) {
        String what = "value '" + v.name() + "'";
        long[] dims = new long[vectorLength(v.shapeLength(), Long.BYTES, v, "the shape of " + what)];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = v.shape(i);
        }
        String[] names = null;
        if (v.dimNamesLength() > 0) {
            if (v.dimNamesLength() != dims.length) {
                throw new CorruptFileException(what + " names " + v.dimNamesLength() + " dimensions of its " + dims.length);
            }
            names = new String[dims.length];
            for (int i = 0; i < dims.length; i++) {
                names[i] = dimensionName(v.dimNames(i), dims[i], i, what);
            }
        }
        return new ValueInfo(v.name(), dtype(v.dtype(), what), shape(dims, names, what));
    }

    /** The name of dimension {@code axis}: empty for a fixed one, a short printable symbol for a symbolic one. */
    private static String dimensionName(String name, long dim, int axis, String what) {
        if (name == null) {
            throw new CorruptFileException(what + " has no name for dimension " + axis);
        }
        if (dim != Shape.BATCH) {
            if (!name.isEmpty()) {
                throw new CorruptFileException(what + " names its fixed dimension " + axis + " '" + name + "'");
            }
            return null;
        }
        if (name.isEmpty() || name.length() > MAX_DIMENSION_NAME || !name.chars().allMatch(ch -> ch > ' ' && ch < 0x7F)) {
            throw new CorruptFileException(what + " gives symbolic dimension " + axis + " an empty, long or unprintable name");
        }
        return name;
    }

    /**
     * A vector's declared length, refused when the section cannot hold that many elements of
     * {@code width} bytes: FlatBuffers reads lengths without a bound, and arrays are allocated from
     * them, so a few changed bytes could otherwise ask for gigabytes.
     */
    private static int vectorLength(int declared, int width, com.google.flatbuffers.Table table, String what) {
        if (declared < 0 || (long) declared * width > table.getByteBuffer().capacity()) {
            throw new CorruptFileException(what + " declares " + Integer.toUnsignedString(declared) + " elements, more than its section of "
                    + table.getByteBuffer().capacity() + " bytes holds");
        }
        return declared;
    }

    private static DType dtype(byte code, String what) {
        try {
            return DType.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(what + " has unknown dtype code " + code);
        }
    }

    /** A shape read from the file; without names (files before 1.2), only the first dimension may be symbolic. */
    private static Shape shape(long[] dims, String[] names, String what) {
        for (int i = 1; names == null && i < dims.length; i++) {
            if (dims[i] == Shape.BATCH) {
                throw new CorruptFileException(what + ": symbolic dimension " + i + " has no name (dimension names are format 1.2)");
            }
        }
        try {
            return new Shape(dims, names);
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(what + ": " + e.getMessage());
        }
    }


    private static int[] valueInfos(FlatBufferBuilder b, List<ValueInfo> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            ValueInfo v = values.get(i);
            int name = b.createString(v.name());
            int shape = org.mleruntime.format.fb.ValueInfo.createShapeVector(b, v.shape().dims());
            int names = 0;
            if (v.shape().hasNamedSymbols()) {
                String[] symbols = v.shape().symbols();
                int[] offsets = new int[symbols.length];
                for (int d = 0; d < symbols.length; d++) {
                    offsets[d] = b.createString(symbols[d] == null ? "" : symbols[d]);
                }
                names = org.mleruntime.format.fb.ValueInfo.createDimNamesVector(b, offsets);
            }
            out[i] = org.mleruntime.format.fb.ValueInfo.createValueInfo(b, name, (byte) v.dtype().code(), shape, names);
        }
        return out;
    }

    private static int[] strings(FlatBufferBuilder b, List<String> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.createString(values.get(i));
        }
        return out;
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int str(FlatBufferBuilder b, String s) {
        return s == null ? 0 : b.createString(s);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
