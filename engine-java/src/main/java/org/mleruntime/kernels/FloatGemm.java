package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;

/**
 * float32 matrix products for deep-learning graphs, in BLAS's sgemm terms without alpha and beta:
 * C[m×n] = op(A)[m×k] · op(B)[k×n], added to C's values when {@code accumulate}. op(A) is A, or Aᵀ
 * when {@code transA} (A then stored [k×m]); likewise B. Offsets and leading dimensions count float
 * elements, so one call can address one image, one head or one time step inside a larger tensor.
 * Sums are in float32 as the frameworks compute them; implementations may order them differently.
 */
public interface FloatGemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               MemorySegment a, long aOffset, int lda,
               MemorySegment b, long bOffset, int ldb,
               boolean accumulate, MemorySegment c, long cOffset, int ldc);

    /**
     * A constant op(A) [m×k] (a layer's weights) arranged once for the products below, so that the
     * runs do not each copy it into the micro-kernel's order again. The result refers to {@code a},
     * which must stay valid and unchanged while it is used.
     */
    PackedMatrix pack(boolean transA, int m, int k, MemorySegment a, long aOffset, int lda);

    /** {@link #sgemm} with op(A) arranged by this GEMM's {@link #pack}: C[m×n] (+)= A · op(B). */
    void sgemm(PackedMatrix a, boolean transB, int n, MemorySegment b, long bOffset, int ldb,
               boolean accumulate, MemorySegment c, long cOffset, int ldc);

    /**
     * A constant op(B) [k×n] (a layer's weights on the right, as x·W) arranged once, like {@link #pack}.
     */
    PackedMatrix packRight(boolean transB, int k, int n, MemorySegment b, long bOffset, int ldb);

    /**
     * C's columns [{@code from}, {@code to}) of op(A) · B, with B arranged by this GEMM's
     * {@link #packRight}: C[m×n] (+)= op(A) · B, C's offset naming column 0.
     */
    void sgemmColumns(boolean transA, int m, MemorySegment a, long aOffset, int lda, PackedMatrix b,
                      boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to);

    /** An operand arranged by {@link #pack} (m × k) or {@link #packRight} (k × n). */
    interface PackedMatrix {
        int rows();

        int columns();
    }
}
