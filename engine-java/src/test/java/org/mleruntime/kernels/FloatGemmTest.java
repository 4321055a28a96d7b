package org.mleruntime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.ir.Tensor;

/**
 * Every available {@link FloatGemm} against a float64 loop: odd and block-crossing shapes, the four
 * transposes, operands placed at offsets with strides inside larger heap or native segments, whose
 * other elements must stay untouched, accumulation, empty and single dimensions, and NaN and
 * infinity carried through (0 · ∞ must give NaN). Runs with and without the Vector API module, like
 * {@link MathKernelsTest}.
 */
@Tag("kernels")
class FloatGemmTest {
    static Stream<FloatGemm> implementations() {
        return Stream.of(PlainFloatGemm.INSTANCE, MathKernelsProvider.selected().floatGemm()).distinct();
    }

    /** One operand: a matrix of {@code rows × cols} stored at {@code offset} with leading dimension {@code ld}. */
    private record Operand(MemorySegment segment, long offset, int ld, int rows, int cols) {
        static Operand of(Random random, int rows, int cols, boolean heap) {
            long offset = random.nextInt(5);
            int ld = Math.max(cols, 1) + random.nextInt(4);
            long size = offset + (long) rows * ld + random.nextInt(3);
            MemorySegment s = heap ? MemorySegment.ofArray(new float[(int) size])
                    : Arena.ofAuto().allocate(Math.max(1, size) * Float.BYTES, 64);
            for (long i = 0; i < size; i++) {
                s.setAtIndex(Tensor.F32, i, (float) random.nextGaussian());
            }
            return new Operand(s, offset, ld, rows, cols);
        }

        /** Element (r, c) of the stored matrix. */
        float get(int r, int c) {
            return segment.getAtIndex(Tensor.F32, offset + (long) r * ld + c);
        }

        /** Element (i, p) of op(this): the stored matrix or its transpose. */
        double op(boolean trans, int i, int p) {
            return trans ? get(p, i) : get(i, p);
        }

        void set(int r, int c, float value) {
            segment.setAtIndex(Tensor.F32, offset + (long) r * ld + c, value);
        }

        float[] all() {
            return segment.toArray(Tensor.F32);
        }
    }

    private enum Packing { NONE, LEFT, RIGHT }

    private static final class Case {
        final boolean transA, transB, accumulate;
        final int m, n, k;
        final Operand a, b, c;

        Case(Random random, boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
            this.transA = transA;
            this.transB = transB;
            this.accumulate = accumulate;
            this.m = m;
            this.n = n;
            this.k = k;
            a = transA ? Operand.of(random, k, m, random.nextBoolean()) : Operand.of(random, m, k, random.nextBoolean());
            b = transB ? Operand.of(random, n, k, random.nextBoolean()) : Operand.of(random, k, n, random.nextBoolean());
            c = Operand.of(random, m, n, random.nextBoolean());
        }

        /** Runs with neither operand packed beforehand, A packed, or B packed and its columns done in two ranges. */
        void run(FloatGemm gemm, Packing packing) {
            if (packing == Packing.LEFT) {
                gemm.sgemm(gemm.pack(transA, m, k, a.segment, a.offset, a.ld), transB, n, b.segment, b.offset, b.ld,
                        accumulate, c.segment, c.offset, c.ld);
            } else if (packing == Packing.RIGHT) {
                FloatGemm.PackedMatrix packed = gemm.packRight(transB, k, n, b.segment, b.offset, b.ld);
                int split = Math.min(n, 64);
                gemm.sgemmColumns(transA, m, a.segment, a.offset, a.ld, packed, accumulate, c.segment, c.offset, c.ld, 0, split);
                gemm.sgemmColumns(transA, m, a.segment, a.offset, a.ld, packed, accumulate, c.segment, c.offset, c.ld, split, n);
            } else {
                gemm.sgemm(transA, transB, m, n, k, a.segment, a.offset, a.ld, b.segment, b.offset, b.ld,
                        accumulate, c.segment, c.offset, c.ld);
            }
        }

        void check(FloatGemm gemm) {
            check(gemm, Packing.NONE);
        }

