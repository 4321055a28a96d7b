package org.mleruntime.operators.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.operators.OperatorHarness;

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
