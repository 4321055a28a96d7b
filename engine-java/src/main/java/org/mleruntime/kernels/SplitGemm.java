package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;

/**
 * {@link FloatGemm} products split by C's columns between the run's threads ({@link Parallel}) when
 * each part still has enough multiply-adds to pay for the hand-over. Every column of C is summed by
 * one thread in the order one call would sum it, so the result does not depend on the split.
 */
public final class SplitGemm {
    /** Parts are whole multiples of this many columns, so that no micro-kernel tile is cut. */
    private static final int GRANULE = 64;

    private SplitGemm() {}

    /** {@link FloatGemm#sgemm(boolean, boolean, int, int, int, MemorySegment, long, int, MemorySegment, long, int, boolean, MemorySegment, long, int)}, split. */
    public static void sgemm(FloatGemm gemm, boolean transA, boolean transB, int m, int n, int k,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             boolean accumulate, MemorySegment c, long cOffset, int ldc) {
        int[] bounds = Parallel.ranges(n, GRANULE, (long) m * k);
        Parallel.forEach(bounds.length - 1, (long) m * n * k, part -> {
            int from = bounds[part];
            gemm.sgemm(transA, transB, m, bounds[part + 1] - from, k, a, aOffset, lda,
                    b, bOffset + (transB ? (long) from * ldb : from), ldb, accumulate, c, cOffset + from, ldc);
        });
    }

    /** {@link FloatGemm#sgemm(FloatGemm.PackedMatrix, boolean, int, MemorySegment, long, int, boolean, MemorySegment, long, int)}, split. */
    public static void sgemm(FloatGemm gemm, FloatGemm.PackedMatrix a, boolean transB, int n, MemorySegment b, long bOffset, int ldb,
                             boolean accumulate, MemorySegment c, long cOffset, int ldc) {
        int[] bounds = Parallel.ranges(n, GRANULE, (long) a.rows() * a.columns());
        Parallel.forEach(bounds.length - 1, (long) a.rows() * n * a.columns(), part -> {
            int from = bounds[part];
            gemm.sgemm(a, transB, bounds[part + 1] - from, b, bOffset + (transB ? (long) from * ldb : from), ldb,
                    accumulate, c, cOffset + from, ldc);
        });
    }

    /** {@link FloatGemm#sgemmColumns(boolean, int, MemorySegment, long, int, FloatGemm.PackedMatrix, boolean, MemorySegment, long, int, int, int)} of all columns, split. */
    public static void sgemm(FloatGemm gemm, boolean transA, int m, MemorySegment a, long aOffset, int lda, FloatGemm.PackedMatrix b,
                             boolean accumulate, MemorySegment c, long cOffset, int ldc) {
        int n = b.columns();
        int[] bounds = Parallel.ranges(n, GRANULE, (long) m * b.rows());
        Parallel.forEach(bounds.length - 1, (long) m * n * b.rows(),
                part -> gemm.sgemmColumns(transA, m, a, aOffset, lda, b, accumulate, c, cOffset, ldc, bounds[part], bounds[part + 1]));
    }
}
