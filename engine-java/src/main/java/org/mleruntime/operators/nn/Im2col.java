package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Gathers the input values under each output position of a window into columns: row
 * {@code c·k1⋯kr + κ} of a tile holds, for a run of whole output rows, input channel c at kernel
 * offset κ, or 0 where the window lies in the padding. The group's input channels are copied once
 * into an array, and each output row is filled by a loop without divisions. One and two spatial
 * axes are handled as three with leading axes of size 1.
 */
final class Im2col {
    private final long[] in;
    private final long[] kernel;
    private final long[] stride;
    private final long[] dilation;
    private final long[] pad;
    private final long[] out;
    private final int inSize;
    private final int outWidth;

    Im2col(WindowGeometry geometry) {
        WindowGeometry g = geometry.inThreeAxes();
        in = g.input();
        kernel = g.kernel();
        stride = g.strides();
        dilation = g.dilations();
        pad = g.padsBegin();
        out = g.output();
        inSize = Math.toIntExact(in[0] * in[1] * in[2]);
        outWidth = Math.toIntExact(out[2]);
    }

    /** Output positions per output row: tiles are whole rows. */
    int rowLength() {
        return outWidth;
    }

    /** Output rows in all (depth × height). */
    int rows() {
        return Math.toIntExact(out[0] * out[1]);
    }

    /** Input channels copied out of X (all of them, once per run: the tiles of every image and group read them). */
    float[] channels(MemorySegment x, long xOffset, int channels) {
        float[] values = new float[Math.toIntExact((long) channels * inSize)];
        MemorySegment.copy(x, F32, xOffset * Float.BYTES, values, 0, values.length);
        return values;
    }

    /**
     * Fills {@code cols} [channels·k1⋯kr × rowCount·width] for output rows firstRow … firstRow+rowCount−1
     * from the channels starting at {@code x[xBase]}.
     */
    void fill(float[] x, int xBase, int channels, int firstRow, int rowCount, float[] cols) {
        int width = rowCount * outWidth;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int channelBase = xBase + c * inSize;
            for (long kd = 0; kd < kernel[0]; kd++) {
                for (long kh = 0; kh < kernel[1]; kh++) {
                    for (long kw = 0; kw < kernel[2]; kw++, row++) {
                        // The output positions whose tap kw falls inside the row, [first, last): the rest are padding.
                        int start = (int) (kw * dilation[2] - pad[2]);
                        int step = (int) stride[2];
                        int first = start >= 0 ? 0 : (int) Math.min(outWidth, Math.ceilDiv(-start, step));
                        int last = start >= in[2] ? 0 : (int) Math.min(outWidth, (in[2] - 1 - start) / step + 1);
                        last = Math.max(first, last);
                        int at = row * width;
                        for (int r = 0; r < rowCount; r++, at += outWidth) {
                            long outRow = firstRow + r;
                            long d = outRow / out[1] * stride[0] - pad[0] + kd * dilation[0];
                            long h = outRow % out[1] * stride[1] - pad[1] + kh * dilation[1];
                            if (d < 0 || d >= in[0] || h < 0 || h >= in[1]) {
                                Arrays.fill(cols, at, at + outWidth, 0f);
                                continue;
                            }
                            int base = (int) (channelBase + (d * in[1] + h) * in[2]) + start;
                            Arrays.fill(cols, at, at + first, 0f);
                            if (step == 1) {
                                System.arraycopy(x, base + first, cols, at + first, last - first);
                            } else {
                                for (int ow = first; ow < last; ow++) {
                                    cols[at + ow] = x[base + ow * step];
                                }
                            }
                            Arrays.fill(cols, at + last, at + outWidth, 0f);
                        }
                    }
                }
            }
        }
    }
}
