package org.mleruntime.exporters.common;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;

/**
 * Parses JSON text (RFC 8259, UTF-8) into {@link JsonValue}s. Accepts the non-standard literals
 * {@code NaN}, {@code Infinity} and {@code -Infinity} that some model writers emit. Errors name the
 * source, line and column. Nesting is limited to {@value #MAX_DEPTH} levels so hostile input cannot
 * exhaust the stack.
 */
public final class JsonReader {
    static final int MAX_DEPTH = 512;

    private final String source;
    private final String text;
    private int pos;
    private int depth;

    private JsonReader(String source, String text) {
        this.source = source;
        this.text = text;
    }

    /** Parses a whole file; {@code source} in messages is the file name. */
    public static JsonValue read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(file.getFileName().toString(), bytes);
    }

    public static JsonValue parse(String source, byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidModelException(source + ": not a JSON document (not valid UTF-8 text)");
        }
        return parse(source, text);
    }

    public static JsonValue parse(String source, String text) {
        JsonReader r = new JsonReader(source, text);
        if (r.text.startsWith("\uFEFF")) {
            r.pos = 1;
        }
        r.skipSpace();
        if (r.pos >= r.text.length()) {
            throw new InvalidModelException(source + ": not a JSON document (the file is empty)");
        }
        char first = r.text.charAt(r.pos);
        if (first != '{' && first != '[') {
            throw new InvalidModelException(source + ": not a JSON document (it starts with "
                    + (Character.isISOControl(first) ? "byte 0x" + Integer.toHexString(first) : "'" + first + "'") + ", not '{' or '[')");
        }
        JsonValue v = r.value("", null, -1);
        r.skipSpace();
        if (r.pos != r.text.length()) {
            throw r.error("unexpected text after the end of the document");
        }
        return v;
    }

    private InvalidModelException error(String problem) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        String at = pos >= text.length() ? "at the end of the file" : "at line " + line + ", column " + col;
        return new InvalidModelException(source + ": malformed JSON " + at + ": " + problem);
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                break;
            }
        }
    }

    /** The value at {@code parent.key} (or {@code parent[index]} when key is null); paths are built for containers only. */
    private JsonValue value(String parent, String key, int index) {
        skipSpace();
        if (pos >= text.length()) {
            throw error("a value was expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(childPath(parent, key, index));
            case '[' -> array(childPath(parent, key, index));
            case '"' -> new JsonString(string());
            case 't' -> literal("true", new JsonBoolean(true));
            case 'f' -> literal("false", new JsonBoolean(false));
            case 'n' -> literal("null", JsonNull.INSTANCE);
            case 'N' -> literal("NaN", JsonNumber.ofDouble(Double.NaN));
            case 'I' -> literal("Infinity", JsonNumber.ofDouble(Double.POSITIVE_INFINITY));
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    /** The path of a child for error messages: {@code parent.key} or {@code parent[index]}; shared with the UBJSON reader. */
    public static String childPath(String parent, String key, int index) {
        if (index < 0 && key == null) {
            return parent;
        }
        if (key == null) {
            return parent + "[" + index + "]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private JsonValue literal(String word, JsonValue v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected text, expected " + word);
        }
        pos += word.length();
        return v;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private JsonObject object(String path) {
        enter();
        pos++;
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            depth--;
            return new JsonObject(source, path, fields);
        }
        while (true) {
            skipSpace();
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error("a field name in double quotes was expected");
            }
            String key = string();
            skipSpace();
            expect(':');
            JsonValue v = value(path, key, -1);
            if (fields.put(key, v) != null) {
                throw error("field '" + key + "' appears twice");
            }
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect('}');
            depth--;
            return new JsonObject(source, path, fields);
        }
    }

    private JsonArray array(String path) {
        enter();
        pos++;
        List<JsonValue> items = new ArrayList<>();
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            depth--;
            return JsonArray.of(source, path, items);
        }
        while (true) {
            items.add(value(path, null, items.size()));
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect(']');
            depth--;
            return JsonArray.of(source, path, items);
        }
    }

    private void expect(char c) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("'" + c + "' was expected");
        }
        pos++;
    }

    private JsonNumber number() {
        int start = pos;
        if (text.startsWith("-Infinity", pos)) {
            pos += 9;
            return JsonNumber.ofDouble(Double.NEGATIVE_INFINITY);
        }
        if (text.charAt(pos) == '-') {
            pos++;
        }
        int digits = digits();
        if (digits == 0) {
            throw error("a digit was expected in a number");
        }
        if (digits > 1 && text.charAt(pos - digits) == '0') {
            pos -= digits;
            throw error("a number must not start with 0");
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            if (digits() == 0) {
                throw error("a digit was expected after the decimal point");
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw error("a digit was expected in the exponent");
            }
        }
        return JsonNumber.ofLiteral(text.substring(start, pos));
    }

    private int digits() {
        int n = 0;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
            n++;
        }
        return n;
    }

    private String string() {
        pos++;
        StringBuilder b = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error("a string is not closed");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = b == null ? text.substring(start, pos) : b.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error("a control character inside a string");
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(text, start, pos);
                pos++;
                if (pos >= text.length()) {
                    throw error("a string is not closed");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("a \\u escape needs four hex digits");
                        }
                        try {
                            b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("a \\u escape needs four hex digits");
                        }
                        pos += 4;
                    }
                    default -> throw error("unknown escape '\\" + e + "'");
                }
                start = pos;
                continue;
            }
            pos++;
        }
    }
}
