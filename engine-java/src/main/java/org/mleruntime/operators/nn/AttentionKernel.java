package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.Parallel;

/**
 * Scaled-dot-product attention for one (batch, head) at a time (the pairs split between the run's
 * threads) and a block of query rows at a time:
 * the block's scores Q·Kᵀ through the shared float GEMM, scaled, soft-capped, masked, a softmax that
 * subtracts the row's maximum, and the block of outputs P·V through the GEMM again. Only one block
 * of the score matrix exists at once. A row whose every key is masked gives zeros, as ONNX defines.
 */
final class AttentionKernel implements Kernel {
    /** Scores held at once: a block of query rows times the keys. */
    private static final int BLOCK_SCORES = 1 << 16;

    private final MathKernels math;
    private final FloatGemm gemm;
    private final Double scale;
    private final boolean causal;
    private final float softcap;
    private final Node node;

    AttentionKernel(Node node, MathKernels math) {
        this.node = node;
        this.math = math;
        this.gemm = math.floatGemm();
        this.scale = node.hasAttr("scale") ? node.floatAttr("scale", 1) : null;
        this.causal = node.intAttr("is_causal", 0) != 0;
        this.softcap = (float) node.floatAttr("softcap", 0);
    }

    /** Where one tensor's rows of one head start, and the distance between its rows, in floats. */
    private record Layout(long batchStride, long headStride, int rowStride) {
        static Layout of(Shape s, long heads, long size) {
            // A batch of 1 broadcasts: every batch entry reads the one there is.
            long batchStride = s.dim(0) == 1 ? 0 : s.dim(1) * s.dim(2) * (s.rank() == 4 ? s.dim(3) : 1);
            return s.rank() == 4 ? new Layout(batchStride, s.dim(2) * s.dim(3), Math.toIntExact(s.dim(3)))
                    : new Layout(batchStride, size, Math.toIntExact(heads * size));
        }

        long base(long b, long h) {
            return b * batchStride + h * headStride;
        }
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor q = in[0];
        Tensor k = in[1];
        Tensor v = in[2];
        Tensor mask = in.length > 3 ? in[3] : null;
        Tensor y = out[0];
        AttentionSchema.Dims d = AttentionSchema.dims(node, q.shape(), k.shape(), v.shape());
        int qLength = Math.toIntExact(d.qLength());
        int kvLength = Math.toIntExact(d.kvLength());
        int headSize = Math.toIntExact(d.headSize());
        int valueSize = Math.toIntExact(d.valueSize());
        Layout ql = Layout.of(q.shape(), d.qHeads(), d.headSize());
        Layout kl = Layout.of(k.shape(), d.kvHeads(), d.headSize());
        Layout vl = Layout.of(v.shape(), d.kvHeads(), d.valueSize());
        Layout yl = Layout.of(y.shape(), d.qHeads(), d.valueSize());
        MaskLayout ml = mask == null ? null : MaskLayout.of(mask.shape(), d);
        float factor = (float) (scale != null ? scale : 1 / Math.sqrt(headSize));
        int block = Math.max(1, Math.min(qLength, BLOCK_SCORES / Math.max(1, kvLength)));
        long groups = d.qHeads() / d.kvHeads();
        long heads = d.batch() * d.qHeads();
        // Each (batch, head) on its own, split between the run's threads, each with a block of scores of its own.
        Parallel.forRanges(Math.toIntExact(heads), heads * qLength * kvLength * (headSize + valueSize), (first, last) -> {
            float[] scores = new float[block * kvLength];
            MemorySegment scoreSegment = MemorySegment.ofArray(scores);
            for (int head = first; head < last; head++) {
                long b = head / d.qHeads();
                long h = head % d.qHeads();
                long kvHead = h / groups;
                for (int row = 0; row < qLength; row += block) {
                    int rows = Math.min(block, qLength - row);
                    gemm.sgemm(false, true, rows, kvLength, headSize, q.data(), ql.base(b, h) + (long) row * ql.rowStride(), ql.rowStride(),
                            k.data(), kl.base(b, kvHead), kl.rowStride(), false, scoreSegment, 0, kvLength);
                    for (int r = 0; r < rows; r++) {
                        long maskRow = ml == null ? -1 : ml.rowBase(b, h, row + r);
                        softmax(scores, r * kvLength, kvLength, factor, row + r, mask, maskRow, ml);
                    }
                    gemm.sgemm(false, false, rows, valueSize, kvLength, scoreSegment, 0, kvLength, v.data(), vl.base(b, kvHead), vl.rowStride(),
                            false, y.data(), yl.base(b, h) + (long) row * yl.rowStride(), yl.rowStride());
                }
            }
        });
    }

    /** Turns one row of raw scores into attention weights in place. */
    private void softmax(float[] s, int from, int length, float factor, int queryRow, Tensor mask, long maskRow, MaskLayout ml) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < length; j++) {
            float x = s[from + j] * factor;
            if (softcap > 0) {
                x = softcap * (float) Math.tanh(x / softcap);
            }
            if (causal && j > queryRow) {
                x = Float.NEGATIVE_INFINITY;
            } else if (mask != null) {
                x = ml.apply(mask, maskRow, j, x);
            }
            s[from + j] = x;
            max = Math.max(max, x);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(s, from, from + length, 0f);
            return;
        }
        float inverse = 1 / math.expShifted(s, from, length, max);
        for (int j = 0; j < length; j++) {
            s[from + j] *= inverse;
        }
    }

    /** The mask broadcast to [B, Hq, Sq, L]: a stride per axis, 0 where the mask has size 1 there. */
    private record MaskLayout(long[] strides, long keys) {
        static MaskLayout of(Shape m, AttentionSchema.Dims d) {
            long[] target = {d.batch(), d.qHeads(), d.qLength(), d.kvLength()};
            long[] strides = new long[4];
            long stride = 1;
            for (int i = 1; i <= m.rank(); i++) {
                long size = m.dim(m.rank() - i);
                boolean fits = i == 1 ? size <= target[3] : size == 1 || size == target[4 - i];
                if (!fits) {
                    throw new InvalidInputException("attn_mask " + m + " does not broadcast to " + Arrays.toString(target));
                }
                strides[4 - i] = size == 1 && i > 1 ? 0 : stride;
                stride *= size;
            }
            return new MaskLayout(strides, m.dim(m.rank() - 1));
        }

        long rowBase(long b, long h, long row) {
            return b * strides[0] + h * strides[1] + row * strides[2];
        }

        float apply(Tensor mask, long rowBase, int key, float score) {
            if (key >= keys) {
                return Float.NEGATIVE_INFINITY;
            }
            long at = rowBase + key * strides[3];
            if (mask.dtype() == DType.BOOL) {
                return mask.data().get(ValueLayout.JAVA_BYTE, at) != 0 ? score : Float.NEGATIVE_INFINITY;
            }
            return score + mask.data().getAtIndex(F32, at);
        }
    }
}
