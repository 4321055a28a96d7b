package org.mleruntime.exporters.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.onnx.proto.AttributeProto;
import org.mleruntime.exporters.onnx.proto.GraphProto;
import org.mleruntime.exporters.onnx.proto.ModelProto;
import org.mleruntime.exporters.onnx.proto.NodeProto;
import org.mleruntime.exporters.onnx.proto.OperatorSetIdProto;
import org.mleruntime.exporters.onnx.proto.TensorProto;
import org.mleruntime.exporters.onnx.proto.TensorShapeProto;
import org.mleruntime.exporters.onnx.proto.TypeProto;
import org.mleruntime.exporters.onnx.proto.ValueInfoProto;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/**
 * Parses an ONNX {@code ModelProto} and checks it before anything is translated: IR version and
 * operator set imports, graph inputs and outputs (tensor types with known element types), every
 * initializer decoded (external data resolved beside the file), nodes with names unique and
 * attributes read. What it cannot read is an error naming the part of the file at fault.
 */
public final class OnnxReader {
    /** IR 3 introduced operator set imports; 14 is the newest the bundled onnx.proto describes. */
    public static final long MIN_IR_VERSION = 3;
    public static final long MAX_IR_VERSION = 14;
    /** The default operator set's versions this importer reads: from 7 (numpy broadcasting) to 28. */
    public static final long MIN_OPSET = 7;
    public static final long MAX_OPSET = 28;

    private static final Set<String> DEFAULT_DOMAINS = Set.of("", "ai.onnx");
    private static final int MAX_NESTING = 100;

    private OnnxReader() {}

