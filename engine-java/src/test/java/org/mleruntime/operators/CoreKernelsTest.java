package org.mleruntime.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.operators.linear.GemmKernels;
import org.mleruntime.operators.math.ElementwiseKernels;
import org.mleruntime.operators.preprocessing.ScalerKernel;
import org.mleruntime.operators.tensor.TensorKernels;

/** Each operator's CPU kernel against values worked out by hand or by a direct loop. */
@Tag("kernels")
class CoreKernelsTest {
    private static final MathKernels MATH = MathKernelsProvider.selected();

    private static Tensor run(Kernel k, Tensor out, Tensor... in) {
        k.compute(in, new Tensor[] {out});
        return out;
    }

    private static Tensor zeros(DType t, long... shape) {
        return Tensors.of(t, Shape.of(shape), new double[(int) Shape.of(shape).elementCount()]);
    }

    private static Node node(String op, Map<String, Attribute> attrs) {
        return TestModels.node("n", op, List.of(), List.of("y"), attrs);
    }

    @Test
    void binaryBroadcastsLikeNumpy() {
        Tensor a = Tensors.of(DType.FLOAT64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor col = Tensors.of(DType.FLOAT64, Shape.of(2, 1), 10, 20);
        assertArrayEquals(new double[] {11, 12, 13, 24, 25, 26},
                Tensors.toDoubles(run(ElementwiseKernels.binary(node("Add", Map.of()), MATH), zeros(DType.FLOAT64, 2, 3), a, col)));
        Tensor row = Tensors.of(DType.FLOAT64, Shape.of(3), 1, 2, 4);
        assertArrayEquals(new double[] {1, 1, 0.75, 4, 2.5, 1.5},
                Tensors.toDoubles(run(ElementwiseKernels.binary(node("Div", Map.of()), MATH), zeros(DType.FLOAT64, 2, 3), a, row)));
        Tensor one = Tensors.of(DType.FLOAT64, Shape.of(), 1);
        assertArrayEquals(new double[] {0, -1, -2, -3, -4, -5},
                Tensors.toDoubles(run(ElementwiseKernels.binary(node("Sub", Map.of()), MATH), zeros(DType.FLOAT64, 2, 3), one, a)));
        Tensor gt = run(ElementwiseKernels.binary(node("Greater", Map.of()), MATH), zeros(DType.BOOL, 2, 3), a,
                Tensors.of(DType.FLOAT64, Shape.of(), 3.5));
        assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1}, Tensors.toDoubles(gt));
    }

    @Test
    void float32ArithmeticRoundsLikeNumpy() {
        Tensor a = Tensors.of(DType.FLOAT32, Shape.of(1, 2), 0.1, 1e8);
        Tensor b = Tensors.of(DType.FLOAT32, Shape.of(2), 0.2, 1);
        Tensor y = run(ElementwiseKernels.binary(node("Add", Map.of()), MATH), zeros(DType.FLOAT32, 1, 2), a, b);
        assertEquals(0.1f + 0.2f, (float) y.getDouble(0));
        assertEquals(1e8f + 1f, (float) y.getDouble(1));
    }

    @Test
    void unaryFunctions() {
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(1, 4), -2, 0, 3, Double.NaN);
        assertArrayEquals(new double[] {0, 0, 3, Double.NaN}, Tensors.toDoubles(run(ElementwiseKernels.unary(node("Relu", Map.of()), MATH), zeros(DType.FLOAT64, 1, 4), x)));
        double[] s = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Sigmoid", Map.of()), MATH), zeros(DType.FLOAT64, 1, 4), x));
        assertEquals(1 / (1 + Math.exp(2)), s[0]);
        assertEquals(0.5, s[1]);
        double[] t = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Tanh", Map.of()), MATH), zeros(DType.FLOAT64, 1, 4), x));
        assertEquals(Math.tanh(3), t[2]);
    }

    @Test
    void unaryFunctionsOverSeveralChunksAndInFloat32() {
        int n = 2500;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = i % 97 == 0 ? Double.NaN : (i - 1250) / 100.0;
        }
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(n / 100, 100), values);
        double[] e = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Exp", Map.of()), MATH), zeros(DType.FLOAT64, n / 100, 100), x));
        Tensor x32 = Tensors.of(DType.FLOAT32, Shape.of(n / 100, 100), values);
        double[] e32 = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Exp", Map.of()), MATH), zeros(DType.FLOAT32, n / 100, 100), x32));
        for (int i = 0; i < n; i++) {
            assertEquals(Math.exp(values[i]), e[i], 0.0);
            assertEquals((float) Math.exp((float) values[i]), (float) e32[i], 0.0f);
        }
    }

    @Test
    void cosineAndSineAreJavasOwnInBothDtypes() {
        double[] values = {0, -0.0, Math.PI / 2, -Math.PI, 1e-300, 12.5, -1e6, 3e15, Double.POSITIVE_INFINITY, Double.NaN};
        int n = values.length;
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(2, n / 2), values);
        Tensor x32 = Tensors.of(DType.FLOAT32, Shape.of(2, n / 2), values);
        double[] cos = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Cos", Map.of()), MATH), zeros(DType.FLOAT64, 2, n / 2), x));
        double[] sin = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Sin", Map.of()), MATH), zeros(DType.FLOAT64, 2, n / 2), x));
        double[] cos32 = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Cos", Map.of()), MATH), zeros(DType.FLOAT32, 2, n / 2), x32));
        double[] sin32 = Tensors.toDoubles(run(ElementwiseKernels.unary(node("Sin", Map.of()), MATH), zeros(DType.FLOAT32, 2, n / 2), x32));
        for (int i = 0; i < n; i++) {
            assertEquals(Math.cos(values[i]), cos[i], 0.0);
            assertEquals(Math.sin(values[i]), sin[i], 0.0);
            assertEquals((float) Math.cos((float) values[i]), (float) cos32[i], 0.0f);
            assertEquals((float) Math.sin((float) values[i]), (float) sin32[i], 0.0f);
        }
        // The sign of zero survives the sine, and infinity has no cosine or sine.
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(sin[1]));
        assertEquals(Double.NaN, cos[8]);
        assertEquals(Double.NaN, sin[8]);
    }

    @Test
    void isNanAndIsInf() {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor x = Tensors.of(dtype, Shape.of(1, 4), Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1);
            Tensor nan = OperatorHarness.run("IsNaN", Map.of(), x);
            assertEquals(DType.BOOL, nan.dtype());
            assertArrayEquals(new double[] {1, 0, 0, 0}, Tensors.toDoubles(nan));
            assertArrayEquals(new double[] {0, 1, 1, 0}, Tensors.toDoubles(OperatorHarness.run("IsInf", Map.of(), x)));
            assertArrayEquals(new double[] {0, 1, 0, 0},
                    Tensors.toDoubles(OperatorHarness.run("IsInf", Map.of("detect_negative", new Attribute.Int(0)), x)));
            assertArrayEquals(new double[] {0, 0, 1, 0},
                    Tensors.toDoubles(OperatorHarness.run("IsInf", Map.of("detect_positive", new Attribute.Int(0)), x)));
        }
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("IsNaN", Map.of(), Tensors.of(DType.INT64, Shape.of(1, 2), 1, 2)));
    }

    @Test
    void softmaxReduceSumArgMax() {
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(2, 3), 1, 2, 3, 5, 5, -1);
        double[] p = Tensors.toDoubles(run(ElementwiseKernels.softmax(node("Softmax", Map.of()), false, MATH), zeros(DType.FLOAT64, 2, 3), x));
        double z = Math.exp(-2) + Math.exp(-1) + 1;
        assertEquals(1 / z, p[2], 1e-15);
        assertEquals(p[3], p[4]);
        assertArrayEquals(new double[] {6, 9}, Tensors.toDoubles(run(ElementwiseKernels.reduceSum(), zeros(DType.FLOAT64, 2, 1), x)));
        assertArrayEquals(new double[] {2, 0}, Tensors.toDoubles(run(ElementwiseKernels.argMax(), zeros(DType.INT64, 2), x)),
                "ties go to the first maximum");
        Tensor nan = Tensors.of(DType.FLOAT64, Shape.of(1, 3), 1, Double.NaN, 7);
        assertEquals(1, run(ElementwiseKernels.argMax(), zeros(DType.INT64, 1), nan).getLong(0), "NaN wins, as in numpy");
    }

    @Test
    void scalerModes() {
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(2, 2), 1, 2, 3, 4);
        Tensor o = Tensors.of(DType.FLOAT64, Shape.of(2), 1, 1);
        Tensor s = Tensors.of(DType.FLOAT64, Shape.of(2), 2, 4);
        assertArrayEquals(new double[] {0, 0.25, 1, 0.75},
                Tensors.toDoubles(run(ScalerKernel.create(node("Scaler", Map.of("mode", new Attribute.Str("sub_div"))), MATH), zeros(DType.FLOAT64, 2, 2), x, o, s)));
        assertArrayEquals(new double[] {3, 9, 7, 17},
                Tensors.toDoubles(run(ScalerKernel.create(node("Scaler", Map.of("mode", new Attribute.Str("mul_add"))), MATH), zeros(DType.FLOAT64, 2, 2), x, o, s)));
    }

    @Test
    void castConcatCopyAndLabels() {
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(1, 3), -1.7, 0, 2.9);
        assertArrayEquals(new double[] {-1, 0, 2}, Tensors.toDoubles(run(TensorKernels.cast(), zeros(DType.INT64, 1, 3), x)));
        assertArrayEquals(new double[] {1, 0, 1}, Tensors.toDoubles(run(TensorKernels.cast(), zeros(DType.BOOL, 1, 3), x)));
        Tensor a = Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2);
        Tensor b = Tensors.of(DType.FLOAT64, Shape.of(2, 2), 3, 4, 5, 6);
        assertArrayEquals(new double[] {1, 3, 4, 2, 5, 6},
                Tensors.toDoubles(run(TensorKernels.concat(node("Concat", Map.of())), zeros(DType.FLOAT64, 2, 3), a, b)));
        Tensor labels = Tensors.strings(Shape.of(3), "a", "b", "c");
        Tensor idx = Tensors.of(DType.INT64, Shape.of(4), 2, 0, 1, 2);
        Tensor out = Tensor.strings(Shape.of(4), new String[4], 0);
        TensorKernels.labelMap(labels).compute(new Tensor[] {idx, labels}, new Tensor[] {out});
        assertArrayEquals(new String[] {"c", "a", "b", "c"}, Tensors.toStrings(out));
        Tensor numeric = Tensors.of(DType.INT64, Shape.of(2), 10, 20);
        Tensor bools = Tensors.of(DType.BOOL, Shape.of(2), 1, 0);
        assertArrayEquals(new double[] {20, 10}, Tensors.toDoubles(run(TensorKernels.labelMap(numeric), zeros(DType.INT64, 2), bools, numeric)));
        Tensor bad = Tensors.of(DType.INT64, Shape.of(1), 3);
        assertThrows(InvalidInputException.class, () -> TensorKernels.labelMap(labels).compute(new Tensor[] {bad, labels},
                new Tensor[] {Tensor.strings(Shape.of(1), new String[1], 0)}));
    }

    @Test
    void gemmWithAndWithoutTranspose() {
        Tensor a = Tensors.of(DType.FLOAT64, Shape.of(1, 2), 1, 2);
        Tensor b = Tensors.of(DType.FLOAT64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor c = Tensors.of(DType.FLOAT64, Shape.of(3), 1, 1, 1);
        assertArrayEquals(new double[] {10, 13, 16},
                Tensors.toDoubles(run(GemmKernels.gemm(node("Gemm", Map.of()), MATH, null), zeros(DType.FLOAT64, 1, 3), a, b, c)));
        Tensor bt = Tensors.of(DType.FLOAT64, Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
        assertArrayEquals(new double[] {9, 12, 15},
                Tensors.toDoubles(run(GemmKernels.gemm(node("Gemm", Map.of("transB", new Attribute.Int(1))), MATH, null), zeros(DType.FLOAT64, 1, 3), a, bt)));
    }
}
