package org.mleruntime.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.ShapeRules;

/**
 * A graph with a symbolic sequence length as exporters write one: its sizes computed from the input
 * (Shape, Gather, Unsqueeze, Concat, Reshape) and a batched product, run at two lengths against a
 * direct computation.
 */
class SymbolicShapesTest {
    private static final int FEATURES = 4;
    private static final int HIDDEN = 3;

    /** y[b] = mean over t of softmax(x[b, t] · W) flattened through a computed reshape. */
    private static Graph graph(double[] w) {
        Shape x = new Shape(new long[] {Shape.BATCH, Shape.BATCH, FEATURES}, new String[] {"batch", "seq", null});
        Map<String, Tensor> constants = Map.of(
                "w", Tensors.of(DType.FLOAT32, Shape.of(FEATURES, HIDDEN), w),
                "zero", Tensors.of(DType.INT64, Shape.of(), 0),
                "minus_one", Tensors.of(DType.INT64, Shape.of(1), -1));
        return new Graph(List.of(new ValueInfo("x", DType.FLOAT32, x)),
                List.of(new ValueInfo("y", DType.FLOAT32, new Shape(new long[] {Shape.BATCH, HIDDEN}, new String[] {"batch", null}))),
                constants,
                List.of(TestModels.node("mm", "MatMul", List.of("x", "w"), List.of("h"), Map.of()),
                        TestModels.node("sm", "Softmax", List.of("h"), List.of("p"), Map.of("axis", new Attribute.Int(-1))),
                        TestModels.node("shape", "Shape", List.of("p"), List.of("dims"), Map.of()),
                        TestModels.node("first", "Gather", List.of("dims", "zero"), List.of("b"), Map.of()),
                        TestModels.node("unsq", "Unsqueeze", List.of("b"), List.of("b1"), Map.of("axes", new Attribute.Ints(new long[] {0}))),
                        TestModels.node("cat", "Concat", List.of("b1", "minus_one"), List.of("target"), Map.of("axis", new Attribute.Int(0))),
                        TestModels.node("flat", "Reshape", List.of("p", "target"), List.of("f"), Map.of()),
                        TestModels.node("back", "Reshape", List.of("f", "dims"), List.of("p2"), Map.of()),
                        TestModels.node("mean", "ReduceMean", List.of("p2"), List.of("y"),
                                Map.of("axes", new Attribute.Ints(new long[] {1}), "keepdims", new Attribute.Int(0)))));
    }

