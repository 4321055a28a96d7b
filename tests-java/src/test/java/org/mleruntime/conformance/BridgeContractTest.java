package org.mleruntime.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.MleModel;
import org.mleruntime.UnsupportedOperatorException;
import org.mleruntime.bridge.LoadedModel;
import org.mleruntime.bridge.ModelWriter;
import org.mleruntime.bridge.PythonBridge;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/** The calls the Python SDK makes, made from Java with native memory as numpy would hand it over. */
class BridgeContractTest {
    @TempDir
    Path dir;

    private static MemorySegment doubles(Arena arena, double... v) {
        MemorySegment s = arena.allocate(v.length * 8L, 64);
        MemorySegment.copy(v, 0, s, Tensor.F64, 0, v.length);
        return s;
    }

    /** y = x · w + b, binary labels by y > 0 mapped to string classes. */
    private Path writeBinaryClassifier(Arena arena) {
        ModelWriter w = PythonBridge.newWriter();
        w.input("input", "float64", new long[] {-1, 2});
        w.output("scores", "float64", new long[] {-1});
        w.output("label", "string", new long[] {-1});
        MemorySegment coef = doubles(arena, 2.0, -1.0);
        w.constant("coef", "float64", new long[] {1, 2}, coef.address(), 16);
        MemorySegment bias = doubles(arena, 0.5);
        w.constant("bias", "float64", new long[] {1}, bias.address(), 8);
        MemorySegment zero = doubles(arena, 0.0);
        w.constant("zero", "float64", new long[] {}, zero.address(), 8);
        w.stringConstant("classes", new long[] {2}, new String[] {"no", "yes"});
        int g = w.node("Gemm", "gemm", new String[] {"input", "coef", "bias"}, new String[] {"raw"});
        w.attrInt(g, "transB", 1);
        int r = w.node("Reshape", "flatten", new String[] {"raw"}, new String[] {"scores"});
        w.attrInts(r, "shape", new long[] {-1});
        w.node("Greater", "positive", new String[] {"scores", "zero"}, new String[] {"is_positive"});
        w.node("LabelMap", "labels", new String[] {"is_positive", "classes"}, new String[] {"label"});
        w.metadata("framework", "test");
        w.metadata("team", "platform");
        w.featureNames(new String[] {"a", "b"});
        w.classLabels("string", new String[] {"no", "yes"});
        w.method("predict", new String[] {"label"});
        w.method("decision_function", new String[] {"scores"});
        Path path = dir.resolve("binary.mle");
        w.write(path.toString());
        return path;
    }