        /**
         * Runs {@code gemm}, with an operand packed beforehand or not, and checks C's window against float64 sums
         * and every other element of C for being untouched.
         */
        void check(FloatGemm gemm, Packing packing) {
            float[] before = c.all();
            run(gemm, packing);
            float[] after = c.all();
            String what = gemm.getClass().getSimpleName() + " " + this;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = (int) (c.offset + (long) i * c.ld + j);
                    double sum = accumulate ? before[at] : 0, magnitude = Math.abs(sum);
                    for (int p = 0; p < k; p++) {
                        double product = a.op(transA, i, p) * b.op(transB, p, j);
                        sum += product;
                        magnitude += Math.abs(product);
                    }
                    expect(sum, after[at], (k + 1) * 1.2e-7 * magnitude, what + " at " + i + "," + j);
                    before[at] = after[at];
                }
            }
            for (int i = 0; i < before.length; i++) {
                assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(after[i]), what + ": wrote outside C at " + i);
            }
        }

        @Override
        public String toString() {
            return (transA ? "Aᵀ" : "A") + (transB ? "Bᵀ" : "B") + " " + m + "×" + n + "×" + k + (accumulate ? " accumulate" : "")
                    + " (" + kind(a) + kind(b) + kind(c) + ")";
        }

        private static String kind(Operand o) {
            return o.segment.isNative() ? "n" : "h";
        }
    }

    private static void expect(double reference, float actual, double tolerance, String what) {
        if (Double.isNaN(reference)) {
            assertTrue(Float.isNaN(actual), what + ": expected NaN, got " + actual);
        } else if (Double.isInfinite(reference)) {
            assertEquals(reference, actual, what);
        } else {
            assertEquals(reference, actual, tolerance, what);
        }
    }

    private static final boolean[] BOTH = {false, true};

    @ParameterizedTest
    @MethodSource("implementations")
    void randomShapesMatchFloat64Sums(FloatGemm gemm) {
        Random random = new Random(7);
        int[] sizes = {1, 2, 3, 4, 5, 6, 7, 9, 13, 16, 17, 31, 32, 33, 47, 64, 65, 100};
        for (int trial = 0; trial < 80; trial++) {
            int m = sizes[random.nextInt(sizes.length)], n = sizes[random.nextInt(sizes.length)];
            int k = random.nextInt(4) == 0 ? 250 + random.nextInt(20) : sizes[random.nextInt(sizes.length)];
            new Case(random, random.nextBoolean(), random.nextBoolean(), m, n, k, random.nextBoolean()).check(gemm);
        }
    }

    /** Shapes that cross every block: more rows than a packed A block, columns than a packed B block, depth than one pass. */
    @ParameterizedTest
    @MethodSource("implementations")
    void blockCrossingShapesInEveryTransposeMatch(FloatGemm gemm) {
        Random random = new Random(11);
        for (boolean transA : BOTH) {
            for (boolean transB : BOTH) {
                new Case(random, transA, transB, 131, 1100, 300, transA).check(gemm);
                new Case(random, transA, transB, 5, 1030, 520, !transA).check(gemm);
            }
        }
    }

    /**
     * A packed once serves products with any B, and B packed once any A, as if passed as stored: few
     * rows, block-crossing shapes, transposes, column ranges that start inside a sliver.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void packedOperandsMatch(FloatGemm gemm) {
        Random random = new Random(17);
        int[] sizes = {1, 2, 5, 6, 7, 13, 33, 64, 121, 131};
        for (int trial = 0; trial < 40; trial++) {
            int m = sizes[random.nextInt(sizes.length)], n = sizes[random.nextInt(sizes.length)];
            int k = random.nextInt(3) == 0 ? 250 + random.nextInt(300) : sizes[random.nextInt(sizes.length)];
            for (Packing packing : List.of(Packing.LEFT, Packing.RIGHT)) {
                new Case(random, random.nextBoolean(), random.nextBoolean(), m, n, k, random.nextBoolean()).check(gemm, packing);
            }
        }
        new Case(random, false, false, 131, 1100, 520, true).check(gemm, Packing.LEFT);
        new Case(random, true, true, 131, 1100, 520, true).check(gemm, Packing.RIGHT);
    }

    @Test
    void aMatrixPackedByAnotherGemmIsRefused() {
        FloatGemm other = implementations().filter(g -> g != PlainFloatGemm.INSTANCE).findFirst().orElse(null);
        if (other == null) {
            return;
        }
        MemorySegment a = MemorySegment.ofArray(new float[64 * 8]);
        FloatGemm.PackedMatrix packed = other.pack(false, 64, 8, a, 0, 8);
        MemorySegment b = MemorySegment.ofArray(new float[8]);
        MemorySegment c = MemorySegment.ofArray(new float[64]);
        assertThrows(IllegalArgumentException.class,
                () -> PlainFloatGemm.INSTANCE.sgemm(packed, false, 1, b, 0, 1, false, c, 0, 1));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void emptyAndSingleDimensions(FloatGemm gemm) {
        Random random = new Random(13);
        int[] sizes = {0, 1, 2, 7};
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : sizes) {
                    for (boolean transA : BOTH) {
                        for (boolean transB : BOTH) {
                            for (boolean accumulate : BOTH) {
                                new Case(random, transA, transB, m, n, k, accumulate).check(gemm);
                            }
                        }
                    }
                }
            }
        }
    }

    /** ∞ in A against a zero in B gives NaN, not a skipped product; NaN spreads along its row; ∞ in B along its column. */
    @ParameterizedTest
    @MethodSource("implementations")
    void nanAndInfinityPropagate(FloatGemm gemm) {
        Random random = new Random(17);
        for (int m : new int[] {3, 40}) {
            for (boolean transA : BOTH) {
                for (boolean transB : BOTH) {
                    Case c = new Case(random, transA, transB, m, 37, 300, false);
                    int p = 260;
                    setOp(c.a, transA, 0, p, Float.POSITIVE_INFINITY);
                    for (int j = 0; j < c.n; j++) {
                        setOp(c.b, transB, p, j, j % 2 == 0 ? 0f : 1f);
                    }
                    setOp(c.a, transA, 1, 5, Float.NaN);
                    setOp(c.a, transA, 2, 7, 1f);
                    for (int pp = 0; pp < c.k; pp++) {
                        setOp(c.b, transB, pp, 30, pp == 7 ? Float.NEGATIVE_INFINITY : 0f);
                    }
                    c.check(gemm);
                    float[] out = c.c.all();
                    for (int j = 0; j < c.n; j++) {
                        assertTrue(Float.isNaN(out[(int) (c.c.offset + j)]) || j % 2 == 1, c + ": ∞·0 at 0," + j);
                        assertTrue(Float.isNaN(out[(int) (c.c.offset + c.c.ld + j)]), c + ": NaN row at 1," + j);
                    }
                    assertEquals(Float.NEGATIVE_INFINITY, out[(int) (c.c.offset + 2L * c.c.ld + 30)], c + ": -∞ column");
                }
            }
        }
    }

    private static void setOp(Operand o, boolean trans, int i, int p, float value) {
        if (trans) {
            o.set(p, i, value);
        } else {
            o.set(i, p, value);
        }
    }

    /** Column ranges computed apart give the same bits as one call: the entry point for splitting N between threads. */
    @Test
    void columnRangesComposeToTheWholeProduct() {
        Random random = new Random(19);
        Stream.of(PlainFloatGemm.INSTANCE, MathKernelsProvider.selected().floatGemm()).distinct()
                .map(PackedFloatGemm.class::cast)
                .forEach(gemm -> {
                    for (int m : new int[] {2, 50}) {
                        for (boolean transB : BOTH) {
                            Case c = new Case(random, false, transB, m, 301, 90, true);
                            float[] before = c.c.all();
                            c.run(gemm, Packing.NONE);
                            float[] whole = c.c.all();
                            MemorySegment.copy(before, 0, c.c.segment, Tensor.F32, 0, before.length);
                            for (int[] range : new int[][] {{0, 100}, {100, 101}, {101, 301}}) {
                                gemm.sgemmColumns(false, transB, c.m, c.k, c.a.segment, c.a.offset, c.a.ld,
                                        c.b.segment, c.b.offset, c.b.ld, true, c.c.segment, c.c.offset, c.c.ld, range[0], range[1]);
                            }
                            assertArrayEquals(whole, c.c.all(), gemm.getClass().getSimpleName() + " " + c);
                        }
                    }
                });
    }
}
