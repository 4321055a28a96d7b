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

    /** The float32 matrix products of deep-learning graphs, of the same kind (plain Java or Vector API). */
    default FloatGemm floatGemm() {
        return PlainFloatGemm.INSTANCE;
    }

    /** C[n×m] = A[n×k] · B[m×k]ᵀ (+ bias[m] or a scalar bias when {@code biasLength} is 1; no bias when it is 0). */
    void gemmTransB(DType dtype, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                    MemorySegment c, int n, int k, int m);

    /**
     * C[n×m] = A[n×k] · B[k×m] (+ bias as in {@link #gemmTransB}), each output summed over k in order
     * by fused multiply-adds from zero, then the bias added: the same bits on every implementation.
     */
    void gemm(DType dtype, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
              MemorySegment c, int n, int k, int m);

    /**
     * C[n×m] = (A[n×k] · Q[m×k]ᵀ) · scale[m] (+ bias as in {@link #gemmTransB}): int8 weights with one
     * scale per output row (in {@code dtype}), read in place; each row's products are summed before
     * its scale is applied, so a weight costs one byte of memory traffic instead of four or eight.
     */
    void gemmInt8TransB(DType dtype, MemorySegment a, MemorySegment q, MemorySegment scale, MemorySegment bias, long biasLength,
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

    /**
     * For {@code r < count}: sets bit {@code bit} of {@code bits[r]} where {@code column[from + r] > border},
     * or where it is NaN when {@code nanIsOne}; the other bits stay. One level of symmetric trees over a
     * block of rows stored feature by feature.
     */
    void setBitsAbove(double[] column, int from, double border, boolean nanIsOne, int bit, int[] bits, int count);

    /** Whether the compares of {@link #splitMasks} run several rows per instruction (worth it for blocks of rows). */
    default boolean wideCompares() {
        return false;
    }

    /**
     * For each split s in {@code [from, from + n)}, sets {@code out[s - from]} to the mask of the rows
     * of a 64-row feature-major block that go right: row r's value {@code v = block[f * 64 + r]} of
     * feature {@code f = feature[s] & 0x7FFF_FFFF} is greater than {@code threshold[s]} (or, when
     * {@code lessOrEqual} is false, greater or equal), or v is NaN and bit 31 of {@code feature[s]} is
     * set. {@code missing} says whether the block holds NaN at all.
     */
    void splitMasks(double[] block, int[] feature, double[] threshold, int from, int n, boolean lessOrEqual, boolean missing, long[] out);

    /** {@link #splitMasks(double[], int[], double[], int, int, boolean, boolean, long[])} for float32 rows and thresholds. */
    void splitMasks(float[] block, int[] feature, float[] threshold, int from, int n, boolean lessOrEqual, boolean missing, long[] out);

    /**
     * Turns a partition of 64 rows into an index per row: for k below {@code count}, every row r whose
     * bit is set in {@code masks[from + k]} gets {@code index[r] = k}. Each row is in at most one mask.
     */
    void maskToIndex(long[] masks, int from, int count, int[] index);

    /** For {@code r < count}: {@code acc[accFrom + r] += values[base + index[r]]}. */
    void gatherAdd(double[] values, int base, int[] index, double[] acc, int accFrom, int count);

    /** out[i] = min(max(x[i], lo), hi) for {@code count} elements, as numpy's clip: NaN stays NaN. */
    void clip(DType dtype, MemorySegment x, double lo, double hi, MemorySegment out, long count);

    /**
     * out[i] = min(max(α·x[i] + β, 0), 1) (HardSigmoid), times x[i] when {@code timesInput} (HardSwish,
     * α = 1/6, β = 1/2), for {@code count} float32 elements: α·x + β is one fused multiply-add, so every
     * implementation gives the same bits, and NaN stays NaN.
     */
    void hardSigmoid(MemorySegment x, float alpha, float beta, boolean timesInput, MemorySegment out, long count);

    /**
     * out[r, ·] = x[r, ·] / norm(x[r, ·]) with {@code norm} 1 (sum of |x|), 2 (square root of the sum
     * of squares) or 0 (largest |x|), a norm below {@code tiny} counting as 1 (scikit-learn's normalize).
     */
    void normalizeRows(DType dtype, int norm, MemorySegment x, MemorySegment out, long rows, int cols, double tiny);

    /**
     * x[i] = e^(x[i] − shift) for i in [from, from + n), and returns their sum: a float32 softmax's
     * numerators. Deep-learning activations are computed to float precision, not bit for bit.
     */
    float expShifted(float[] x, int from, int n, float shift);

    /**
     * out[i] = Σ_t weights[t] · x[offsets[t] + i] for i in [0, n): a filter's taps over shifted runs of
     * one array (a depthwise convolution), each output summed in tap order by fused multiply-adds
     * from zero, so every implementation gives the same bits.
     */
    void tapSums(float[] x, int[] offsets, float[] weights, float[] out, int n);

    /** out[at + i] = x[from + i · step] for i in [0, n): one phase of a strided row (step ≥ 1). */
    void stridedCopy(float[] x, int from, int step, float[] out, int at, int n);

    /** x[i] = 1 / (1 + e^(−x[i])) for i in [from, from + n), to float precision. */
    void sigmoid(float[] x, int from, int n);

    /** x[i] = tanh(x[i]) for i in [from, from + n), to float precision. */
    void tanh(float[] x, int from, int n);
}
