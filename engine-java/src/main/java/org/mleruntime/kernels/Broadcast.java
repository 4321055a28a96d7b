package org.mleruntime.kernels;

import org.mleruntime.ir.Shape;

/** Maps a flat index of a broadcast result to the flat index of one operand (numpy's rules). */
public final class Broadcast {
    private final long[] outDims;
    private final long[] strides;

    public Broadcast(Shape out, Shape operand) {
        outDims = out.dims();
        int rank = outDims.length;
        strides = new long[rank];
        long[] d = operand.dims();
        long stride = 1;
        for (int i = rank - 1, j = d.length - 1; i >= 0; i--, j--) {
            long dim = j >= 0 ? d[j] : 1;
            strides[i] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
    }

    public long map(long flat) {
        long index = 0;
        for (int i = outDims.length - 1; i >= 0; i--) {
            long coordinate = flat % outDims[i];
            flat /= outDims[i];
            index += coordinate * strides[i];
        }
        return index;
    }

    /** Whether {@code s} is one row of {@code cols} values, leading dimensions all 1. */
    public static boolean isRow(Shape s, long cols) {
        long[] d = s.dims();
        for (int i = 0; i < d.length - 1; i++) {
            if (d[i] != 1) {
                return false;
            }
        }
        return d.length > 0 && d[d.length - 1] == cols;
    }
}
