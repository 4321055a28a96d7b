package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.DType;

/**
 * The hot inner loops, in two interchangeable implementations: {@link PlainMathKernels} (plain Java,
 * for every runtime) and {@code vector.VectorMathKernels} (the Vector API, where the runtime has the
 * {@code jdk.incubator.vector} module). Both must give results equal to float precision. Matrices are
 * row-major; {@code dtype} is FLOAT32 or FLOAT64 for every operand.
 */
public interface MathKernels {
    String name();

    /** C[n×m] = A[n×k] · B[m×k]ᵀ (+ bias[m] or a scalar bias when {@code biasLength} is 1; no bias when it is 0). */
    void gemmTransB(DType dtype, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                    MemorySegment c, int n, int k, int m);

    /** C[n×m] = A[n×k] · B[k×m] (+ bias as in {@link #gemmTransB}). */
    void gemm(DType dtype, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
              MemorySegment c, int n, int k, int m);

    /** out[r, j] = a[r, j] op row[j] for {@code rows × cols} elements. */
    void rowBroadcast(BinaryOp op, DType dtype, MemorySegment a, MemorySegment row, MemorySegment out, long rows, int cols);

    /** out[r, j] = (x[r, j] − offset[j]) / scale[j] when {@code divide}, else x[r, j] · scale[j] + offset[j]. */
    void scale(DType dtype, boolean divide, MemorySegment x, MemorySegment offset, MemorySegment scale, MemorySegment out,
               long rows, int cols);

    /**
     * out[r, j] = Σₚ term(x[r, p], vt[p, j]) for {@code rows × vectors} outputs, float64 throughout:
     * x is [rows × features], vt holds the vectors as columns [features × vectors]. Each sum runs over
     * p in order from 0, so every implementation gives the same bits.
     */
    void pairwiseSums(PairwiseTerm term, MemorySegment x, MemorySegment vt, MemorySegment out, long rows, int features, int vectors);
}