    /** Reads the model file {@code file}; external data is looked up in the file's folder. */
    public static OnnxModel read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage());
        }
        Path folder = file.toAbsolutePath().getParent();
        return read(content, ExternalData.beside(folder), file.getFileName().toString());
    }

    /** Reads a model held in memory; it has no folder, so external data in it is an error. */
    public static OnnxModel read(byte[] content, String source) {
        return read(content, ExternalData.NONE, source);
    }

    private static OnnxModel read(byte[] content, ExternalData external, String source) {
        ModelProto proto = parse(content, source);
        long ir = proto.getIrVersion();
        if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) {
            throw new UnsupportedModelException(source + " has ONNX IR version " + ir + "; the importer reads IR versions "
                    + MIN_IR_VERSION + " to " + MAX_IR_VERSION);
        }
        long opset = defaultOpset(proto, source);
        if (!proto.hasGraph()) {
            throw new InvalidModelException(source + " has no graph");
        }
        OnnxGraph graph = graph(proto.getGraph(), new TensorDecoder(external));
        return new OnnxModel(ir, opset, proto.getProducerName(), proto.getProducerVersion(), graph);
    }

    private static ModelProto parse(byte[] content, String source) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(content);
            in.setRecursionLimit(MAX_NESTING);
            ModelProto proto = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return proto;
        } catch (IOException e) {
            // CodedInputStream over an array throws InvalidProtocolBufferException, the only IOException it can meet.
            throw new InvalidModelException(source + " is not a readable ONNX model (" + content.length + " bytes): " + e.getMessage());
        }
    }

    /**
     * The version of the default operator set. Imports of other domains are listed in the model's
     * metadata only when nodes use them, and such nodes are reported as unsupported operators by
     * the translation, all at once.
     */
    private static long defaultOpset(ModelProto proto, String source) {
        Long version = null;
        for (OperatorSetIdProto id : proto.getOpsetImportList()) {
            if (DEFAULT_DOMAINS.contains(id.getDomain())) {
                if (version != null && version != id.getVersion()) {
                    throw new InvalidModelException(source + " imports the default operator set twice, at versions " + version + " and "
                            + id.getVersion());
                }
                version = id.getVersion();
            }
        }
        if (version == null) {
            throw new InvalidModelException(source + " does not import the default ONNX operator set (domain \"\" or \"ai.onnx\")");
        }
        if (version < MIN_OPSET || version > MAX_OPSET) {
            throw new UnsupportedModelException(source + " uses ONNX operator set " + version + "; the importer reads operator sets "
                    + MIN_OPSET + " to " + MAX_OPSET);
        }
        return version;
    }

    private static OnnxGraph graph(GraphProto g, TensorDecoder decoder) {
        if (g.getSparseInitializerCount() > 0) {
            throw new UnsupportedModelException("graph '" + g.getName() + "' has sparse initializers, which the ONNX importer does not read");
        }
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new InvalidModelException("graph '" + g.getName() + "' has an initializer without a name");
            }
            if (initializers.put(t.getName(), decoder.decode(t, "initializer '" + t.getName() + "'")) != null) {
                throw new InvalidModelException("initializer '" + t.getName() + "' is defined twice");
            }
        }
        List<OnnxValue> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            // IR versions before 4 list every initializer among the inputs too, as a default value.
            if (!initializers.containsKey(v.getName())) {
                inputs.add(value(v, "graph input", true));
            }
        }
        List<OnnxValue> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(value(v, "graph output", false));
        }
        if (outputs.isEmpty()) {
            throw new InvalidModelException("graph '" + g.getName() + "' has no outputs");
        }
        List<OnnxNode> nodes = new ArrayList<>();
        Set<String> nodeNames = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            nodeNames.add(n.getName());
        }
        Set<String> used = new HashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            nodes.add(node(g.getNode(i), i, nodeNames, used, decoder));
        }
        return new OnnxGraph(g.getName(), inputs, outputs, initializers, nodes);
    }

    private static OnnxValue value(ValueInfoProto v, String role, boolean shapeRequired) {
        String what = role + " '" + v.getName() + "'";
        if (v.getName().isEmpty()) {
            throw new InvalidModelException("a " + role + " has no name");
        }
        TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            throw new UnsupportedModelException(what + " is not a tensor (" + type.getValueCase() + "); the ONNX importer takes tensors");
        }
        TypeProto.Tensor tensor = type.getTensorType();
        DType dtype = OnnxTypes.valueDtype(tensor.getElemType(), what);
        if (!tensor.hasShape()) {
            if (shapeRequired) {
                throw new UnsupportedModelException(what + " has no shape; the importer needs each input's rank");
            }
            return new OnnxValue(v.getName(), dtype, null);
        }
        List<OnnxDim> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : tensor.getShape().getDimList()) {
            if (d.hasDimValue()) {
                if (d.getDimValue() < 0) {
                    throw new InvalidModelException(what + " has the negative dimension " + d.getDimValue());
                }
                dims.add(new OnnxDim.Fixed(d.getDimValue()));
            } else {
                dims.add(new OnnxDim.Symbolic(d.getDimParam()));
            }
        }
        return new OnnxValue(v.getName(), dtype, dims);
    }

    private static OnnxNode node(NodeProto n, int index, Set<String> fileNames, Set<String> used, TensorDecoder decoder) {
        String name = n.getName();
        if (name.isEmpty() || !used.add(name)) {
            String base = (name.isEmpty() ? n.getOpType().toLowerCase(java.util.Locale.ROOT) : name) + "_" + index;
            name = base;
            for (int k = 1; fileNames.contains(name) || !used.add(name); k++) {
                name = base + "_" + k;
            }
        }
        if (n.getOpType().isEmpty()) {
            throw new InvalidModelException("node " + index + " ('" + name + "') has no operator");
        }
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (attributes.put(a.getName(), attribute(a, "attribute '" + a.getName() + "' of node '" + name + "'", decoder)) != null) {
                throw new InvalidModelException("node '" + name + "' has attribute '" + a.getName() + "' twice");
            }
        }
        Set<String> outputs = new LinkedHashSet<>();
        for (String out : n.getOutputList()) {
            if (!out.isEmpty() && !outputs.add(out)) {
                throw new InvalidModelException("node '" + name + "' names its output '" + out + "' twice");
            }
        }
        return new OnnxNode(name, n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), attributes);
    }

    private static OnnxAttribute attribute(AttributeProto a, String what, TensorDecoder decoder) {
        if (!a.getRefAttrName().isEmpty()) {
            throw new UnsupportedModelException(what + " refers to a function attribute, which the ONNX importer does not read");
        }
        return switch (a.getType()) {
            case INT -> new OnnxAttribute.Int(a.getI());
            case FLOAT -> new OnnxAttribute.Float(a.getF());
            case STRING -> new OnnxAttribute.Str(a.getS().toStringUtf8());
            case INTS -> new OnnxAttribute.Ints(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case FLOATS -> {
                float[] values = new float[a.getFloatsCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = a.getFloats(i);
                }
                yield new OnnxAttribute.Floats(values);
            }
            case STRINGS -> new OnnxAttribute.Strs(a.getStringsList().stream().map(b -> b.toStringUtf8()).toList());
            case TENSOR -> new OnnxAttribute.TensorValue(decoder.decode(a.getT(), what));
            default -> new OnnxAttribute.Other(a.getType().name());
        };
    }
}
