package org.mleruntime.operators.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
import org.mleruntime.operators.OperatorHarness;

/** The int8 hot loop of every available implementation, and the Dequantize and QGemm kernels, against plain references. */
@Tag("kernels")
class QuantizedKernelsTest {
    private static final Random RANDOM = new Random(7);

    static Stream<MathKernels> implementations() {
        return OperatorHarness.hotLoops();
    }

    private static Tensor random(DType t, long... dims) {
        Shape shape = Shape.of(dims);
        Tensor x = Tensor.numeric(t, shape, Arena.ofAuto().allocate(Math.max(1, shape.elementCount() * t.byteSize()), 64)
                .asSlice(0, shape.elementCount() * t.byteSize()));
        for (long i = 0; i < x.elementCount(); i++) {
            x.setDouble(i, t == DType.INT8 ? RANDOM.nextInt(255) - 127 : RANDOM.nextGaussian());
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void int8GemmMatchesReference(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int[] dims : new int[][] {{1, 1, 1}, {3, 7, 2}, {2, 64, 3}, {5, 131, 4}, {1, 200, 9}, {4, 256, 1}}) {
                int n = dims[0], k = dims[1], m = dims[2];
                Tensor a = random(t, n, k);
                Tensor q = random(DType.INT8, m, k);
                Tensor scale = random(t, m);
                Tensor bias = random(t, m);
                Tensor c = random(t, n, m);
                math.gemmInt8TransB(t, a.data(), q.data(), scale.data(), bias.data(), m, c.data(), n, k, m);
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < m; j++) {
                        double sum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += a.getDouble((long) r * k + p) * q.getDouble((long) j * k + p);
                        }
                        double expected = sum * scale.getDouble(j) + bias.getDouble(j);
                        double tolerance = (t == DType.FLOAT64 ? 1e-12 : 1e-4) * Math.max(1, Math.abs(sum * scale.getDouble(j)) + k);
                        assertEquals(expected, c.getDouble((long) r * m + j), tolerance, math.name() + " " + t + " " + n + "x" + k + "x" + m);
                    }
                }
            }
        }
    }

    @Test
    void dequantizeScalesEachChannelAlongItsAxis() {
        Tensor q = Tensors.of(DType.INT8, Shape.of(2, 3), 1, -2, 3, 127, 0, -127);
        Tensor scale = Tensors.of(DType.FLOAT64, Shape.of(3), 0.5, 0.25, 2);
        Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(2, 3));
        Node axis1 = TestModels.node("d", "Dequantize", List.of("q", "s"), List.of("y"), Map.of("axis", new Attribute.Int(1)));
        QuantizedKernels.dequantize(axis1).compute(new Tensor[] {q, scale}, new Tensor[] {y});
        assertEquals(List.of(0.5, -0.5, 6.0, 63.5, 0.0, -254.0), toList(y));

        Tensor half = Tensors.of(DType.FLOAT16, Shape.of(3), 0.1, 65504, -3.5);
        Tensor f = Tensors.zeros(DType.FLOAT32, Shape.of(3));
        Node fp16 = TestModels.node("h", "Dequantize", List.of("x"), List.of("y"), Map.of("to", new Attribute.Str("float32")));
        QuantizedKernels.dequantize(fp16).compute(new Tensor[] {half}, new Tensor[] {f});
        assertEquals(List.of((double) Float.float16ToFloat(Float.floatToFloat16(0.1f)), 65504.0, -3.5), toList(f));
    }

    @Test
    void qgemmReadsLargeWeightsInPlaceAndDequantizesSmallOnesOnce() {
        MathKernels math = MathKernelsProvider.selected();
        for (int k : new int[] {4, 1024}) {
            int m = k == 4 ? 3 : 200;
            Tensor q = random(DType.INT8, m, k);
            Tensor scale = random(DType.FLOAT64, m);
            Tensor a = random(DType.FLOAT64, 2, k);
            Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(2, m));
            Kernel kernel = QuantizedKernels.qgemm(math, DType.FLOAT64, java.util.Arrays.asList(null, q, scale));
            kernel.compute(new Tensor[] {a, q, scale}, new Tensor[] {y});
            boolean inPlace = (long) m * k * 8 > QuantizedKernels.DEQUANTIZE_AT_MOST_BYTES;
            assertEquals(k == 1024, inPlace);
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < m; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += a.getDouble((long) r * k + p) * q.getDouble((long) j * k + p) * scale.getDouble(j);
                    }
                    assertEquals(sum, y.getDouble((long) r * m + j), 1e-11 * k);
                }
            }
        }
    }

    @Test
    void float32QgemmReadsInt8ForFewRowsAndAPackedFloatCopyForMany() {
        MathKernels math = MathKernelsProvider.selected();
        int k = 1024;
        for (int m : new int[] {20, 300}) {
            Tensor q = random(DType.INT8, m, k);
            Tensor scale = random(DType.FLOAT32, m);
            Tensor bias = random(DType.FLOAT32, m);
            Kernel kernel = QuantizedKernels.qgemm(math, DType.FLOAT32, java.util.Arrays.asList(null, q, scale, bias));
            for (int rows : new int[] {1, QuantizedKernels.PACKED_FROM_ROWS - 1, QuantizedKernels.PACKED_FROM_ROWS, 37}) {
                Tensor a = random(DType.FLOAT32, rows, k);
                Tensor y = Tensors.zeros(DType.FLOAT32, Shape.of(rows, m));
                kernel.compute(new Tensor[] {a, q, scale, bias}, new Tensor[] {y});
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < m; j++) {
                        double sum = bias.getDouble(j);
                        double magnitude = Math.abs(sum);
                        for (int p = 0; p < k; p++) {
                            double term = a.getDouble((long) r * k + p) * (float) (q.getDouble((long) j * k + p) * (float) scale.getDouble(j));
                            sum += term;
                            magnitude += Math.abs(term);
                        }
                        assertEquals(sum, y.getDouble((long) r * m + j), 1e-5 * magnitude, "m=" + m + " rows=" + rows);
                    }
                }
            }
        }
    }

    private static List<Double> toList(Tensor t) {
        return java.util.Arrays.stream(Tensors.toDoubles(t)).boxed().toList();
    }
}
