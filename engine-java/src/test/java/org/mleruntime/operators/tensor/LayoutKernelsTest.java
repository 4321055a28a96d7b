package org.mleruntime.operators.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.MleException;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.operators.OperatorHarness;
import org.mleruntime.planner.ShapeInference;

/** The data-movement operators against numpy's results for the same arrays, worked out by hand. */
@Tag("kernels")
class LayoutKernelsTest {
    /** numpy.arange(24).reshape(2, 3, 4) */
    private static Tensor arange() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i;
        }
        return Tensors.of(DType.FLOAT32, Shape.of(2, 3, 4), v);
    }

    private static Tensor ints(long... v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return Tensors.of(DType.INT64, Shape.of(v.length), d);
    }

    @Test
    void transposeGatherAndSlice() {
        Tensor t = OperatorHarness.run("Transpose", Map.of("perm", new Attribute.Ints(new long[] {0, 2, 1})), arange());
        assertArrayEquals(new long[] {2, 4, 3}, t.shape().dims());
        // x.transpose(0, 2, 1)[0, 1] == [1, 5, 9]
        assertArrayEquals(new double[] {1, 5, 9}, Arrays.copyOfRange(Tensors.toDoubles(t), 3, 6));
        Tensor g = OperatorHarness.run("Gather", Map.of("axis", new Attribute.Int(2)), arange(), ints(3, -4));
        // x.take([3, -4], axis=2)[1] == [[15, 12], [19, 16], [23, 20]]
        assertArrayEquals(new double[] {15, 12, 19, 16, 23, 20}, Arrays.copyOfRange(Tensors.toDoubles(g), 6, 12));
        Tensor s = OperatorHarness.run("Slice", Map.of(), arange(), ints(2, -1), ints(0, -100), ints(1, 2), ints(-1, -2));
        // x[:, 2:0:-1, -1::-2]
        assertArrayEquals(new double[] {11, 9, 7, 5, 23, 21, 19, 17}, Tensors.toDoubles(s));
        assertThrows(InvalidInputException.class, () -> OperatorHarness.run("Gather", Map.of("axis", new Attribute.Int(1)), arange(), ints(3)));
    }

    private static Tensor indices(DType dtype, Shape shape, double... v) {
        return Tensors.of(dtype, shape, v);
    }

    @Test
    void tileRepeatsAlongEveryAxis() {
        Tensor t = OperatorHarness.run("Tile", Map.of(), arange(), ints(2, 1, 3));
        assertArrayEquals(new long[] {4, 3, 12}, t.shape().dims());
        double[] x = Tensors.toDoubles(arange());
        double[] y = Tensors.toDoubles(t);
        // numpy.tile(x, (2, 1, 3))[i, j, k] == x[i % 2, j, k % 4]
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 12; k++) {
                    assertEquals(x[(i % 2) * 12 + j * 4 + k % 4], y[(i * 3 + j) * 12 + k], "y[" + i + ", " + j + ", " + k + "]");
                }
            }
        }
        assertEquals(0, OperatorHarness.run("Tile", Map.of(), arange(), ints(1, 0, 1)).elementCount());
        assertThrows(MleException.class, () -> OperatorHarness.run("Tile", Map.of(), arange(), ints(1, -1, 1)));
        assertThrows(MleException.class, () -> OperatorHarness.run("Tile", Map.of(), arange(), ints(1, 2)));
    }

    @Test
    void gatherElementsTakesAlongAnAxis() {
        Map<String, Attribute> axis1 = Map.of("axis", new Attribute.Int(1));
        Tensor onAxis1 = OperatorHarness.run("GatherElements", axis1, arange(), indices(DType.INT64, Shape.of(2, 1, 4), 2, 0, -1, 1, -3, 1, 1, 0));
        // numpy.take_along_axis(x, numpy.array([[[2, 0, -1, 1]], [[-3, 1, 1, 0]]]) % 3, axis=1)
        assertArrayEquals(new long[] {2, 1, 4}, onAxis1.shape().dims());
        assertArrayEquals(new double[] {8, 1, 10, 7, 12, 17, 18, 15}, Tensors.toDoubles(onAxis1));
        Tensor smaller = OperatorHarness.run("GatherElements", Map.of("axis", new Attribute.Int(-1)), arange(),
                indices(DType.INT32, Shape.of(2, 2, 1), 3, -1, 0, -4));
        // indices smaller than x off the axis read its leading corner: take_along_axis(x[:, :2], [[[3], [3]], [[0], [0]]], axis=2)
        assertArrayEquals(new double[] {3, 7, 12, 16}, Tensors.toDoubles(smaller));
        InvalidInputException outside = assertThrows(InvalidInputException.class,
                () -> OperatorHarness.run("GatherElements", axis1, arange(), indices(DType.INT64, Shape.of(2, 1, 4), 0, 0, 3, 0, 0, 0, 0, 0)));
        assertTrue(outside.getMessage().contains("index 3 at position 2") && outside.getMessage().contains("GatherElements"), outside.getMessage());
        // x's rows are symbolic until the run, which has fewer than the indices
        assertThrows(InvalidInputException.class, () -> OperatorHarness.run("GatherElements", axis1, arange(), indices(DType.INT64, Shape.of(3, 1, 1), 0, 0, 0)));
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("GatherElements", Map.of("axis", new Attribute.Int(2)), arange(),
                indices(DType.INT64, Shape.of(1, 4, 1), 0, 0, 0, 0)));
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("GatherElements", axis1, arange(), ints(0)));
    }

    @Test
    void gatherNdPicksSlicesByIndexTuples() {
        Tensor rows = OperatorHarness.run("GatherND", Map.of(), arange(), indices(DType.INT64, Shape.of(2, 2), 1, 2, 0, -1));
        // [x[1, 2], x[0, -1]]
        assertArrayEquals(new long[] {2, 4}, rows.shape().dims());
        assertArrayEquals(new double[] {20, 21, 22, 23, 8, 9, 10, 11}, Tensors.toDoubles(rows));
        Tensor elements = OperatorHarness.run("GatherND", Map.of(), arange(), indices(DType.INT32, Shape.of(2, 3), 0, 1, 3, 1, 2, -4));
        // [x[0, 1, 3], x[1, 2, -4]]
        assertArrayEquals(new double[] {7, 20}, Tensors.toDoubles(elements));
        Map<String, Attribute> perBatch = Map.of("batch_dims", new Attribute.Int(1));
        Tensor batched = OperatorHarness.run("GatherND", perBatch, arange(), indices(DType.INT64, Shape.of(2, 1), 2, 0));
        // [x[0][2], x[1][0]]
        assertArrayEquals(new long[] {2, 4}, batched.shape().dims());
        assertArrayEquals(new double[] {8, 9, 10, 11, 12, 13, 14, 15}, Tensors.toDoubles(batched));
        InvalidInputException outside = assertThrows(InvalidInputException.class,
                () -> OperatorHarness.run("GatherND", Map.of(), arange(), indices(DType.INT64, Shape.of(1, 2), 0, 3)));
        assertTrue(outside.getMessage().contains("index 3 at position 1") && outside.getMessage().contains("GatherND"), outside.getMessage());
        assertThrows(InvalidInputException.class, () -> OperatorHarness.run("GatherND", perBatch, arange(), indices(DType.INT64, Shape.of(3, 1), 0, 0, 0)));
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("GatherND", Map.of(), arange(), indices(DType.INT64, Shape.of(1, 4), 0, 0, 0, 0)));
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("GatherND", Map.of("batch_dims", new Attribute.Int(1)), arange(), ints(0)));
    }

    /** The mask arithmetic of a Hugging Face encoder exported with dynamic batch and sequence. */
    @Test
    void gathersKeepSymbolicSizes() {
        Shape batchBySeq = new Shape(new long[] {Shape.BATCH, Shape.BATCH}, new String[] {"batch", "seq"});
        Shape tuples = new Shape(new long[] {Shape.BATCH, 1, Shape.BATCH, 2}, new String[] {"batch", null, "seq", null});
        Shape positions = new Shape(new long[] {1, Shape.BATCH}, new String[] {null, "seq"});
        Graph g = new Graph(
                List.of(new ValueInfo("mask", DType.BOOL, batchBySeq), new ValueInfo("tuples", DType.INT64, tuples),
                        new ValueInfo("positions", DType.INT64, positions)),
                List.of(), Map.of("table", Tensors.of(DType.INT64, Shape.of(1, 64), new double[64])),
                List.of(TestModels.node("nd", "GatherND", List.of("mask", "tuples"), List.of("picked"), Map.of()),
                        TestModels.node("el", "GatherElements", List.of("table", "positions"), List.of("ids"), Map.of("axis", new Attribute.Int(1)))));
        Map<String, ValueInfo> types = ShapeInference.infer(g);
        assertEquals(new Shape(new long[] {Shape.BATCH, 1, Shape.BATCH}, new String[] {"batch", null, "seq"}), types.get("picked").shape());
        assertEquals(DType.BOOL, types.get("picked").dtype());
        assertEquals(positions, types.get("ids").shape());
    }

    @Test
    void expandWhereAndShape() {
        Tensor row = Tensors.of(DType.FLOAT32, Shape.of(2, 1), 1, 2);
        Tensor e = OperatorHarness.run("Expand", Map.of(), row, ints(1, 3));
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, Tensors.toDoubles(e));
        Tensor cond = Tensors.of(DType.BOOL, Shape.of(2, 2), 1, 0, 0, 1);
        Tensor w = OperatorHarness.run("Where", Map.of(), cond, Tensors.of(DType.FLOAT32, Shape.of(2), 10, 20), Tensors.of(DType.FLOAT32, Shape.of(), -1));
        assertArrayEquals(new double[] {10, -1, -1, 20}, Tensors.toDoubles(w));
        assertArrayEquals(new double[] {2, 3, 4}, Tensors.toDoubles(OperatorHarness.run("Shape", Map.of(), arange())));
    }

    @Test
    void reductionsComparisonsAndIntegers() {
        Tensor mean = OperatorHarness.run("ReduceMean", Map.of("axes", new Attribute.Ints(new long[] {1, 2}), "keepdims", new Attribute.Int(0)), arange());
        assertArrayEquals(new double[] {5.5, 17.5}, Tensors.toDoubles(mean));
        Tensor max = OperatorHarness.run("ReduceMax", Map.of("axes", new Attribute.Ints(new long[] {-2})), arange());
        assertArrayEquals(new long[] {2, 1, 4}, max.shape().dims());
        assertArrayEquals(new double[] {8, 9, 10, 11, 20, 21, 22, 23}, Tensors.toDoubles(max));
        Tensor lse = OperatorHarness.run("ReduceLogSumExp", Map.of("axes", new Attribute.Ints(new long[] {1})), Tensors.of(DType.FLOAT64, Shape.of(1, 2), 1000, 1000));
        assertArrayEquals(new double[] {1000 + Math.log(2)}, Tensors.toDoubles(lse), 1e-12);
        Tensor a = Tensors.of(DType.INT64, Shape.of(1, 4), -7, 7, 9, 2);
        Tensor b = Tensors.of(DType.INT64, Shape.of(4), 2, -2, 3, 5);
        assertArrayEquals(new double[] {-3, -3, 3, 0}, Tensors.toDoubles(OperatorHarness.run("Div", Map.of(), a, b)));
        assertArrayEquals(new double[] {1, -1, 0, 2}, Tensors.toDoubles(OperatorHarness.run("Mod", Map.of(), a, b)));
        assertArrayEquals(new double[] {0, 0, 1, 0}, Tensors.toDoubles(OperatorHarness.run("Equal", Map.of(), a, Tensors.of(DType.INT64, Shape.of(), 9))));
        Tensor f = Tensors.of(DType.FLOAT32, Shape.of(1, 3), 1, Double.NaN, -2);
        assertTrue(Double.isNaN(Tensors.toDoubles(OperatorHarness.run("Max", Map.of(), f, Tensors.of(DType.FLOAT32, Shape.of(), 0)))[1]));
    }
}
