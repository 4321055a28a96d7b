package org.mleruntime.exporters.common;

import java.util.List;
import org.mleruntime.InvalidModelException;

/**
 * A JSON array that knows its document and path. An array whose elements are all numbers (the
 * bulk of a tree model file) is held as primitive arrays, 12 bytes an element: each number's
 * nearest double and its nearest float32, both rounded once from the literal.
 */
public final class JsonArray implements JsonValue {
    private final String source;
    private final String path;
    private final List<JsonValue> items;
    private final double[] doubles;
    private final float[] floats;

    private JsonArray(String source, String path, List<JsonValue> items, double[] doubles, float[] floats) {
        this.source = source;
        this.path = path;
        this.items = items;
        this.doubles = doubles;
        this.floats = floats;
    }

    /** An array of mixed values; an array of numbers only is stored as primitive arrays. */
    public static JsonArray of(String source, String path, List<JsonValue> items) {
        if (!items.isEmpty() && items.stream().allMatch(v -> v instanceof JsonNumber)) {
            double[] d = new double[items.size()];
            float[] f = new float[items.size()];
            for (int i = 0; i < d.length; i++) {
                JsonNumber n = (JsonNumber) items.get(i);
                d[i] = n.asDouble();
                f[i] = n.asFloat();
            }
            return new JsonArray(source, path, null, d, f);
        }
        return new JsonArray(source, path, List.copyOf(items), null, null);
    }

    /** A numeric array from binary values (UBJSON typed arrays); {@code floats} may be null for float64 data. */
    public static JsonArray numeric(String source, String path, double[] doubles, float[] floats) {
        float[] f = floats;
        if (f == null) {
            f = new float[doubles.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) doubles[i];
            }
        }
        return new JsonArray(source, path, null, doubles, f);
    }

    public String where() {
        return source + ": " + (path.isEmpty() ? "the document" : path);
    }

    public String where(int index) {
        return source + ": " + path + "[" + index + "]";
    }

    public String path() {
        return path;
    }

    public String source() {
        return source;
    }

    public int size() {
        return doubles != null ? doubles.length : items.size();
    }

    public JsonValue get(int i) {
        return doubles != null ? JsonNumber.ofDouble(doubles[i]) : items.get(i);
    }

    public JsonObject object(int i) {
        if (doubles == null && items.get(i) instanceof JsonObject o) {
            return o;
        }
        throw JsonValue.wrongType(where(i), "an object", get(i));
    }

    public JsonArray array(int i) {
        if (doubles == null && items.get(i) instanceof JsonArray a) {
            return a;
        }
        throw JsonValue.wrongType(where(i), "an array", get(i));
    }

    private void requireNumbers() {
        if (doubles == null && !items.isEmpty()) {
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof JsonNumber)) {
                    throw JsonValue.wrongType(where(i), "a number", items.get(i));
                }
            }
        }
    }

    /** Every element as a double (each the nearest double to its literal). */
    public double[] doubles() {
        requireNumbers();
        return doubles == null ? new double[0] : doubles.clone();
    }

    /** Every element as a float32 (each the nearest float to its literal). */
    public float[] floats() {
        requireNumbers();
        return floats == null ? new float[0] : floats.clone();
    }

    /** Every element as an int; an error names the first that is not an integer in int range. */
    public int[] ints() {
        requireNumbers();
        if (doubles == null) {
            return new int[0];
        }
        int[] out = new int[doubles.length];
        for (int i = 0; i < out.length; i++) {
            double v = doubles[i];
            if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new InvalidModelException(where(i) + " must be an integer, found " + v);
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** Every element as a string; numbers are not accepted. */
    public String[] strings() {
        String[] out = new String[size()];
        for (int i = 0; i < out.length; i++) {
            if (get(i) instanceof JsonString s) {
                out[i] = s.value();
            } else {
                throw JsonValue.wrongType(where(i), "a string", get(i));
            }
        }
        return out;
    }

    /** Every element as text: strings as they are, numbers as written. */
    public String[] texts() {
        String[] out = new String[size()];
        for (int i = 0; i < out.length; i++) {
            JsonValue v = get(i);
            if (v instanceof JsonObject || v instanceof JsonArray) {
                throw JsonValue.wrongType(where(i), "a string or a number", v);
            }
            out[i] = v instanceof JsonNumber n && doubles != null && n.isInteger() ? Long.toString((long) doubles[i]) : v.text();
        }
        return out;
    }

    @Override
    public String kind() {
        return "an array";
    }
}
