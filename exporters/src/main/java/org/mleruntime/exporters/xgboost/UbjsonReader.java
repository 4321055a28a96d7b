package org.mleruntime.exporters.xgboost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.common.JsonArray;
import org.mleruntime.exporters.common.JsonBoolean;
import org.mleruntime.exporters.common.JsonNull;
import org.mleruntime.exporters.common.JsonNumber;
import org.mleruntime.exporters.common.JsonObject;
import org.mleruntime.exporters.common.JsonReader;
import org.mleruntime.exporters.common.JsonString;
import org.mleruntime.exporters.common.JsonValue;

/**
 * Decodes Universal Binary JSON (ubjson.org, draft 12), the binary twin of XGBoost's JSON model
 * ({@code save_model("m.ubj")}, {@code save_raw("ubj")}, the default format since XGBoost 2.1), into
 * the same {@link JsonValue} tree the JSON reader builds, so one converter reads both.
 *
 * <p>Specification used: every value starts with a one-byte type marker — {@code Z} null, {@code N}
 * no-op, {@code T}/{@code F} booleans, {@code i} int8, {@code U} uint8, {@code I} int16, {@code l}
 * int32, {@code L} int64, {@code d} float32, {@code D} float64 (all big-endian), {@code H} a number
 * as a string, {@code C} one char, {@code S} a string (a length, itself a marked integer, then UTF-8
 * bytes), {@code [} an array, <code>{</code> an object whose keys are strings without the {@code S}
 * marker. A container may be optimised: {@code $} and a type marker (then elements carry no markers)
 * and/or {@code #} and a count (then no closing marker). XGBoost writes its numeric tree arrays as
 * typed arrays ({@code [$d#L…} for float32, {@code [$l#L…} for int32, {@code [$U#L…} for uint8),
 * which become primitive-backed {@link JsonArray}s here with float32 values kept exact.
 */
public final class UbjsonReader {
    private static final int MAX_DEPTH = 512;

    private final String source;
    private final ByteBuffer in;
    private int depth;

    private UbjsonReader(String source, byte[] bytes) {
        this.source = source;
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    }

    /** Whether {@code bytes} look like UBJSON rather than JSON text (an object marker then a length marker). */
    public static boolean looksLikeUbjson(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == '{' && (bytes[1] == 'L' || bytes[1] == 'l' || bytes[1] == 'I' || bytes[1] == 'i'
                || bytes[1] == 'U' || bytes[1] == '$' || bytes[1] == '#' || bytes[1] == '}');
    }

    public static JsonValue parse(String source, byte[] bytes) {
        UbjsonReader r = new UbjsonReader(source, bytes);
        JsonValue v = r.value(r.marker(), "", null, -1);
        while (r.in.hasRemaining() && r.in.get(r.in.position()) == 'N') {
            r.in.get();
        }
        if (r.in.hasRemaining()) {
            throw r.error("unexpected bytes after the end of the document");
        }
        return v;
    }

    private InvalidModelException error(String problem) {
        return new InvalidModelException(source + ": malformed UBJSON at byte " + in.position() + ": " + problem);
    }

    private void need(long bytes) {
        if (bytes < 0 || in.remaining() < bytes) {
            throw error("the document ends early (" + bytes + " more bytes needed, " + in.remaining() + " left)");
        }
    }

    private byte marker() {
        need(1);
        byte m = in.get();
        while (m == 'N') {
            need(1);
            m = in.get();
        }
        return m;
    }

    private JsonValue value(byte marker, String parent, String key, int index) {
        return switch (marker) {
            case 'Z' -> JsonNull.INSTANCE;
            case 'T' -> new JsonBoolean(true);
            case 'F' -> new JsonBoolean(false);
            case 'i', 'U', 'I', 'l', 'L' -> JsonNumber.ofLong(integer(marker));
            case 'd' -> {
                need(4);
                yield JsonNumber.ofDouble(in.getFloat());
            }
            case 'D' -> {
                need(8);
                yield JsonNumber.ofDouble(in.getDouble());
            }
            case 'H' -> {
                String s = string();
                try {
                    yield JsonNumber.ofLiteral(s);
                } catch (NumberFormatException e) {
                    throw error("high-precision number '" + s + "' is not a number");
                }
            }
            case 'C' -> {
                need(1);
                yield new JsonString(String.valueOf((char) (in.get() & 0xFF)));
            }
            case 'S' -> new JsonString(string());
            case '[' -> array(JsonReader.childPath(parent, key, index));
            case '{' -> object(JsonReader.childPath(parent, key, index));
            default -> throw error("unknown type marker 0x" + Integer.toHexString(marker & 0xFF)
                    + (marker >= 32 && marker < 127 ? " ('" + (char) marker + "')" : ""));
        };
    }

