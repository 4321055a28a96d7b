package org.mleruntime.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mleruntime.bridge.Descriptions;
import org.mleruntime.bridge.Json;
import org.mleruntime.ir.Shape;

/** {@code mle inspect}: the header, sections, key ids, metadata and a summary of the graph. */
final class Inspect extends Command {
    Inspect() {
        super("inspect", "FILE [--key AES_KEY] [--verify-key PUBLIC_KEY] [--json]",
                "show a model file: header, sections (size, compression, encryption, CRC), signature, graph summary, metadata",
                Set.of("key", "verify-key"), Set.of("json"));
    }

    @Override
    int run(Args args, Terminal t) {
        Path file = Path.of(args.positional(1, 1, "FILE").getFirst());
        Map<String, Object> d = Descriptions.inspect(file, Keys.reading(args, true));
        PrintStream out = t.out();
        if (args.flag("json")) {
            out.println(Json.write(d));
            return 0;
        }
        out.printf(Locale.ROOT, "%s: .mle format %s (this reader: %s), %s%n", file, d.get("format_version"), d.get("reader_version"),
                Table.bytes((Long) d.get("file_size")));
        Object signer = d.get("signature_key_id");
        out.println(signer == null ? "signature: none"
                : "signature: Ed25519 by key id " + signer + ((Boolean) d.get("signature_verified") ? " (verified)" : " (not checked: give --verify-key)"));
        Object encryption = d.get("encryption_key_id");
        out.println(encryption == null ? "encryption: none" : "encryption: AES-256-GCM with key id " + encryption + " (" + d.get("content") + ")");
        out.println("quantized weights: " + ((Boolean) d.get("quantized") ? "yes (float16/int8 constants)" : "no"));
        out.println();
        Table sections = new Table("SECTION", "OFFSET", "STORED", "RAW", "RATIO", "COMPRESSION", "ENCRYPTED", "CRC32C");
        for (Object o : (List<?>) d.get("sections")) {
            Map<?, ?> s = (Map<?, ?>) o;
            sections.row(s.get("kind"), s.get("offset"), Table.bytes((Long) s.get("length")), Table.bytes((Long) s.get("raw_length")),
                    String.format(Locale.ROOT, "%.2fx", (Double) s.get("ratio")), s.get("compression"), (Boolean) s.get("encrypted") ? "yes" : "no",
                    s.get("crc32c"));
        }
        sections.print(out);
        if (d.get("metadata") instanceof Map<?, ?> m) {
            out.println();
            printMetadata(out, m);
        }
        if (d.get("graph") instanceof Map<?, ?> g) {
            out.println();
            printGraph(out, g);
        }
        return 0;
    }

    private static void printMetadata(PrintStream out, Map<?, ?> m) {
        Table t = new Table("METADATA", "");
        t.row("producer", m.get("producer_name") + " " + m.get("producer_version"));
        t.row("framework", m.get("framework") + " " + m.get("framework_version"));
        t.row("model type", m.get("model_type"));
        t.row("created", m.get("created"));
        if (!"".equals(m.get("description"))) {
            t.row("description", m.get("description"));
        }
        t.row("inputs", values((List<?>) m.get("inputs")));
        t.row("outputs", values((List<?>) m.get("outputs")));
        List<String> methods = new ArrayList<>();
        ((Map<?, ?>) m.get("methods")).forEach((k, v) -> methods.add(k + " -> " + String.join(", ", ((List<?>) v).stream().map(String::valueOf).toList())));
        t.row("methods", String.join("; ", methods));
        List<?> labels = (List<?>) m.get("class_labels");
        if (!labels.isEmpty()) {
            t.row("classes", abbreviate(labels, 10));
        }
        List<?> features = (List<?>) m.get("feature_names");
        if (!features.isEmpty()) {
            t.row("features", features.size() + ": " + abbreviate(features, 8));
        }
        ((Map<?, ?>) m.get("properties")).forEach((k, v) -> t.row(k, v));
        t.print(out);
    }

    private static void printGraph(PrintStream out, Map<?, ?> g) {
        List<?> nodes = (List<?>) g.get("nodes");
        List<?> constants = (List<?>) g.get("constants");
        Map<String, Integer> byOp = new TreeMap<>();
        for (Object n : nodes) {
            byOp.merge(String.valueOf(((Map<?, ?>) n).get("op_type")), 1, Integer::sum);
        }
        Map<String, long[]> byDtype = new TreeMap<>();
        for (Object c : constants) {
            Map<?, ?> cm = (Map<?, ?>) c;
            long[] acc = byDtype.computeIfAbsent(String.valueOf(cm.get("dtype")), k -> new long[2]);
            acc[0]++;
            acc[1] += (Long) cm.get("bytes");
        }
        out.printf(Locale.ROOT, "graph: %d nodes, %d constants%n", nodes.size(), constants.size());
        Table ops = new Table("OPERATOR", "NODES");
        byOp.forEach(ops::row);
        ops.print(out);
        out.println();
        Table dtypes = new Table("CONSTANT DTYPE", "COUNT", "BYTES");
        byDtype.forEach((k, v) -> dtypes.row(k, v[0], Table.bytes(v[1])));
        dtypes.print(out);
    }

    private static String values(List<?> values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            Map<?, ?> m = (Map<?, ?>) v;
            long[] dims = (long[]) m.get("shape");
            List<?> names = (List<?>) m.get("dim_names");
            String[] symbols = names == null ? null : names.stream().map(n -> n == null ? null : n.toString()).toArray(String[]::new);
            out.add(m.get("name") + " " + m.get("dtype") + new Shape(dims, symbols));
        }
        return String.join(", ", out);
    }

    private static String abbreviate(List<?> items, int max) {
        List<String> shown = items.stream().limit(max).map(String::valueOf).toList();
        return String.join(", ", shown) + (items.size() > max ? ", … (" + items.size() + ")" : "");
    }
}