    @Test
    void writtenModelRunsOnNativeMemory() {
        try (Arena arena = Arena.ofConfined()) {
            Path path = writeBinaryClassifier(arena);
            try (LoadedModel m = PythonBridge.load(path.toString(), false)) {
                MemorySegment x = doubles(arena, 1, 1, 0, 3, -1, -1);
                MemorySegment scores = arena.allocate(3 * 8L, 64);
                String[][] strings = m.run(new String[] {"input"}, new long[] {x.address(), x.byteSize()}, 3,
                        new String[] {"scores", "label"}, new long[] {scores.address(), scores.byteSize(), 0, 0});
                assertArrayEquals(new double[] {1.5, -2.5, -0.5}, scores.toArray(java.lang.foreign.ValueLayout.JAVA_DOUBLE));
                assertNull(strings[0]);
                assertArrayEquals(new String[] {"yes", "no", "no"}, strings[1]);
                String description = m.describe();
                assertTrue(description.contains("\"predict\":[\"label\"]") && description.contains("\"team\":\"platform\""), description);
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> m.run(new String[] {"inputs"}, new long[] {x.address(), x.byteSize()}, 3, new String[0], new long[0]));
                assertTrue(e.getMessage().contains("'inputs' is not an input"), e.getMessage());
                e = assertThrows(InvalidInputException.class, () -> m.run(new String[] {"input"}, new long[] {x.address(), x.byteSize()}, 4,
                        new String[] {"scores"}, new long[] {scores.address(), scores.byteSize()}));
                assertTrue(e.getMessage().contains("input 'input' needs 64 bytes"), e.getMessage());
                e = assertThrows(InvalidInputException.class, () -> m.run(new String[] {"input"}, new long[] {x.address(), x.byteSize()}, 3,
                        new String[] {"scores"}, new long[] {scores.address(), 16}));
                assertTrue(e.getMessage().contains("output 'scores' needs 24 bytes"), e.getMessage());
            }
            String inspected = PythonBridge.inspect(path.toString());
            assertTrue(inspected.contains("\"kind\":\"TENSOR_DATA\"") && inspected.contains("\"op_type\":\"LabelMap\""), inspected);
            try (MleModel model = MleModel.open(path)) {
                Map<String, Tensor> out = model.run(Map.of("input", Tensors.of(new double[][] {{0.25, 0}})));
                assertEquals("yes", out.get("label").string(0));
            }
        }
    }

    /** One string column, one-hot encoded over the categories "red" and "green"; a missing value is unknown (all zeros). */
    private Path writeStringEncoder(Arena arena) {
        ModelWriter w = PythonBridge.newWriter();
        w.input("colour", "string", new long[] {-1, 1});
        w.output("transformed", "float64", new long[] {-1, 2});
        w.stringConstant("keys", new long[] {2}, new String[] {"red", "green"});
        w.constant("codes", "float64", new long[] {2}, doubles(arena, 0, 1).address(), 16);
        MemorySegment offsets = arena.allocate(16, 64);
        offsets.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 1, 2);
        w.constant("offsets", "int64", new long[] {2}, offsets.address(), 16);
        int map = w.node("CategoryMap", "map", new String[] {"colour", "keys", "codes", "offsets"}, new String[] {"code"});
        w.attrString(map, "on_unknown", "code");
        w.attrFloats(map, "unknown_codes", new double[] {-1});
        int hot = w.node("OneHot", "hot", new String[] {"code"}, new String[] {"transformed"});
        w.attrInts(hot, "sizes", new long[] {2});
        w.featureNames(new String[] {"colour"});
        w.method("transform", new String[] {"transformed"});
        Path path = dir.resolve("strings.mle");
        w.write(path.toString());
        return path;
    }

    @Test
    void aWarmUpRunsTheBridgePathAndStopsAtClose() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            for (Path path : List.of(writeBinaryClassifier(arena), writeStringEncoder(arena))) {
                for (int round = 0; round < 20; round++) {
                    LoadedModel m = PythonBridge.load(path.toString(), false);
                    m.warmUpInBackground(10_000_000_000L, Integer.MAX_VALUE);
                    m.warmUpInBackground(10_000_000_000L, Integer.MAX_VALUE);
                    Thread.sleep(round);
                    assertTrue(m.warmingUp() || round > 0, "queued or running right after it was asked for");
                    long start = System.nanoTime();
                    m.close();
                    assertTrue(System.nanoTime() - start < 2_000_000_000L, "close waits for one run, not for the warm-up's ten seconds");
                    assertTrue(!m.warmingUp(), "stopped at close");
                }
            }
            Path path = writeBinaryClassifier(arena);
            MleModel javaModel = MleModel.open(path);
            javaModel.warmUpInBackground(5_000_000_000L, Integer.MAX_VALUE);
            Thread.sleep(20);
            javaModel.close();
            assertTrue(!javaModel.warmingUp(), "the Java API's warm-up, which runs the session itself, stops at close");
            try (LoadedModel m = PythonBridge.load(path.toString(), false)) {
                m.warmUpInBackground(200_000_000L, 1000);
                Thread.sleep(300);
                MemorySegment x = doubles(arena, 1, 1);
                MemorySegment scores = arena.allocate(8, 64);
                int handle = m.bind(new String[] {"scores", "label"});
                long[] values = {1, x.address(), x.byteSize(), 0, 0, scores.address(), scores.byteSize(), 0, 0};
                MemorySegment frame = arena.allocate(values.length * 8L, 8);
                MemorySegment.copy(values, 0, frame, java.lang.foreign.ValueLayout.JAVA_LONG, 0, values.length);
                String[][] strings = m.runFrame(handle, frame.address());
                assertEquals(1.5, scores.get(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0));
                assertArrayEquals(new String[] {"yes"}, strings[1]);
                assertThrows(InvalidInputException.class, () -> m.bind(new String[] {"nope"}));
                assertThrows(InvalidInputException.class, () -> m.runFrame(handle + 1, 0));
            }
        }
    }

    /** The address and length of {@code text}'s UTF-8 bytes, as the text of one input crosses. */
    private static long[] utf8(Arena arena, String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemorySegment segment = arena.allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, 0, bytes.length);
        return new long[] {segment.address(), bytes.length};
    }

    @Test
    void stringInputsCrossAsOneTextAndAMissingMask() {
        try (Arena arena = Arena.ofConfined()) {
            Path path = writeStringEncoder(arena);
            try (LoadedModel m = PythonBridge.load(path.toString(), false)) {
                MemorySegment mask = arena.allocate(3);
                mask.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 1, (byte) 1);
                MemorySegment out = arena.allocate(6 * 8L, 64);
                m.run(new String[] {"colour"}, new long[] {mask.address(), mask.byteSize()}, utf8(arena, "green\0\0red\0"), 3,
                        new String[] {"transformed"}, new long[] {out.address(), out.byteSize()});
                assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0}, out.toArray(java.lang.foreign.ValueLayout.JAVA_DOUBLE));
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> m.run(new String[] {"colour"}, new long[] {0, 0},
                        utf8(arena, "green\0red\0"), 3, new String[] {"transformed"}, new long[] {out.address(), out.byteSize()}));
                assertTrue(e.getMessage().contains("needs 3 values"), e.getMessage());
                e = assertThrows(InvalidInputException.class, () -> m.run(new String[] {"colour"}, new long[] {0, 0}, 3,
                        new String[] {"transformed"}, new long[] {out.address(), out.byteSize()}));
                assertTrue(e.getMessage().contains("holds strings"), e.getMessage());
            }
        }
        assertEquals("a\0b\0", LoadedModel.joinStrings(new String[] {"a", "b"}));
        assertNull(LoadedModel.joinStrings(new String[] {"a", null}));
        assertNull(LoadedModel.joinStrings(new String[] {"a\0b"}));
    }

    @Test
    void invalidModelsAreRefusedAtExportWithTheirReason() {
        ModelWriter unknownOp = PythonBridge.newWriter();
        unknownOp.input("input", "float64", new long[] {-1, 2});
        unknownOp.output("y", "float64", new long[] {-1, 2});
        unknownOp.node("Frobnicate", "f", new String[] {"input"}, new String[] {"y"});
        UnsupportedOperatorException op = assertThrows(UnsupportedOperatorException.class,
                () -> unknownOp.write(dir.resolve("x.mle").toString()));
        assertTrue(op.getMessage().contains("Frobnicate") && op.getMessage().contains("Gemm"), op.getMessage());

        ModelWriter dangling = PythonBridge.newWriter();
        dangling.input("input", "float64", new long[] {-1, 2});
        dangling.output("y", "float64", new long[] {-1, 2});
        dangling.node("Relu", "r", new String[] {"nowhere"}, new String[] {"y"});
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> dangling.write(dir.resolve("y.mle").toString()));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
        assertTrue(!dir.resolve("y.mle").toFile().exists());
    }
}
