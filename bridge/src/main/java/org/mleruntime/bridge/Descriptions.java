package org.mleruntime.bridge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.format.Compression;
import org.mleruntime.format.FileHeader;
import org.mleruntime.format.FileLayout;
import org.mleruntime.format.FileSigner;
import org.mleruntime.format.FormatVersion;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.Progress;
import org.mleruntime.format.SectionEntry;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** Plain maps and lists describing a model file, for JSON to Python and for people (the {@code mle} command line). */
public final class Descriptions {
    private Descriptions() {}

    /**
     * A file described as {@link #inspect(Path, FileLayout, ModelFile, String)} does, opened with
     * {@code options}; an encrypted file opened without its key shows its container only.
     */
    public static Map<String, Object> inspect(Path path, OpenOptions options) {
        try (FileLayout layout = FileLayout.open(path)) {
            if (layout.header().hasKeyId() && options.decryptionKey() == null) {
                if (options.verifyKey() != null) {
                    FileSigner.verify(path, options.verifyKey(), Progress.NONE);
                }
                Map<String, Object> container = inspect(path, layout, null, "encrypted: give the decryption key to see the metadata and graph");
                container.put("signature_verified", options.verifyKey() != null);
                return container;
            }
            try (ModelFile file = ModelFile.open(path, options)) {
                return inspect(path, layout, file, layout.header().hasKeyId() ? "decrypted" : "plain");
            }
        }
    }

    /**
     * The container of a file (header, key ids, section table with compression ratios) and, when
     * {@code file} is given, its metadata and graph; {@code content} says why they are absent.
     */
    public static Map<String, Object> inspect(Path path, FileLayout layout, ModelFile file, String content) {
        Map<String, Object> out = new LinkedHashMap<>();
        FileHeader h = layout.header();
        out.put("path", path.toString());
        out.put("file_size", layout.fileSize());
        out.put("format_version", h.major() + "." + h.minor());
        out.put("reader_version", FormatVersion.current());
        out.put("flags", h.flags());
        out.put("quantized", (h.flags() & FileHeader.FLAG_QUANTIZED) != 0);
        out.put("encryption_key_id", h.hasKeyId() ? HexFormat.of().formatHex(h.keyId()) : null);
        String signer = FileSigner.signerId(layout);
        out.put("signature_key_id", signer);
        out.put("signature_verified", file != null && file.signatureVerified());
        List<Object> sections = new ArrayList<>();
        for (SectionEntry e : layout.sections()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("kind", e.kindName());
            s.put("offset", e.offset());
            s.put("length", e.length());
            s.put("raw_length", e.rawLength());
            s.put("ratio", e.length() == 0 ? 1.0 : (double) e.rawLength() / e.length());
            s.put("crc32c", String.format("%08x", e.crc32c()));
            Compression codec = Compression.fromCode(e.compression());
            s.put("compression", codec == null ? "unknown(" + e.compression() + ")" : codec.label());
            s.put("encrypted", e.encrypted());
            s.put("required", e.required());
            sections.add(s);
        }
        out.put("sections", sections);
        out.put("content", content);
        out.put("metadata", file == null ? null : metadata(file.model().metadata(), file.model().graph()));
        out.put("graph", file == null ? null : graph(file.model().graph()));
        return out;
    }

    /** What a person wants at a glance of an opened file: size, format, codecs, signature, encryption. */
    public static Map<String, Object> container(ModelFile file) {
        Map<String, Object> out = new LinkedHashMap<>();
        FileHeader h = file.header();
        out.put("file_size", file.fileSize());
        out.put("format_version", h.major() + "." + h.minor());
        out.put("quantized", (h.flags() & FileHeader.FLAG_QUANTIZED) != 0);
        out.put("compression", file.sections().stream().map(e -> Compression.fromCode(e.compression()))
                .filter(c -> c != null && c != Compression.NONE).map(Compression::label).distinct().toList());
        out.put("encrypted", h.hasKeyId());
        out.put("signature_key_id", FileSigner.signerId(file.layout()));
        out.put("signature_verified", file.signatureVerified());
        return out;
    }

    public static Map<String, Object> metadata(ModelMetadata m, Graph g) {
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

    public static Map<String, Object> graph(Graph g) {
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

    public static List<Object> values(List<ValueInfo> values) {
        List<Object> out = new ArrayList<>();
        for (ValueInfo v : values) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("dtype", v.dtype().label());
            m.put("shape", v.shape().dims());
            if (v.shape().hasNamedSymbols()) {
                m.put("dim_names", Arrays.asList(v.shape().symbols()));
            }
            out.add(m);
        }
        return out;
    }
}
