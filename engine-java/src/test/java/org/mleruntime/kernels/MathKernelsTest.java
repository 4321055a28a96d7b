package org.mleruntime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

    @ParameterizedTest
    @MethodSource("implementations")
    void gemmMatchesReference(MathKernels math) {
        for (DType t : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (int[] dims : new int[][] {{1, 1, 1}, {4, 6, 11}, {9, 3, 16}, {3, 8, 2}, {2, 5, 77}}) {
                int n = dims[0], k = dims[1], m = dims[2];
                MemorySegment a = random(t, n * k), b = random(t, k * m), c = random(t, n * m);
                MemorySegment bias = random(t, 1);
                math.gemm(t, a, b, bias, 1, c, n, k, m);
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < m; j++) {
                        double ref = 0;
                        for (int p = 0; p < k; p++) {
                            ref += get(t, a, (long) r * k + p) * get(t, b, (long) p * m + j);
                        }
                        ref += get(t, bias, 0);
                        assertEquals(ref, get(t, c, (long) r * m + j), tolerance(t) * Math.max(1, Math.abs(ref)));
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

    @Test
    void selectionFollowsTheRuntime() {
        boolean vector = MathKernelsProvider.vectorApiAvailable() && !"plain".equals(System.getProperty("mle.kernels"));
        assertEquals(vector, !MathKernelsProvider.selected().name().equals("plain-java"), MathKernelsProvider.selected().name());
    }
}
