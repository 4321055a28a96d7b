package org.mleruntime.bridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.format.FormatVersion;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.SectionEntry;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** Plain maps and lists describing a model file, for JSON to Python and for people. */
final class Descriptions {
    private Descriptions() {}

    static Map<String, Object> inspect(ModelFile file) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", file.path().toString());
        out.put("file_size", file.fileSize());
        out.put("format_version", file.header().major() + "." + file.header().minor());
        out.put("reader_version", FormatVersion.current());
        out.put("flags", file.header().flags());
        List<Object> sections = new ArrayList<>();
        for (SectionEntry e : file.sections()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("kind", e.kindName());
            s.put("offset", e.offset());
            s.put("length", e.length());
            s.put("raw_length", e.rawLength());
            s.put("crc32c", String.format("%08x", e.crc32c()));
            s.put("compression", switch (e.compression()) {
                case 0 -> "none";
                case 1 -> "lz4";
                case 2 -> "zstd";
                case 3 -> "brotli";
                default -> "unknown(" + e.compression() + ")";
            });
            s.put("encrypted", e.encrypted());
            sections.add(s);
        }
        out.put("sections", sections);
        out.put("metadata", metadata(file.model().metadata(), file.model().graph()));
        out.put("graph", graph(file.model().graph()));
        return out;
    }

    static Map<String, Object> metadata(ModelMetadata m, Graph g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("producer_name", m.producerName());
        out.put("producer_version", m.producerVersion());
        out.put("framework", m.framework());
        out.put("framework_version", m.frameworkVersion());
        out.put("model_type", m.modelType());
        out.put("description", m.description());
        out.put("created", m.created());
        out.put("inputs", values(g.inputs()));
        out.put("outputs", values(g.outputs()));
        out.put("feature_names", m.featureNames());
        out.put("class_labels", m.classLabels());
        out.put("class_label_dtype", m.classLabelDtype() == null ? null : m.classLabelDtype().label());
        out.put("methods", m.methods());
        out.put("properties", m.properties());
        return out;
    }

    static Map<String, Object> graph(Graph g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inputs", values(g.inputs()));
        out.put("outputs", values(g.outputs()));
        List<Object> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", n.name());
            node.put("op_type", n.opType());
            node.put("opset_version", n.opsetVersion());
            node.put("inputs", n.inputs());
            node.put("outputs", n.outputs());
            Map<String, Object> attrs = new LinkedHashMap<>();
            n.attributes().forEach((k, v) -> attrs.put(k, switch (v) {
                case Attribute.Int i -> i.value();
                case Attribute.Float f -> f.value();
                case Attribute.Str s -> s.value();
                case Attribute.Ints i -> i.values();
                case Attribute.Floats f -> f.values();
                case Attribute.Strs s -> s.values();
            }));
            node.put("attributes", attrs);
            nodes.add(node);
        }
        out.put("nodes", nodes);
        List<Object> constants = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : g.constants().entrySet()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.getKey());
            c.put("dtype", e.getValue().dtype().label());
            c.put("shape", e.getValue().shape().dims());
            c.put("bytes", e.getValue().dtype().isNumeric() ? e.getValue().data().byteSize() : 0L);
            constants.add(c);
        }
        out.put("constants", constants);
        return out;
    }

    static List<Object> values(List<ValueInfo> values) {
        List<Object> out = new ArrayList<>();
        for (ValueInfo v : values) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("dtype", v.dtype().label());
            m.put("shape", v.shape().dims());
            out.add(m);
        }
        return out;
    }
}
