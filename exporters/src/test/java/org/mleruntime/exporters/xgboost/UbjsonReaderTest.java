package org.mleruntime.exporters.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.common.JsonObject;

class UbjsonReaderTest {
    private static void key(DataOutputStream o, String k) throws IOException {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        o.writeByte('U');
        o.writeByte(b.length);
        o.write(b);
    }

    @Test
    void decodesTypedAndUntypedContainers() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bytes);
        o.writeByte('{');
        key(o, "f");
        o.writeBytes("[$d#");
        o.writeByte('i');
        o.writeByte(2);
        o.writeFloat(0.1f);
        o.writeFloat(-3.5f);
        key(o, "l");
        o.writeBytes("[$l#L");
        o.writeLong(3);
        o.writeInt(1);
        o.writeInt(-2);
        o.writeInt(70000);
        key(o, "u");
        o.writeBytes("[$U#U");
        o.writeByte(2);
        o.writeByte(0);
        o.writeByte(255);
        key(o, "s");
        o.writeBytes("SU");
        o.writeByte(3);
        o.writeBytes("abc");
        key(o, "mixed");
        o.writeBytes("[TFZi");
        o.writeByte(-5);
        o.writeBytes("D");
        o.writeDouble(2.25);
        o.writeBytes("NI");
        o.writeShort(-300);
        o.writeBytes("]");
        key(o, "nested");
        o.writeBytes("{#U");
        o.writeByte(1);
        key(o, "x");
        o.writeBytes("H");
        o.writeByte('U');
        o.writeByte(4);
        o.writeBytes("1e-3");
        o.writeByte('}');
        JsonObject doc = (JsonObject) UbjsonReader.parse("t.ubj", bytes.toByteArray());
        assertArrayEquals(new float[] {0.1f, -3.5f}, doc.array("f").floats());
        assertArrayEquals(new int[] {1, -2, 70000}, doc.array("l").ints());
        assertArrayEquals(new int[] {0, 255}, doc.array("u").ints());
        assertEquals("abc", doc.string("s"));
        assertEquals(6, doc.array("mixed").size());
        assertEquals("true", doc.array("mixed").get(0).text());
        assertEquals(-300, Integer.parseInt(doc.array("mixed").get(5).text()));
        assertEquals(0.001, doc.object("nested").doubleValue("x"));
        assertTrue(UbjsonReader.looksLikeUbjson(bytes.toByteArray()));
        assertTrue(!UbjsonReader.looksLikeUbjson("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesBadInput() {
        for (byte[] bad : new byte[][] {{'{', 'U', 1, 'a', 'X'}, {'[', '$', 'd', 'i', 1}, {'{', 'U', 5, 'a'}, {'[', '$', 'd', '#', 'i', -1},
                {'{', 'U', 1, 'a', 'T', 'U', 1, 'a', 'T', '}'}}) {
            assertThrows(InvalidModelException.class, () -> UbjsonReader.parse("t.ubj", bad));
        }
    }
}
