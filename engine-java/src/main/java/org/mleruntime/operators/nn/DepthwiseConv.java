package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;

/**
 * A convolution whose groups each read one input channel (depthwise, as MobileNet's, with any number
 * of maps per channel), by a direct loop instead of im2col and a GEMM of one row: per output row, each
 * tap adds its weight times a whole input row (shifted, strided) to the row of sums, a loop C2
 * vectorises for stride 1. The input plane is copied out once per channel and the sums kept in an
 * array until the row is written. Axes as in {@link Im2col}: one and two spatial axes are three
 * with leading axes of size 1.
 */
final class DepthwiseConv {
    private final long[] in;
    private final long[] kernel;
    private final long[] stride;
    private final long[] dilation;
    private final long[] pad;
    private final long[] out;
    private final int inPlane;
    private final int outPlane;
    private final int taps;

    DepthwiseConv(WindowGeometry geometry) {
        WindowGeometry g = geometry.inThreeAxes();
        in = g.input();
        kernel = g.kernel();
        stride = g.strides();
        dilation = g.dilations();
        pad = g.padsBegin();
        out = g.output();
        inPlane = Math.toIntExact(in[0] * in[1] * in[2]);
        outPlane = Math.toIntExact(out[0] * out[1] * out[2]);
        taps = Math.toIntExact(kernel[0] * kernel[1] * kernel[2]);
    }

    /** Floats of one input plane: the size of {@link #plane}'s {@code plane} scratch. */
    int inputPlane() {
        return inPlane;
    }

    /** Floats of one output plane: the size of {@link #plane}'s {@code sums} scratch. */
    int outputPlane() {
        return outPlane;
    }

    /**
     * Adds to output plane {@code yAt} of Y (which holds the bias) the convolution of input plane
     * {@code xAt} of X with the map's weights at {@code wAt} of W ([maps, 1, k1, …]), through the
     * caller's arrays {@code plane} and {@code sums}.
     */
    void plane(MemorySegment x, long xAt, MemorySegment w, long wAt, MemorySegment y, long yAt, float[] plane, float[] sums) {
        MemorySegment.copy(x, F32, xAt * Float.BYTES, plane, 0, inPlane);
        MemorySegment.copy(y, F32, yAt * Float.BYTES, sums, 0, outPlane);
        float[] weights = new float[taps];
        MemorySegment.copy(w, F32, wAt * Float.BYTES, weights, 0, taps);
        int width = Math.toIntExact(out[2]);
        int step = Math.toIntExact(stride[2]);
        for (long od = 0; od < out[0]; od++) {
            for (long oh = 0; oh < out[1]; oh++) {
                int row = (int) ((od * out[1] + oh) * width);
                for (long kd = 0; kd < kernel[0]; kd++) {
                    long d = od * stride[0] - pad[0] + kd * dilation[0];
                    if (d < 0 || d >= in[0]) {
                        continue;
                    }
                    for (long kh = 0; kh < kernel[1]; kh++) {
                        long h = oh * stride[1] - pad[1] + kh * dilation[1];
                        if (h < 0 || h >= in[1]) {
                            continue;
                        }
                        int inputRow = (int) ((d * in[1] + h) * in[2]);
                        for (long kw = 0; kw < kernel[2]; kw++) {
                            float weight = weights[(int) ((kd * kernel[1] + kh) * kernel[2] + kw)];
                            // The output columns whose tap kw falls inside the row, [first, last): the rest read padding.
                            int start = (int) (kw * dilation[2] - pad[2]);
                            int first = start >= 0 ? 0 : (int) Math.min(width, Math.ceilDiv(-start, step));
                            int last = start >= in[2] ? 0 : (int) Math.min(width, (in[2] - 1 - start) / step + 1);
                            int base = inputRow + start;
                            if (step == 1) {
                                for (int ow = first; ow < last; ow++) {
                                    sums[row + ow] += weight * plane[base + ow];
                                }
                            } else {
                                for (int ow = first; ow < last; ow++) {
                                    sums[row + ow] += weight * plane[base + ow * step];
                                }
                            }
                        }
                    }
                }
            }
        }
        MemorySegment.copy(sums, 0, y, F32, yAt * Float.BYTES, outPlane);
    }
}
