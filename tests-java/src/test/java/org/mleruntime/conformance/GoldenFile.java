package org.mleruntime.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A golden model file with the outputs it must produce. The expectation file beside {@code x.mle}
 * is {@code x.expected}: lines {@code NAME ROW VALUE...} for the input rows and for each expected
 * output (numbers in Java's round-tripping decimal form, strings as written).
 */
record GoldenFile(Path model, List<double[]> inputs, Map<String, List<String[]>> outputs) {
    static GoldenFile read(Path model) throws IOException {
        Path expected = model.resolveSibling(model.getFileName().toString().replace(".mle", ".expected"));
        List<double[]> inputs = new ArrayList<>();
        Map<String, List<String[]>> outputs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(expected)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            String[] values = java.util.Arrays.copyOfRange(parts, 2, parts.length);
            if (parts[0].equals("input")) {
                inputs.add(java.util.Arrays.stream(values).mapToDouble(Double::parseDouble).toArray());
            } else {
                outputs.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(values);
            }
        }
        return new GoldenFile(model, inputs, outputs);
    }

    static List<Path> all() throws IOException {
        Path root = Path.of("src/test/resources/golden");
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".mle")).sorted().toList();
        }
    }
}
