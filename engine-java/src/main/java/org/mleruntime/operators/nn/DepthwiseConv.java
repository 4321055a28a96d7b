package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.mleruntime.kernels.MathKernels;

/**
 * A convolution whose groups each read one input channel (depthwise, as MobileNet's, with any number
 * of maps per channel), by a direct loop instead of im2col and a GEMM of one row. The input plane is
 * copied once into its padded form, split by stride into phases (for stride 2: even and odd rows and
 * columns), so that every tap reads a contiguous run and the whole plane of outputs is one run of
 * sums over shifted runs ({@link MathKernels#tapSums}), long enough to vectorise even for 7×7 planes.
 * The sums are computed over the phases' full width (a few columns too many per row, dropped when
 * written) so that no tap needs bounds inside the run. Axes as in {@link Im2col}: one and two spatial
 * axes are three with leading axes of size 1.
 */
final class DepthwiseConv {
    private final MathKernels math;
    private final long[] in;
    private final long[] stride;
    private final long[] pad;
    private final long[] out;
    /** Extent of each axis in one phase: the padded extent over the stride, rounded up. */
    private final int[] phase = new int[3];
    private final int phaseSize;
    /** Where each tap's run starts in the phases. */
    private final int[] offsets;
    /** Output sums computed: from the first output to the last, rows at the phases' width apart. */
    private final int run;

    DepthwiseConv(WindowGeometry geometry, MathKernels math) {
        this.math = math;
        WindowGeometry g = geometry.inThreeAxes();
        in = g.input();
        long[] kernel = g.kernel();
        stride = g.strides();
        long[] dilation = g.dilations();
        pad = g.padsBegin();
        out = g.output();
        for (int a = 0; a < 3; a++) {
            long padded = (out[a] - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1;
            phase[a] = Math.toIntExact(Math.ceilDiv(padded, stride[a]));
        }
        phaseSize = Math.multiplyExact(Math.multiplyExact(phase[0], phase[1]), phase[2]);
        offsets = new int[Math.toIntExact(kernel[0] * kernel[1] * kernel[2])];
        int t = 0;
        for (long kd = 0; kd < kernel[0]; kd++) {
            for (long kh = 0; kh < kernel[1]; kh++) {
                for (long kw = 0; kw < kernel[2]; kw++, t++) {
                    long d = kd * dilation[0];
                    long h = kh * dilation[1];
                    long w = kw * dilation[2];
                    long phaseIndex = (d % stride[0] * stride[1] + h % stride[1]) * stride[2] + w % stride[2];
                    offsets[t] = Math.toIntExact(phaseIndex * phaseSize + position(d / stride[0], h / stride[1], w / stride[2]));
                }
            }
        }
        run = Math.toIntExact(position(out[0] - 1, out[1] - 1, out[2]));
    }

    /** Index of (d, h, w) within one phase, and of an output in the run of sums. */
    private long position(long d, long h, long w) {
        return (d * phase[1] + h) * phase[2] + w;
    }

    /**
     * Writes output plane {@code yAt} of Y: the map's {@code bias} plus the convolution of input plane
     * {@code xAt} of X with the map's weights at {@code wAt} of W ([maps, 1, k1, …]), through the
     * caller's {@link Scratch}; it may still hold the same input plane ({@code samePlane}), as when a
     * channel has several maps.
     */
    void plane(MemorySegment x, long xAt, boolean samePlane, MemorySegment w, long wAt, float bias, MemorySegment y, long yAt, Scratch scratch) {
        if (!samePlane) {
            MemorySegment.copy(x, F32, xAt * Float.BYTES, scratch.input, 0, scratch.input.length);
            split(scratch.input, scratch.phases);
        }
        MemorySegment.copy(w, F32, wAt * Float.BYTES, scratch.weights, 0, scratch.weights.length);
        math.tapSums(scratch.phases, offsets, scratch.weights, scratch.sums, run);
        float[] output = scratch.output;
        int width = Math.toIntExact(out[2]);
        int at = 0;
        for (long od = 0; od < out[0]; od++) {
            for (long oh = 0; oh < out[1]; oh++, at += width) {
                int from = Math.toIntExact(position(od, oh, 0));
                for (int ow = 0; ow < width; ow++) {
                    output[at + ow] = bias + scratch.sums[from + ow];
                }
            }
        }
        MemorySegment.copy(output, 0, y, F32, yAt * Float.BYTES, output.length);
    }

    /** One thread's arrays for {@link #plane}: the input plane, its phases, the map's weights, the sums and the output plane. */
    final class Scratch {
        private final float[] input = new float[Math.toIntExact(in[0] * in[1] * in[2])];
        private final float[] phases = new float[Math.toIntExact(stride[0] * stride[1] * stride[2] * phaseSize)];
        private final float[] weights = new float[offsets.length];
        private final float[] sums = new float[run];
        private final float[] output = new float[Math.toIntExact(out[0] * out[1] * out[2])];
    }

    /** Copies an input plane into its padded form split into phases, zero where the padding is. */
    private void split(float[] input, float[] phases) {
        int at = 0;
        for (long rd = 0; rd < stride[0]; rd++) {
            for (long rh = 0; rh < stride[1]; rh++) {
                for (long rw = 0; rw < stride[2]; rw++) {
                    // The phase's columns i whose input column i·stride + rw − pad lies inside the row: [first, last).
                    long start = rw - pad[2];
                    int first = (int) Math.min(phase[2], start >= 0 ? 0 : Math.ceilDiv(-start, stride[2]));
                    int last = (int) Math.max(first, Math.min(phase[2], start >= in[2] ? 0 : (in[2] - 1 - start) / stride[2] + 1));
                    int step = (int) stride[2];
                    for (int i0 = 0; i0 < phase[0]; i0++) {
                        long d = i0 * stride[0] + rd - pad[0];
                        for (int i1 = 0; i1 < phase[1]; i1++, at += phase[2]) {
                            long h = i1 * stride[1] + rh - pad[1];
                            if (d < 0 || d >= in[0] || h < 0 || h >= in[1]) {
                                Arrays.fill(phases, at, at + phase[2], 0f);
                                continue;
                            }
                            int row = (int) ((d * in[1] + h) * in[2] + start);
                            Arrays.fill(phases, at, at + first, 0f);
                            if (step == 1) {
                                System.arraycopy(input, row + first, phases, at + first, last - first);
                            } else {
                                math.stridedCopy(input, row + first * step, step, phases, at + first, last - first);
                            }
                            Arrays.fill(phases, at + last, at + phase[2], 0f);
                        }
                    }
                }
            }
        }
    }
}
