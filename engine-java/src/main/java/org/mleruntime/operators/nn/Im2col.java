package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;

/**
 * Gathers the input values under each output position of a window into columns: row
 * {@code c·k1⋯kr + κ} of a tile holds, for output positions p0 … p0+width−1, input channel c at
 * kernel offset κ, or 0 where the window lies in the padding. One and two spatial axes are handled
 * as three with leading axes of size 1.
 */
final class Im2col {
    private final long[] in = new long[3];
    private final long[] kernel = new long[3];
    private final long[] stride = new long[3];
    private final long[] dilation = new long[3];
    private final long[] pad = new long[3];
    private final long[] out = new long[3];
    private final long inSize;

    Im2col(WindowGeometry g) {
        int shift = 3 - g.rank();
        for (int i = 0; i < 3; i++) {
            boolean real = i >= shift;
            in[i] = real ? g.input()[i - shift] : 1;
            kernel[i] = real ? g.kernel()[i - shift] : 1;
            stride[i] = real ? g.strides()[i - shift] : 1;
            dilation[i] = real ? g.dilations()[i - shift] : 1;
            pad[i] = real ? g.padsBegin()[i - shift] : 0;
            out[i] = real ? g.output()[i - shift] : 1;
        }
        inSize = in[0] * in[1] * in[2];
    }

    /** Fills {@code cols} [channels·k1⋯kr × width] for positions p0 … p0+width−1 of the channels starting at {@code xOffset}. */
    void fill(MemorySegment x, long xOffset, int channels, int p0, int width, float[] cols) {
        int row = 0;
        for (int c = 0; c < channels; c++) {
            long channelBase = xOffset + c * inSize;
            for (long kd = 0; kd < kernel[0]; kd++) {
                for (long kh = 0; kh < kernel[1]; kh++) {
                    for (long kw = 0; kw < kernel[2]; kw++, row++) {
                        fillRow(x, channelBase, kd, kh, kw, p0, width, cols, row * width);
                    }
                }
            }
        }
    }

    private void fillRow(MemorySegment x, long channelBase, long kd, long kh, long kw, int p0, int width, float[] cols, int at) {
        long plane = out[1] * out[2];
        for (int i = 0; i < width; i++) {
            long p = p0 + i;
            long od = p / plane;
            long oh = p % plane / out[2];
            long ow = p % out[2];
            long d = od * stride[0] - pad[0] + kd * dilation[0];
            long h = oh * stride[1] - pad[1] + kh * dilation[1];
            long w = ow * stride[2] - pad[2] + kw * dilation[2];
            boolean inside = d >= 0 && d < in[0] && h >= 0 && h < in[1] && w >= 0 && w < in[2];
            cols[at + i] = inside ? x.getAtIndex(F32, channelBase + (d * in[1] + h) * in[2] + w) : 0f;
        }
    }
}
