package org.mleruntime.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.VerifyKey;

/**
 * A golden model file with the outputs it must produce. The expectation file beside {@code x.mle}
 * is {@code x.expected}: lines {@code NAME ROW VALUE...} for the input rows and for each expected
 * output (numbers in Java's round-tripping decimal form, strings as written), and from format 1.1
 * the keys the file is opened with, {@code verify-key PATH} and {@code decryption-key PATH},
 * relative to the file's directory.
 */
record GoldenFile(Path model, OpenOptions options, List<double[]> inputs, Map<String, List<String[]>> outputs) {
    static GoldenFile read(Path model) throws IOException {
        Path expected = model.resolveSibling(model.getFileName().toString().replace(".mle", ".expected"));
        List<String> directives = new ArrayList<>();
        List<double[]> inputs = new ArrayList<>();
        Map<String, List<String[]>> outputs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(expected)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts[0].endsWith("-key")) {
                directives.add(line.trim());
                continue;
            }
            String[] values = java.util.Arrays.copyOfRange(parts, 2, parts.length);
            if (parts[0].equals("input")) {
                inputs.add(java.util.Arrays.stream(values).mapToDouble(Double::parseDouble).toArray());
            } else {
                outputs.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(values);
            }
        }
        return new GoldenFile(model, options(model, directives), inputs, outputs);
    }

    /** How to open a golden file: with the verification and decryption keys its directives name. */
    static OpenOptions options(Path model, List<String> directives) {
        OpenOptions options = OpenOptions.defaults();
        for (String d : directives) {
            String[] parts = d.split(" ", 2);
            Path key = model.resolveSibling(parts[1]);
            options = switch (parts[0]) {
                case "verify-key" -> options.withVerifyKey(VerifyKey.read(key), true);
                case "decryption-key" -> options.withDecryptionKey(EncryptionKey.read(key));
                default -> throw new IllegalArgumentException("unknown golden file directive: " + d);
            };
        }
        return options;
    }

    static List<Path> all() throws IOException {
        Path root = Path.of("src/test/resources/golden");
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".mle")).sorted().toList();
        }
    }
}