    private long integer(byte marker) {
        return switch (marker) {
            case 'i' -> {
                need(1);
                yield in.get();
            }
            case 'U' -> {
                need(1);
                yield in.get() & 0xFF;
            }
            case 'I' -> {
                need(2);
                yield in.getShort();
            }
            case 'l' -> {
                need(4);
                yield in.getInt();
            }
            case 'L' -> {
                need(8);
                yield in.getLong();
            }
            default -> throw error("an integer was expected, found type marker '" + (char) marker + "'");
        };
    }

    private int length() {
        long n = integer(marker());
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw error("invalid length or count " + n);
        }
        return (int) n;
    }

    private String string() {
        int n = length();
        need(n);
        byte[] b = new byte[n];
        in.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error("a string is not valid UTF-8");
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** After '[' or '{': the optional element type ('$') and count ('#'); type 0 when untyped, count -1 when open. */
    private long[] header() {
        byte type = 0;
        int count = -1;
        need(1);
        if (in.get(in.position()) == '$') {
            in.get();
            need(1);
            type = in.get();
            need(1);
            if (in.get(in.position()) != '#') {
                throw error("a typed container needs a count ('#')");
            }
        }
        if (in.hasRemaining() && in.get(in.position()) == '#') {
            in.get();
            count = length();
            // Every element takes at least a byte, except the typed markers T, F, Z and N, which take
            // none: a count beyond the bytes left is no real model's, and would size an array.
            if (count > in.remaining()) {
                throw error("a container declares " + count + " elements, more than the " + in.remaining() + " bytes left in the document");
            }
        }
        return new long[] {type, count};
    }

    private JsonArray array(String path) {
        enter();
        long[] h = header();
        byte type = (byte) h[0];
        int count = (int) h[1];
        JsonArray result;
        if (type == 'd' || type == 'D' || type == 'i' || type == 'U' || type == 'I' || type == 'l' || type == 'L') {
            int width = switch (type) {
                case 'd', 'l' -> 4;
                case 'D', 'L' -> 8;
                case 'I' -> 2;
                default -> 1;
            };
            need((long) count * width);
            double[] d = new double[count];
            float[] f = type == 'd' ? new float[count] : null;
            for (int i = 0; i < count; i++) {
                switch (type) {
                    case 'd' -> {
                        f[i] = in.getFloat();
                        d[i] = f[i];
                    }
                    case 'D' -> d[i] = in.getDouble();
                    default -> d[i] = integer(type);
                }
            }
            result = JsonArray.numeric(source, path, d, f);
        } else {
            List<JsonValue> items = new ArrayList<>();
            if (count >= 0) {
                for (int i = 0; i < count; i++) {
                    items.add(value(type != 0 ? type : marker(), path, null, i));
                }
            } else {
                while (true) {
                    byte m = marker();
                    if (m == ']') {
                        break;
                    }
                    items.add(value(m, path, null, items.size()));
                }
            }
            result = JsonArray.of(source, path, items);
        }
        depth--;
        return result;
    }

    private JsonObject object(String path) {
        enter();
        long[] h = header();
        byte type = (byte) h[0];
        int count = (int) h[1];
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        for (int i = 0; count < 0 || i < count; i++) {
            if (count < 0) {
                need(1);
                if (in.get(in.position()) == '}') {
                    in.get();
                    break;
                }
                while (in.get(in.position()) == 'N') {
                    in.get();
                    need(1);
                }
                if (in.get(in.position()) == '}') {
                    in.get();
                    break;
                }
            }
            String key = string();
            JsonValue v = value(type != 0 ? type : marker(), path, key, -1);
            if (fields.put(key, v) != null) {
                throw error("field '" + key + "' appears twice");
            }
        }
        depth--;
        return new JsonObject(source, path, fields);
    }
}
