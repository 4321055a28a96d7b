package org.mleruntime.exporters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.exporters.common.JsonArray;
import org.mleruntime.exporters.common.JsonObject;
import org.mleruntime.exporters.common.JsonReader;

/** The fixtures written by {@code fixtures/make_fixtures.py}: the manifest and each fixture's rows and expected outputs. */
final class Fixtures {
    private Fixtures() {}

    static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/manifest.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    record Fixture(String name, String framework, Path model, Path data, String task, int features, int classes,
                   List<String> outputs, List<String> classLabels, List<String> featureNames, Map<String, List<String>> categories,
                   boolean boosterPrediction) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Fixture> all() {
        JsonObject manifest = (JsonObject) JsonReader.read(file("manifest.json"));
        JsonArray list = manifest.array("fixtures");
        List<Fixture> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonObject f = list.object(i);
            out.add(new Fixture(f.string("name"), f.string("framework"), file(f.string("model")), file(f.string("data")), f.string("task"),
                    (int) f.longValue("n_features"), (int) f.optLong("n_classes", 0), List.of(f.array("outputs").strings()),
                    f.has("class_labels") ? List.of(f.array("class_labels").strings()) : List.of(),
                    f.has("feature_names") ? List.of(f.array("feature_names").strings()) : List.of(), categories(f),
                    f.has("booster_prediction")));
        }
        return out;
    }

    private static Map<String, List<String>> categories(JsonObject f) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JsonObject c = f.optObject("categories");
        if (c != null) {
            for (String key : c.keys()) {
                out.put(key, List.of(c.array(key).strings()));
            }
        }
        return out;
    }

    /** A CSV of rows: columns grouped by the name before ':' ("x", "scores", ...), "label" alone. */
    record Table(int rows, Map<String, double[][]> groups) {
        double[][] group(String name) {
            double[][] g = groups.get(name);
            if (g == null) {
                throw new IllegalArgumentException("no column group '" + name + "'; groups: " + groups.keySet());
            }
            return g;
        }
    }

    static Table table(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] header = lines.getFirst().split(",");
        Map<String, List<Integer>> columns = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) {
            int colon = header[c].indexOf(':');
            columns.computeIfAbsent(colon < 0 ? header[c] : header[c].substring(0, colon), k -> new ArrayList<>()).add(c);
        }
        int rows = lines.size() - 1;
        double[][] all = new double[rows][];
        for (int r = 0; r < rows; r++) {
            String[] cells = lines.get(r + 1).split(",");
            all[r] = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                all[r][c] = switch (cells[c]) {
                    case "nan" -> Double.NaN;
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(cells[c]);
                };
            }
        }
        Map<String, double[][]> groups = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : columns.entrySet()) {
            double[][] g = new double[rows][e.getValue().size()];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < g[r].length; k++) {
                    g[r][k] = all[r][e.getValue().get(k)];
                }
            }
            groups.put(e.getKey(), g);
        }
        return new Table(rows, groups);
    }
}
