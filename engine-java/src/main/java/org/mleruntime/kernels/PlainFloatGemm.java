package org.mleruntime.kernels;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** The plain-Java {@link FloatGemm}: rows of C built by streaming rows of B, the order that keeps B's reads sequential. */
public final class PlainFloatGemm implements FloatGemm {
    public static final PlainFloatGemm INSTANCE = new PlainFloatGemm();

    private PlainFloatGemm() {}

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      MemorySegment a, long aOffset, int lda,
                      MemorySegment b, long bOffset, int ldb,
                      boolean accumulate, MemorySegment c, long cOffset, int ldc) {
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            long cRow = cOffset + (long) i * ldc;
            if (accumulate) {
                MemorySegment.copy(c, F32, cRow * Float.BYTES, row, 0, n);
            } else {
                Arrays.fill(row, 0f);
            }
            for (int p = 0; p < k; p++) {
                float x = a.getAtIndex(F32, aOffset + (transA ? (long) p * lda + i : (long) i * lda + p));
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        row[j] += x * b.getAtIndex(F32, bOffset + (long) j * ldb + p);
                    }
                } else {
                    long bRow = bOffset + (long) p * ldb;
                    for (int j = 0; j < n; j++) {
                        row[j] += x * b.getAtIndex(F32, bRow + j);
                    }
                }
            }
            MemorySegment.copy(row, 0, c, F32, cRow * Float.BYTES, n);
        }
    }
}
