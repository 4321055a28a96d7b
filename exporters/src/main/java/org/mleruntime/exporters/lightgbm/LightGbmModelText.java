package org.mleruntime.exporters.lightgbm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;

/**
 * The sections of LightGBM's text model ({@code Booster.save_model("m.txt")},
 * {@code model_to_string()}), split into key/value maps with the line each value came from, so every
 * error names the file, the line and the field. The layout, as {@code GBDT::SaveModelToString}
 * writes it (versions v2 to v4):
 * <pre>
 * tree                                    the first line
 * key=value ...                           header: version, num_class, num_tree_per_iteration,
 *                                         max_feature_idx, objective, feature_names, ...
 * average_output                          a line without '=' (random forest mode)
 * Tree=0                                  one block per tree, key=value lines
 * ...
 * end of trees
 * feature_importances: / parameters: ... end of parameters   (ignored)
 * pandas_categorical:[...]                categories of pandas columns, JSON (recorded)
 * </pre>
 */
final class LightGbmModelText {
    /** One block of key=value lines. */
    static final class Block {
        final String source;
        final String name;
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, Integer> lines = new LinkedHashMap<>();

        Block(String source, String name) {
            this.source = source;
            this.name = name;
        }

        String where(String key) {
            Integer line = lines.get(key);
            return source + (line != null ? ", line " + line : "") + " (" + name + (key != null ? ", " + key : "") + ")";
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String string(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new InvalidModelException(where(null) + ": field '" + key + "' is missing");
            }
            return v;
        }

        long integer(String key) {
            String v = string(key).trim();
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new InvalidModelException(where(key) + ": '" + v + "' is not an integer");
            }
        }

        int intIn(String key, int min, int max) {
            long v = integer(key);
            if (v < min || v > max) {
                throw new InvalidModelException(where(key) + ": must lie in [" + min + ", " + max + "], found " + v);
            }
            return (int) v;
        }

        private String[] tokens(String key, int expected) {
            String v = string(key).trim();
            String[] parts = v.isEmpty() ? new String[0] : v.split("\\s+");
            if (expected >= 0 && parts.length != expected) {
                throw new InvalidModelException(where(key) + ": expected " + expected + " values, found " + parts.length);
            }
            return parts;
        }

        double[] doubles(String key, int expected) {
            String[] parts = tokens(key, expected);
            double[] out = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = parseDouble(parts[i]);
                } catch (NumberFormatException e) {
                    throw new InvalidModelException(where(key) + ": value " + (i + 1) + " ('" + parts[i] + "') is not a number");
                }
            }
            return out;
        }

        long[] longs(String key, int expected) {
            String[] parts = tokens(key, expected);
            long[] out = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Long.parseLong(parts[i]);
                } catch (NumberFormatException e) {
                    throw new InvalidModelException(where(key) + ": value " + (i + 1) + " ('" + parts[i] + "') is not an integer");
                }
            }
            return out;
        }

        int[] ints(String key, int expected) {
            long[] v = longs(key, expected);
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                    throw new InvalidModelException(where(key) + ": value " + (i + 1) + " (" + v[i] + ") is out of range");
                }
                out[i] = (int) v[i];
            }
            return out;
        }
    }

    /** LightGBM writes doubles with %.17g and infinities as "inf"/"-inf" (C++ streams), NaN as "nan". */
    static double parseDouble(String s) {
        return switch (s) {
            case "inf", "+inf", "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "nan", "-nan", "NaN" -> Double.NaN;
            default -> {
                char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
                if (last == 'd' || last == 'D' || last == 'f' || last == 'F') {
                    throw new NumberFormatException(s);
                }
                yield Double.parseDouble(s);
            }
        };
    }

    final Block header;
    final List<Block> trees = new ArrayList<>();
    final boolean averageOutput;
    final String pandasCategorical;

    private LightGbmModelText(Block header, boolean averageOutput, String pandasCategorical) {
        this.header = header;
        this.averageOutput = averageOutput;
        this.pandasCategorical = pandasCategorical;
    }

    static LightGbmModelText parse(String source, String text) {
        String[] lines = text.split("\r?\n", -1);
        int i = 0;
        while (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        if (i >= lines.length || !lines[i].trim().equals("tree")) {
            String first = i < lines.length ? lines[i].trim() : "";
            throw new InvalidModelException(source + ": not a LightGBM text model (it must start with the line 'tree', found '"
                    + (first.length() > 40 ? first.substring(0, 40) + "…" : first) + "')");
        }
        i++;
        Block header = new Block(source, "header");
        boolean average = false;
        for (; i < lines.length && !lines[i].startsWith("Tree=") && !lines[i].startsWith("end of trees"); i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                if (line.equals("average_output")) {
                    average = true;
                }
                header.values.put(line, "");
                header.lines.put(line, i + 1);
            } else {
                header.values.put(line.substring(0, eq), line.substring(eq + 1));
                header.lines.put(line.substring(0, eq), i + 1);
            }
        }
        String pandas = null;
        List<Block> trees = new ArrayList<>();
        Block current = null;
        boolean ended = false;
        for (; i < lines.length; i++) {
            String line = lines[i].trim();
            if (!ended) {
                if (line.startsWith("Tree=")) {
                    current = new Block(source, "tree " + line.substring(5));
                    current.lines.put(null, i + 1);
                    trees.add(current);
                    continue;
                }
                if (line.equals("end of trees")) {
                    ended = true;
                    continue;
                }
                if (line.isEmpty() || current == null) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new InvalidModelException(source + ", line " + (i + 1) + ": expected key=value inside " + current.name + ", found '" + line + "'");
                }
                current.values.put(line.substring(0, eq), line.substring(eq + 1));
                current.lines.put(line.substring(0, eq), i + 1);
            } else if (line.startsWith("pandas_categorical:")) {
                pandas = line.substring("pandas_categorical:".length()).trim();
            }
        }
        if (!ended) {
            throw new InvalidModelException(source + ": the model is truncated (no 'end of trees' line after " + trees.size() + " trees)");
        }
        LightGbmModelText model = new LightGbmModelText(header, average, pandas == null || pandas.equals("null") ? null : pandas);
        model.trees.addAll(trees);
        return model;
    }
}
