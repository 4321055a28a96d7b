package org.mleruntime.exporters.common;

import org.mleruntime.InvalidModelException;

/**
 * A JSON number. From JSON text it keeps the literal, so {@link #asFloat()} rounds the decimal
 * straight to the nearest float32 (as the frameworks' own float readers do) rather than through a
 * double, which could round twice; from UBJSON it keeps the binary value and its width.
 */
public final class JsonNumber implements JsonValue {
    private final String literal;
    private final double value;
    private final long integer;
    private final boolean isInteger;

    private JsonNumber(String literal, double value, long integer, boolean isInteger) {
        this.literal = literal;
        this.value = value;
        this.integer = integer;
        this.isInteger = isInteger;
    }

    /** A number written as text; the caller has checked the JSON number grammar (or NaN/Infinity). */
    public static JsonNumber ofLiteral(String literal) {
        boolean integral = true;
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-')) {
                integral = false;
                break;
            }
        }
        if (integral && literal.length() < 19) {
            long v = Long.parseLong(literal);
            return new JsonNumber(literal, v, v, true);
        }
        return new JsonNumber(literal, Double.parseDouble(literal), 0, false);
    }

    public static JsonNumber ofDouble(double v) {
        return new JsonNumber(null, v, 0, false);
    }

    public static JsonNumber ofLong(long v) {
        return new JsonNumber(null, v, v, true);
    }

    public double asDouble() {
        return value;
    }

    /** The float32 nearest to the number as written (for a binary float32, that float itself). */
    public float asFloat() {
        return literal != null ? Float.parseFloat(literal) : (float) value;
    }

    /** The number as a long; an error naming {@code where} when it is not an integer. */
    public long asLong(String where) {
        if (isInteger) {
            return integer;
        }
        if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            return (long) value;
        }
        throw new InvalidModelException(where + " must be an integer, found " + text());
    }

    public boolean isInteger() {
        return isInteger || (value == Math.rint(value) && Math.abs(value) < 0x1p53);
    }

    @Override
    public String kind() {
        return "a number";
    }

    @Override
    public String text() {
        return literal != null ? literal : isInteger ? Long.toString(integer) : Double.toString(value);
    }

    @Override
    public String toString() {
        return text();
    }
}
