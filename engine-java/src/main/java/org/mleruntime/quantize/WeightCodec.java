package org.mleruntime.quantize;

import java.lang.foreign.Arena;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/** The arithmetic of quantizing one float tensor; a tensor it cannot hold says why instead. */
final class WeightCodec {
    static final int INT8_MAX = 127;
    private static final double FLOAT16_MAX = 65504;

    private WeightCodec() {}

    /** An int8 tensor and the scale of each channel along its axis, in the source tensor's dtype. */
    record Int8(Tensor values, Tensor scales) {}

    /** Why {@code w} cannot be stored in {@code mode}, or null when it can. */
    static String unfit(Tensor w, QuantizationMode mode) {
        for (long i = 0; i < w.elementCount(); i++) {
            double v = w.getDouble(i);
            if (!Double.isFinite(v)) {
                return "it holds " + v;
            }
            if (mode == QuantizationMode.FP16 && Math.abs(v) > FLOAT16_MAX) {
                return "it holds " + v + ", beyond the float16 range of ±65504";
            }
        }
        return null;
    }

    static Tensor float16(Tensor w) {
        Tensor out = allocate(DType.FLOAT16, w.shape());
        for (long i = 0; i < w.elementCount(); i++) {
            out.setDouble(i, w.getDouble(i));
        }
        return out;
    }

    /**
     * Symmetric per-channel int8: channel c's scale is max|w| / 127 over the channel, and each value
     * is w / scale rounded to the nearest integer (ties to even). A channel of zeros has scale 0.
     */
    static Int8 int8(Tensor w, int axis) {
        Shape shape = w.shape();
        long channels = shape.dim(axis);
        long inner = 1;
        for (int d = axis + 1; d < shape.rank(); d++) {
            inner *= shape.dim(d);
        }
        double[] amax = new double[Math.toIntExact(channels)];
        for (long i = 0; i < w.elementCount(); i++) {
            int c = (int) (i / inner % channels);
            amax[c] = Math.max(amax[c], Math.abs(w.getDouble(i)));
        }
        Tensor scales = allocate(w.dtype(), Shape.of(channels));
        for (int c = 0; c < amax.length; c++) {
            scales.setDouble(c, amax[c] / INT8_MAX);
        }
        Tensor q = allocate(DType.INT8, shape);
        for (long i = 0; i < w.elementCount(); i++) {
            double s = scales.getDouble(i / inner % channels);
            long v = s == 0 ? 0 : Math.round(Math.rint(w.getDouble(i) / s));
            q.setLong(i, Math.max(-INT8_MAX, Math.min(INT8_MAX, v)));
        }
        return new Int8(q, scales);
    }

    /** The rows of a [K, M] matrix as the rows of an [M, K] one. */
    static Tensor transposed(Tensor w) {
        long k = w.shape().dim(0);
        long m = w.shape().dim(1);
        Tensor out = allocate(w.dtype(), Shape.of(m, k));
        for (long i = 0; i < k; i++) {
            for (long j = 0; j < m; j++) {
                out.setDouble(j * k + i, w.getDouble(i * m + j));
            }
        }
        return out;
    }

    static Tensor allocate(DType dtype, Shape shape) {
        long bytes = shape.elementCount() * dtype.byteSize();
        return Tensor.numeric(dtype, shape, Arena.ofAuto().allocate(Math.max(1, bytes), 64).asSlice(0, bytes));
    }
}
