package org.mleruntime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/**
 * Each hot loop of every available implementation against a straightforward reference. Runs twice
 * in the build: with the Vector API module (both implementations) and without it (plain only).
 */
@Tag("kernels")
class MathKernelsTest {
    static Stream<MathKernels> implementations() {
        return Stream.of(new PlainMathKernels(), MathKernelsProvider.selected()).distinct();
    }

    private static final Random RANDOM = new Random(42);

    private static MemorySegment random(DType t, int n) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, (long) n * t.byteSize()), 64);
        for (int i = 0; i < n; i++) {
            set(t, s, i, RANDOM.nextGaussian());
        }
        return s;
    }

    private static double get(DType t, MemorySegment s, long i) {
        return t == DType.FLOAT64 ? s.getAtIndex(Tensor.F64, i) : s.getAtIndex(Tensor.F32, i);
    }

    private static void set(DType t, MemorySegment s, long i, double v) {
        if (t == DType.FLOAT64) {
            s.setAtIndex(Tensor.F64, i, v);
        } else {
            s.setAtIndex(Tensor.F32, i, (float) v);
        }
    }

    private static double tolerance(DType t) {
        return t == DType.FLOAT64 ? 1e-12 : 1e-4;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gemmTransBMatchesReference(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int[] dims : new int[][] {{1, 1, 1}, {7, 30, 3}, {33, 17, 5}, {5, 64, 1}, {3, 131, 4}, {2, 3, 9}}) {
                int n = dims[0], k = dims[1], m = dims[2];
                MemorySegment a = random(t, n * k), b = random(t, m * k), bias = random(t, m), c = random(t, n * m);
                math.gemmTransB(t, a, b, bias, m, c, n, k, m);
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < m; j++) {
                        double ref = get(t, bias, j);
                        for (int p = 0; p < k; p++) {
                            ref += get(t, a, (long) r * k + p) * get(t, b, (long) j * k + p);
                        }
                        assertEquals(ref, get(t, c, (long) r * m + j), tolerance(t) * Math.max(1, Math.abs(ref)),
                                math.name() + " " + t + " " + n + "x" + k + "x" + m);
                    }
                }
            }
        }
    }

    @Test
    void gemmGivesTheSameBitsOnEveryPathAndHeapOrNative() {
        MathKernels vector = MathKernelsProvider.selected();
        for (int[] dims : new int[][] {{9, 30, 100}, {5, 100, 50}, {7, 50, 1}, {4, 13, 10}}) {
            int n = dims[0], k = dims[1], m = dims[2];
            MemorySegment a = random(DType.FLOAT64, n * k), b = random(DType.FLOAT64, k * m), bias = random(DType.FLOAT64, m);
            MemorySegment plain = random(DType.FLOAT64, n * m), fast = random(DType.FLOAT64, n * m);
            new PlainMathKernels().gemm(DType.FLOAT64, a, b, bias, m, plain, n, k, m);
            vector.gemm(DType.FLOAT64, a, b, bias, m, fast, n, k, m);
            assertArrayEquals(plain.toArray(ValueLayout.JAVA_DOUBLE), fast.toArray(ValueLayout.JAVA_DOUBLE), n + "x" + k + "x" + m);
        }
    }

    /** Runs of every length around the vector blocks: the same bits as the plain loop, and the definition to float rounding. */
    @Test
    void tapSumsGiveTheSameBitsOnEveryPath() {
        Random random = new Random(5);
        int[] offsets = {0, 1, 2, 40, 41, 42, 80, 81, 82};
        float[] weights = new float[offsets.length];
        float[] x = new float[300];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int n : new int[] {1, 15, 16, 17, 63, 64, 65, 130, 218}) {
            float[] plain = new float[n + 1];
            float[] fast = new float[n + 1];
            plain[n] = fast[n] = 7;
            new PlainMathKernels().tapSums(x, offsets, weights, plain, n);
            MathKernelsProvider.selected().tapSums(x, offsets, weights, fast, n);
            assertArrayEquals(plain, fast, "n = " + n);
            assertEquals(7, fast[n], "past the run stays");
            for (int i = 0; i < n; i++) {
                double expected = 0;
                for (int t = 0; t < offsets.length; t++) {
                    expected += (double) weights[t] * x[offsets[t] + i];
                }
                assertEquals(expected, plain[i], 1e-5, "n = " + n + ", i = " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void stridedCopyTakesEveryStepthValue(MathKernels math) {
        float[] x = new float[200];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        for (int step : new int[] {1, 2, 3}) {
            for (int n : new int[] {0, 5, 16, 33, 60}) {
                float[] out = new float[n + 2];
                math.stridedCopy(x, 3, step, out, 1, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(3 + i * step, out[1 + i], math.name() + " step " + step + ", n " + n);
                }
                assertEquals(0, out[0]);
                assertEquals(0, out[n + 1]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gemmMatchesReference(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int[] dims : new int[][] {{1, 1, 1}, {4, 6, 11}, {9, 3, 16}, {3, 8, 2}, {2, 5, 77}, {13, 70, 35}, {8, 64, 64}}) {
                int n = dims[0], k = dims[1], m = dims[2];
                MemorySegment a = random(t, n * k), b = random(t, k * m), c = random(t, n * m);
                for (int biasLength : new int[] {0, 1, m}) {
                    MemorySegment bias = random(t, Math.max(1, biasLength));
                    math.gemm(t, a, b, bias, biasLength, c, n, k, m);
                    for (int r = 0; r < n; r++) {
                        for (int j = 0; j < m; j++) {
                            double ref = 0;
                            for (int p = 0; p < k; p++) {
                                ref += get(t, a, (long) r * k + p) * get(t, b, (long) p * m + j);
                            }
                            ref += biasLength == 0 ? 0 : get(t, bias, biasLength == 1 ? 0 : j);
                            assertEquals(ref, get(t, c, (long) r * m + j), tolerance(t) * Math.max(1, Math.abs(ref)),
                                    math.name() + " " + t + " " + n + "x" + k + "x" + m + " bias " + biasLength);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void rowBroadcastAndScaleAreExact(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int cols : new int[] {1, 3, 8, 13, 30, 64, 99}) {
                int rows = 5;
                MemorySegment x = random(t, rows * cols), row = random(t, cols), row2 = random(t, cols), out = random(t, rows * cols);
                for (BinaryOp op : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV)) {
                    math.rowBroadcast(op, t, x, row, out, rows, cols);
                    for (int i = 0; i < rows * cols; i++) {
                        double expected = op.apply(get(t, x, i), get(t, row, i % cols));
                        assertEquals(t == DType.FLOAT32 ? (float) expected : expected, get(t, out, i), 0.0, math.name() + " " + op);
                    }
                }
                for (boolean divide : new boolean[] {true, false}) {
                    math.scale(t, divide, x, row, row2, out, rows, cols);
                    for (int i = 0; i < rows * cols; i++) {
                        double v = get(t, x, i), o = get(t, row, i % cols), s = get(t, row2, i % cols);
                        double expected = t == DType.FLOAT64
                                ? (divide ? (v - o) / s : v * s + o)
                                : (divide ? (float) ((float) (v - o) / s) : (float) ((float) (v * s) + o));
                        assertEquals(expected, get(t, out, i), 0.0, math.name() + " scale divide=" + divide);
                    }
                }
            }
        }
    }

    /** Block columns of 64 rows: values on the thresholds, NaN, infinities and random ones. */
    private static double[] treeBlock(int features) {
        double[] block = new double[features * 64];
        double[] special = {0, 1, -1, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
        for (int i = 0; i < block.length; i++) {
            block[i] = RANDOM.nextInt(3) == 0 ? special[RANDOM.nextInt(special.length)] : (float) RANDOM.nextGaussian();
        }
        return block;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void treeComparesMatchTheDefinition(MathKernels math) {
        int features = 5;
        double[] block = treeBlock(features);
        float[] narrow = new float[block.length];
        for (int i = 0; i < block.length; i++) {
            narrow[i] = (float) block[i];
        }
        int splits = 40;
        int[] feature = new int[splits];
        double[] threshold = new double[splits];
        float[] narrowThreshold = new float[splits];
        for (int s = 0; s < splits; s++) {
            feature[s] = RANDOM.nextInt(features) | (RANDOM.nextBoolean() ? 1 << 31 : 0);
            threshold[s] = new double[] {0, 1, -1, 0.5, Double.POSITIVE_INFINITY}[RANDOM.nextInt(5)];
            narrowThreshold[s] = (float) threshold[s];
        }
        for (boolean lessOrEqual : new boolean[] {true, false}) {
            long[] wide = new long[splits - 3];
            long[] narrowMasks = new long[splits - 3];
            math.splitMasks(block, feature, threshold, 3, splits - 3, lessOrEqual, true, wide);
            math.splitMasks(narrow, feature, narrowThreshold, 3, splits - 3, lessOrEqual, true, narrowMasks);
            for (int s = 3; s < splits; s++) {
                long expected = 0;
                for (int r = 0; r < 64; r++) {
                    double v = block[(feature[s] & 0x7FFF_FFFF) * 64 + r];
                    boolean right = Double.isNaN(v) ? feature[s] < 0 : lessOrEqual ? v > threshold[s] : v >= threshold[s];
                    expected |= (right ? 1L : 0L) << r;
                }
                assertEquals(expected, wide[s - 3], math.name() + " split " + s);
                assertEquals(expected, narrowMasks[s - 3], math.name() + " float split " + s);
            }
        }
        int[] bits = new int[64];
        int[] expectedBits = new int[64];
        for (int level = 0; level < 6; level++) {
            double border = threshold[level];
            boolean nanIsOne = level % 2 == 0;
            math.setBitsAbove(block, level * 64 % block.length, border, nanIsOne, level, bits, 61);
            for (int r = 0; r < 61; r++) {
                double v = block[level * 64 % block.length + r];
                expectedBits[r] |= (Double.isNaN(v) ? nanIsOne : v > border) ? 1 << level : 0;
            }
        }
        assertArrayEquals(expectedBits, bits, math.name());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void masksBecomeIndices(MathKernels math) {
        long[] masks = new long[9];
        int[] expected = new int[64];
        for (int r = 0; r < 64; r++) {
            int k = RANDOM.nextInt(7);
            masks[2 + k] |= 1L << r;
            expected[r] = k;
        }
        int[] index = new int[64];
        math.maskToIndex(masks, 2, 7, index);
        assertArrayEquals(expected, index, math.name());
        double[] values = new double[40];
        Arrays.setAll(values, i -> RANDOM.nextGaussian());
        double[] acc = new double[70];
        Arrays.setAll(acc, i -> RANDOM.nextGaussian());
        double[] expectedAcc = acc.clone();
        for (int r = 0; r < 61; r++) {
            expectedAcc[3 + r] += values[5 + index[r]];
        }
        math.gatherAdd(values, 5, index, acc, 3, 61);
        assertArrayEquals(expectedAcc, acc, math.name());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void clipMatchesNumpysClip(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int count : new int[] {0, 1, 7, 64, 131, 1000}) {
                MemorySegment x = random(t, count), out = random(t, count);
                if (count > 3) {
                    set(t, x, 3, Double.NaN);
                }
                math.clip(t, x, -0.5, 0.75, out, count);
                for (int i = 0; i < count; i++) {
                    double v = get(t, x, i);
                    double expected = Double.isNaN(v) ? Double.NaN : Math.min(Math.max(v, -0.5), 0.75);
                    assertEquals(expected, get(t, out, i), 0.0, math.name() + " " + t + " clip of " + v);
                }
            }
        }
    }

    /** Runs of every length around the vector blocks, with NaN and ±∞: the same bits as the plain loop, and the definition to float rounding. */
    @Test
    void hardSigmoidAndHardSwishGiveTheSameBitsOnEveryPath() {
        for (boolean swish : new boolean[] {false, true}) {
            float alpha = swish ? 1f / 6 : 0.2f;
            for (int count : new int[] {1, 15, 16, 17, 64, 131, 1000}) {
                MemorySegment x = random(DType.FLOAT32, count);
                for (int i = 0; i + 2 < count; i += 50) {
                    x.setAtIndex(Tensor.F32, i, Float.NaN);
                    x.setAtIndex(Tensor.F32, i + 1, Float.POSITIVE_INFINITY);
                    x.setAtIndex(Tensor.F32, i + 2, -4f);
                }
                MemorySegment plain = random(DType.FLOAT32, count), fast = random(DType.FLOAT32, count);
                new PlainMathKernels().hardSigmoid(x, alpha, 0.5f, swish, plain, count);
                MathKernelsProvider.selected().hardSigmoid(x, alpha, 0.5f, swish, fast, count);
                assertArrayEquals(plain.toArray(ValueLayout.JAVA_FLOAT), fast.toArray(ValueLayout.JAVA_FLOAT), swish + " " + count);
                for (int i = 0; i < count; i++) {
                    double v = x.getAtIndex(Tensor.F32, i);
                    double gate = Math.max(0, Math.min(1, alpha * v + 0.5));
                    double expected = swish ? v * gate : gate;
                    assertEquals(expected, plain.getAtIndex(Tensor.F32, i),
                            Double.isFinite(expected) ? 1e-6 * Math.max(1, Math.abs(expected)) : 0, swish + " of " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void normalizeRowsMatchesReference(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int cols : new int[] {1, 5, 64, 133}) {
                int rows = 4;
                MemorySegment x = random(t, rows * cols), out = random(t, rows * cols);
                for (int j = 0; j < cols; j++) {
                    set(t, x, j, 0.0);
                }
                for (int norm = 0; norm <= 2; norm++) {
                    math.normalizeRows(t, norm, x, out, rows, cols, 1e-14);
                    for (int r = 0; r < rows; r++) {
                        double total = 0;
                        for (int j = 0; j < cols; j++) {
                            double v = get(t, x, (long) r * cols + j);
                            total = norm == 0 ? Math.max(total, Math.abs(v)) : total + (norm == 1 ? Math.abs(v) : v * v);
                        }
                        double scale = norm == 2 ? Math.sqrt(total) : total;
                        scale = scale < 1e-14 ? 1 : scale;
                        for (int j = 0; j < cols; j++) {
                            double expected = get(t, x, (long) r * cols + j) / scale;
                            assertEquals(expected, get(t, out, (long) r * cols + j), tolerance(t) * Math.max(1, Math.abs(expected)),
                                    math.name() + " " + t + " norm " + norm + " cols " + cols);
                        }
                    }
                }
            }
        }
    }

    @Test
    void selectionFollowsTheRuntime() {
        boolean vector = MathKernelsProvider.vectorApiAvailable() && !"plain".equals(System.getProperty("mle.kernels"));
        assertEquals(vector, !MathKernelsProvider.selected().name().equals("plain-java"), MathKernelsProvider.selected().name());
    }

    /** The float32 activations to a few ulps of float64, over lengths that leave vector tails, with NaN and infinities kept. */
    @ParameterizedTest
    @MethodSource("implementations")
    void float32ActivationsMatchFloat64(MathKernels k) {
        Random random = new Random(23);
        for (int n : new int[] {1, 7, 16, 33, 100, 257}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * 6);
            }
            x[1] = Float.NaN;
            if (n > 2) {
                x[2] = Float.NEGATIVE_INFINITY;
                x[3] = Float.POSITIVE_INFINITY;
            }
            float[] sig = x.clone();
            float[] tanh = x.clone();
            float[] exp = x.clone();
            k.sigmoid(sig, 1, n);
            k.tanh(tanh, 1, n);
            float shift = 3;
            float sum = k.expShifted(exp, 1, n, shift);
            double expected = 0;
            for (int i = 1; i <= n; i++) {
                float v = x[i];
                assertClose(1 / (1 + Math.exp(-(double) v)), sig[i], k.name() + " sigmoid(" + v + ")");
                assertClose(Math.tanh(v), tanh[i], k.name() + " tanh(" + v + ")");
                assertClose(Math.exp(v - shift), exp[i], k.name() + " exp(" + v + " - 3)");
                expected += exp[i];
            }
            assertEquals(Float.floatToIntBits(x[0]), Float.floatToIntBits(sig[0]), "outside the range stays");
            assertEquals(Float.floatToIntBits(x[n + 1]), Float.floatToIntBits(tanh[n + 1]), "outside the range stays");
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(sum));
            } else {
                assertEquals(expected, sum, 1e-5 * Math.abs(expected));
            }
        }
    }

    private static void assertClose(double expected, float actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), what + ": " + actual);
        } else {
            assertEquals(expected, actual, 4 * Math.ulp((float) expected) + 1e-30, what);
        }
    }
}
