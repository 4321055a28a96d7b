package org.mleruntime.exporters.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;

class JsonReaderTest {
    private static JsonObject obj(String text) {
        return (JsonObject) JsonReader.parse("t.json", text);
    }

    @Test
    void floatsRoundOnceFromTheLiteral() {
        // Just below the midpoint between 1 + 2^-23 and 1 + 2^-22: the nearest float is 1 + 2^-23, but the
        // nearest double is the midpoint itself, which a second rounding to float sends to 1 + 2^-22.
        String literal = "1.0000001788139343261718749";
        assertEquals(1f + 0x1p-23f, Float.parseFloat(literal));
        assertEquals(1f + 0x1p-22f, (float) Double.parseDouble(literal));
        JsonObject o = obj("{\"a\": [" + literal + ", 2], \"b\": " + literal + "}");
        assertEquals(1f + 0x1p-23f, o.array("a").floats()[0]);
        assertEquals(1f + 0x1p-23f, o.number("b").asFloat());
        assertEquals(Double.parseDouble(literal), o.array("a").doubles()[0]);
    }

    @Test
    void valuesOfEveryKind() {
        JsonObject o = obj("\uFEFF { \"s\": \"a\\\"b\\\\c\\u00e9\\n\", \"t\": true, \"f\": false, \"n\": null, \"i\": -12,"
                + " \"e\": 1.5e3, \"nan\": NaN, \"inf\": [Infinity, -Infinity], \"mixed\": [1, \"x\"], \"empty\": [], \"o\": {} }");
        assertEquals("a\"b\\cé\n", o.string("s"));
        assertEquals(-12, o.longValue("i"));
        assertEquals(1500.0, o.doubleValue("e"));
        assertTrue(Double.isNaN(o.doubleValue("nan")));
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, o.array("inf").doubles());
        assertArrayEquals(new String[] {"1", "x"}, o.array("mixed").texts());
        assertEquals(0, o.array("empty").ints().length);
        assertTrue(o.object("o").keys().isEmpty());
        assertTrue(!o.has("n") && o.get("n") == JsonNull.INSTANCE);
        assertEquals(30, obj("{\"v\": \"30\"}").longValue("v"), "numbers written as strings, as XGBoost does");
    }

    @Test
    void errorsNameThePlace() {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> JsonReader.parse("t.json", "{\n  \"a\": 01\n}"));
        assertTrue(e.getMessage().contains("t.json: malformed JSON at line 2, column 8: a number must not start with 0"), e.getMessage());
        for (String bad : new String[] {"{\"a\": 1.}", "{\"a\": -}", "{\"a\": 1e}", "{\"a\": \"x}", "{\"a\" 1}", "{\"a\": [1 2]}",
                "{\"a\": tru}", "{\"a\": \"\\q\"}", "{a: 1}", "{\"a\": 1} x", "{\"a\": \"\u0001\"}"}) {
            assertThrows(InvalidModelException.class, () -> JsonReader.parse("t.json", bad), bad);
        }
        JsonObject o = obj("{\"a\": {\"b\": [1.5, 2]}, \"s\": \"x\"}");
        e = assertThrows(InvalidModelException.class, () -> o.object("a").array("b").ints());
        assertEquals("t.json: a.b[0] must be an integer, found 1.5", e.getMessage());
        e = assertThrows(InvalidModelException.class, () -> o.object("a").object("c"));
        assertEquals("t.json: a.c is missing", e.getMessage());
        e = assertThrows(InvalidModelException.class, () -> o.array("s"));
        assertEquals("t.json: s must be an array, found a string", e.getMessage());
        e = assertThrows(InvalidModelException.class, () -> o.intIn("s", 0, 3));
        assertTrue(e.getMessage().contains("t.json: s must be a number"), e.getMessage());
    }
}