    private static double[] expected(double[] x, double[] w, int batch, int seq) {
        double[] y = new double[batch * HIDDEN];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                double[] h = new double[HIDDEN];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < HIDDEN; j++) {
                    for (int f = 0; f < FEATURES; f++) {
                        h[j] += x[(b * seq + t) * FEATURES + f] * w[f * HIDDEN + j];
                    }
                    max = Math.max(max, h[j]);
                }
                double sum = 0;
                for (int j = 0; j < HIDDEN; j++) {
                    sum += Math.exp(h[j] - max);
                }
                for (int j = 0; j < HIDDEN; j++) {
                    y[b * HIDDEN + j] += Math.exp(h[j] - max) / sum / seq;
                }
            }
        }
        return y;
    }

    @Test
    void runsAtEverySequenceLengthWithItsOwnPlan() {
        Random random = new Random(3);
        double[] w = random.doubles(FEATURES * HIDDEN, -1, 1).toArray();
        Session session = new Session(graph(w), CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> {});
        assertEquals("[batch, seq, 4]", session.inputs().getFirst().shape().toString());
        for (int[] size : new int[][] {{2, 5}, {3, 7}, {2, 5}, {1, 1}}) {
            double[] x = random.doubles((long) size[0] * size[1] * FEATURES, -2, 2).toArray();
            Tensor input = Tensors.of(DType.FLOAT32, Shape.of(size[0], size[1], FEATURES), x);
            Tensor y = session.run(Map.of("x", input)).get("y");
            assertArrayEquals(new long[] {size[0], HIDDEN}, y.shape().dims());
            assertArrayEquals(expected(Tensors.toDoubles(input), w, size[0], size[1]), Tensors.toDoubles(y), 1e-5);
        }
    }

    @Test
    void aDimensionNamedTwiceMustAgree() {
        Shape s = new Shape(new long[] {Shape.BATCH, Shape.BATCH}, new String[] {"batch", "seq"});
        Graph g = new Graph(List.of(new ValueInfo("a", DType.FLOAT32, s), new ValueInfo("b", DType.FLOAT32, s)),
                List.of(new ValueInfo("c", DType.FLOAT32, s)), Map.of(),
                List.of(TestModels.node("add", "Add", List.of("a", "b"), List.of("c"), Map.of())));
        Session session = new Session(g, CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> {});
        Tensor a = Tensors.of(DType.FLOAT32, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, Tensors.toDoubles(session.run(Map.of("a", a, "b", a)).get("c")));
        Tensor longer = Tensors.of(DType.FLOAT32, Shape.of(2, 4), new double[8]);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> session.run(Map.of("a", a, "b", longer)));
        assertTrue(e.getMessage().contains("dimension 'seq' is 3 in input 'a' but 4 in input 'b'"), e.getMessage());
    }

    /** An output whose size a model's constants make absurd is refused with its name and shape, not an internal error. */
    @Test
    void anOutputTooLargeToAllocateIsRefusedByName() {
        Graph g = new Graph(List.of(new ValueInfo("x", DType.FLOAT32, new Shape(new long[] {Shape.BATCH}, new String[] {"n"}))),
                List.of(new ValueInfo("y", DType.FLOAT32, ShapeRules.unknown(2))),
                Map.of("target", Tensors.of(DType.INT64, Shape.of(2), 3_000_000_000L, 1)),
                List.of(TestModels.node("grow", "Expand", List.of("x", "target"), List.of("y"), Map.of())));
        Session session = new Session(g, CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> { });
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> session.run(Map.of("x", Tensors.of(DType.FLOAT32, Shape.of(1), 1))));
        assertTrue(e.getMessage().contains("output 'y'") && e.getMessage().contains("3000000000"), e.getMessage());
    }

    /** A convolution and a pooling over a sequence of any length keep the batch's name and leave the length to each run. */
    @Test
    void windowsOverASymbolicLengthArePlannedPerRun() {
        Shape x = new Shape(new long[] {Shape.BATCH, 2, Shape.BATCH}, new String[] {"batch", null, "seq"});
        Graph g = new Graph(List.of(new ValueInfo("x", DType.FLOAT32, x)),
                List.of(new ValueInfo("y", DType.FLOAT32, new Shape(new long[] {Shape.BATCH, 3, 1}, new String[] {"batch", null, null}))),
                Map.of("w", Tensors.of(DType.FLOAT32, Shape.of(3, 2, 3), new double[18])),
                List.of(TestModels.node("conv", "Conv", List.of("x", "w"), List.of("h"), Map.of()),
                        TestModels.node("pool", "GlobalMaxPool", List.of("h"), List.of("y"), Map.of())));
        Map<String, ValueInfo> types = org.mleruntime.planner.ShapeInference.infer(g);
        Shape h = types.get("h").shape();
        assertEquals("batch", h.symbol(0));
        assertTrue(h.isSymbolic(2) && h.dim(1) == 3, h.toString());
        Session session = new Session(g, CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> { });
        for (int length : new int[] {3, 11}) {
            Map<String, Tensor> out = session.run(Map.of("x", Tensors.of(DType.FLOAT32, Shape.of(2, 2, length), new double[4 * length])));
            assertEquals(Shape.of(2, 3, 1), out.get("y").shape());
        }
        assertThrows(InvalidInputException.class, () -> session.run(Map.of("x", Tensors.of(DType.FLOAT32, Shape.of(1, 2, 2), new double[4]))),
                "a sequence shorter than the window is refused when the run is planned");
    }
}
