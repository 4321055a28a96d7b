package org.mleruntime.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

class SessionTest {
    private static Session session(SessionOptions options) {
        return new Session(TestModels.classifier().graph(), CpuBackend.defaultBackend(), options, () -> {});
    }

    @Test
    void computesWhatTheReferenceComputes() {
        double[][] rows = TestModels.randomRows(50, 4, 1);
        Map<String, Tensor> out = session(SessionOptions.defaults()).run(Map.of("input", Tensors.of(rows)));
        double[] scores = Tensors.toDoubles(out.get("scores"));
        double[] proba = Tensors.toDoubles(out.get("probabilities"));
        String[] labels = Tensors.toStrings(out.get("label"));
        for (int r = 0; r < rows.length; r++) {
            double[] ref = TestModels.scores(rows[r]);
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                assertEquals(ref[j], scores[r * 3 + j], 1e-12 * Math.max(1, Math.abs(ref[j])));
                if (ref[j] > max) {
                    max = ref[j];
                    best = j;
                }
            }
            for (int j = 0; j < 3; j++) {
                sum += Math.exp(ref[j] - max);
            }
            for (int j = 0; j < 3; j++) {
                assertEquals(Math.exp(ref[j] - max) / sum, proba[r * 3 + j], 1e-12);
            }
            assertEquals(TestModels.LABELS[best], labels[r]);
        }
    }

    @Test
    void splitBatchesEqualSingleThreadedRuns() {
        double[][] rows = TestModels.randomRows(5000, 4, 2);
        Tensor input = Tensors.of(rows);
        Map<String, Tensor> one = session(new SessionOptions(1, 1024, true)).run(Map.of("input", input));
        Map<String, Tensor> many = session(new SessionOptions(4, 100, true)).run(Map.of("input", input));
        assertArrayEquals(Tensors.toDoubles(one.get("scores")), Tensors.toDoubles(many.get("scores")));
        assertArrayEquals(Tensors.toStrings(one.get("label")), Tensors.toStrings(many.get("label")));
    }

    @Test
    void concurrentRunsFromManyThreadsGiveIdenticalResults() throws Exception {
        Session s = session(new SessionOptions(2, 64, true));
        double[][] rows = TestModels.randomRows(700, 4, 3);
        Tensor input = Tensors.of(rows);
        double[] expected = Tensors.toDoubles(s.run(Map.of("input", input)).get("probabilities"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Callable<double[]> call = () -> Tensors.toDoubles(s.run(Map.of("input", input)).get("probabilities"));
                results.add(pool.submit(call));
            }
            for (Future<double[]> f : results) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void wrongInputsAreNamed() {
        Session s = session(SessionOptions.defaults());
        InvalidInputException count = assertThrows(InvalidInputException.class,
                () -> s.run(Map.of("input", Tensors.of(new double[][] {{1, 2, 3}}))));
        assertTrue(count.getMessage().contains("expected 4 features, got 3"), count.getMessage());
        InvalidInputException dtype = assertThrows(InvalidInputException.class,
                () -> s.run(Map.of("input", Tensors.of(DType.FLOAT32, Shape.of(1, 4), 1, 2, 3, 4))));
        assertTrue(dtype.getMessage().contains("float64"), dtype.getMessage());
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> s.run(Map.of()));
        assertTrue(missing.getMessage().contains("missing input 'input'"), missing.getMessage());
        InvalidInputException extra = assertThrows(InvalidInputException.class,
                () -> s.run(Map.of("input", Tensors.of(new double[][] {{1, 2, 3, 4}}), "other", Tensors.of(new double[][] {{1}}))));
        assertTrue(extra.getMessage().contains("'other' is not an input"), extra.getMessage());
    }

    @Test
    void askingForSomeOutputsRunsOnlyWhatTheyNeed() {
        Session s = session(SessionOptions.defaults());
        Tensor input = Tensors.of(TestModels.randomRows(20, 4, 4));
        Map<String, Tensor> all = s.run(Map.of("input", input));
        Map<String, Tensor> some = s.run(Map.of("input", input), Map.of(), List.of("probabilities"));
        assertEquals(java.util.Set.of("probabilities"), some.keySet());
        assertArrayEquals(Tensors.toDoubles(all.get("probabilities")), Tensors.toDoubles(some.get("probabilities")));
        assertThrows(InvalidInputException.class, () -> s.run(Map.of("input", input), Map.of(), List.of("centred")));
    }

    @Test
    void emptyBatchGivesEmptyOutputs() {
        Map<String, Tensor> out = session(SessionOptions.defaults()).run(Map.of("input", Tensors.of(DType.FLOAT64, Shape.of(0, 4))));
        assertEquals(Shape.of(0, 3), out.get("scores").shape());
    }

    @Test
    void outputsCanBeWrittenIntoCallerBuffers() {
        Session s = session(SessionOptions.defaults());
        Tensor input = Tensors.of(TestModels.randomRows(3, 4, 9));
        Tensor buffer = Tensors.of(DType.FLOAT64, Shape.of(3, 3), new double[9]);
        Map<String, Tensor> out = s.run(Map.of("input", input), Map.of("scores", buffer));
        assertTrue(out.get("scores") == buffer);
        assertArrayEquals(Tensors.toDoubles(s.run(Map.of("input", input)).get("scores")), Tensors.toDoubles(buffer));
        assertThrows(InvalidInputException.class,
                () -> s.run(Map.of("input", input), Map.of("scores", Tensors.of(DType.FLOAT64, Shape.of(2, 3), new double[6]))));
    }

    @Test
    void stringInputsAreSplitByRowsLikeNumbers() {
        org.mleruntime.ir.Graph g = new org.mleruntime.ir.Graph(
                List.of(new org.mleruntime.ir.ValueInfo("city", DType.STRING, Shape.of(-1, 1))),
                List.of(new org.mleruntime.ir.ValueInfo("code", DType.FLOAT64, Shape.of(-1, 1))),
                Map.of("keys", Tensors.strings(Shape.of(2), "a", "b"), "codes", Tensors.of(DType.FLOAT64, Shape.of(2), 10, 20),
                        "offsets", Tensors.of(DType.INT64, Shape.of(2), 0, 2)),
                List.of(TestModels.node("map", "CategoryMap", List.of("city", "keys", "codes", "offsets"), List.of("code"),
                        Map.of("on_unknown", new org.mleruntime.ir.Attribute.Str("code"),
                                "unknown_codes", new org.mleruntime.ir.Attribute.Floats(new double[] {-1}),
                                "missing_keys", new org.mleruntime.ir.Attribute.Ints(new long[] {-1})))));
        int rows = 5000;
        String[] cities = new String[rows];
        for (int i = 0; i < rows; i++) {
            cities[i] = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : null;
        }
        Session session = new Session(g, CpuBackend.defaultBackend(), SessionOptions.defaults().withThreads(4), () -> {});
        double[] codes = Tensors.toDoubles(session.run(Map.of("city", Tensors.strings(Shape.of(rows, 1), cities))).get("code"));
        for (int i = 0; i < rows; i++) {
            assertEquals(i % 3 == 0 ? 10 : i % 3 == 1 ? 20 : -1, codes[i], "row " + i);
        }
    }

    @Test
    void aBatchWhoseIntermediatesExceedTheScratchLimitRunsInPartsWithTheSameRows() {
        int width = 1 << 20;
        double[] weights = new double[width];
        for (int k = 0; k < width; k++) {
            weights[k] = k % 7 - 3;
        }
        org.mleruntime.ir.Graph g = new org.mleruntime.ir.Graph(
                List.of(new org.mleruntime.ir.ValueInfo("documents", DType.STRING, Shape.of(-1))),
                List.of(new org.mleruntime.ir.ValueInfo("scores", DType.FLOAT64, Shape.of(-1, 1))),
                Map.of("w", Tensors.of(DType.FLOAT64, Shape.of(width, 1), weights)),
                List.of(TestModels.node("counts", "HashedTokenCounts", List.of("documents"), List.of("tf"),
                                Map.of("n_features", new org.mleruntime.ir.Attribute.Int(width))),
                        TestModels.node("linear", "MatMul", List.of("tf", "w"), List.of("scores"), Map.of())));
        // Unoptimised, so that the 8 MiB rows of counts are written: 20 documents need 160 MiB of scratch, run in parts of 8.
        Session session = new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {});
        String[] documents = new String[20];
        for (int i = 0; i < documents.length; i++) {
            documents[i] = "document " + i + " with words " + "w".repeat(i + 2) + " and more words";
        }
        assertTrue(20L * width * Double.BYTES > Session.SCRATCH_RUN_BYTES);
        double[] together = Tensors.toDoubles(session.run(Map.of("documents", Tensors.strings(Shape.of(20), documents))).get("scores"));
        for (int i = 0; i < documents.length; i++) {
            double alone = Tensors.toDoubles(session.run(Map.of("documents", Tensors.strings(Shape.of(1), documents[i]))).get("scores"))[0];
            assertEquals(alone, together[i], "document " + i);
        }
    }
}
