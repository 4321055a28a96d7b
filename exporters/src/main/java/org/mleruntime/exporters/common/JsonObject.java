package org.mleruntime.exporters.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mleruntime.InvalidModelException;

/**
 * A JSON object that knows its document ({@code source}, usually the file name) and its path in it,
 * so a missing or mistyped field is reported as {@code m.json: learner.objective.name is missing}.
 */
public final class JsonObject implements JsonValue {
    private final String source;
    private final String path;
    private final Map<String, JsonValue> fields;

    public JsonObject(String source, String path, Map<String, JsonValue> fields) {
        this.source = source;
        this.path = path;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String source() {
        return source;
    }

    public String path() {
        return path;
    }

    /** "m.json: learner.objective" (or "m.json: learner.objective.name" with a key). */
    public String where(String key) {
        String p = key == null ? path : path.isEmpty() ? key : path + "." + key;
        return source + ": " + (p.isEmpty() ? "the document" : p);
    }

    public Set<String> keys() {
        return fields.keySet();
    }

    public boolean has(String key) {
        return fields.containsKey(key) && fields.get(key) != JsonNull.INSTANCE;
    }

    /** The value of {@code key}, or null when absent. */
    public JsonValue get(String key) {
        return fields.get(key);
    }

    private JsonValue required(String key) {
        JsonValue v = fields.get(key);
        if (v == null) {
            throw new InvalidModelException(where(key) + " is missing");
        }
        return v;
    }

    public JsonObject object(String key) {
        return required(key) instanceof JsonObject o ? o : fail(key, "an object");
    }

    public JsonObject optObject(String key) {
        return has(key) ? object(key) : null;
    }

    public JsonArray array(String key) {
        return required(key) instanceof JsonArray a ? a : fail(key, "an array");
    }

    public JsonArray optArray(String key) {
        return has(key) ? array(key) : null;
    }

    public String string(String key) {
        return required(key) instanceof JsonString s ? s.value() : fail(key, "a string");
    }

    public String optString(String key, String otherwise) {
        return has(key) ? string(key) : otherwise;
    }

    /** A number, or a string holding one (XGBoost writes its parameters as strings). */
    public JsonNumber number(String key) {
        JsonValue v = required(key);
        if (v instanceof JsonNumber n) {
            return n;
        }
        if (v instanceof JsonString s) {
            try {
                return JsonNumber.ofLiteral(s.value().trim());
            } catch (NumberFormatException e) {
                throw new InvalidModelException(where(key) + " must be a number, found \"" + s.value() + "\"");
            }
        }
        return fail(key, "a number");
    }

    public long longValue(String key) {
        return number(key).asLong(where(key));
    }

    public long optLong(String key, long otherwise) {
        return has(key) ? longValue(key) : otherwise;
    }

    /** An int that must lie in [min, max]. */
    public int intIn(String key, int min, int max) {
        long v = longValue(key);
        if (v < min || v > max) {
            throw new InvalidModelException(where(key) + " must lie in [" + min + ", " + max + "], found " + v);
        }
        return (int) v;
    }

    public double doubleValue(String key) {
        return number(key).asDouble();
    }

    private <T> T fail(String key, String expected) {
        throw JsonValue.wrongType(where(key), expected, fields.get(key));
    }

    @Override
    public String kind() {
        return "an object";
    }
}
