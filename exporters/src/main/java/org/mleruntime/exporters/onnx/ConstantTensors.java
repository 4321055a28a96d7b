package org.mleruntime.exporters.onnx;

import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/** Arithmetic on constant tensors that the mappings fold at import instead of emitting nodes for. */
final class ConstantTensors {
    private ConstantTensors() {}

    /** {@code t} with every element multiplied by {@code factor}, computed in {@code t}'s own dtype as ONNX Runtime would. */
    static Tensor scaled(Tensor t, double factor) {
        Tensor out = Tensors.zeros(t.dtype(), t.shape());
        for (long i = 0; i < t.elementCount(); i++) {
            out.setDouble(i, t.dtype() == DType.FLOAT32 ? (float) t.getDouble(i) * (float) factor : t.getDouble(i) * factor);
        }
        return out;
    }

    /** {@code t}'s elements converted to {@code dtype}. */
    static Tensor cast(Tensor t, DType dtype) {
        Tensor out = Tensors.zeros(dtype, t.shape());
        boolean integral = !dtype.isFloating() && !t.dtype().isFloating();
        for (long i = 0; i < t.elementCount(); i++) {
            if (integral) {
                out.setLong(i, t.getLong(i));
            } else {
                out.setDouble(i, t.getDouble(i));
            }
        }
        return out;
    }

    /** A rank-0 tensor of {@code dtype} holding {@code value}. */
    static Tensor scalar(DType dtype, double value) {
        return Tensors.of(dtype, Shape.of(), value);
    }

    /** The elements of an integer tensor (a shape, axes), as longs. */
    static long[] longs(Tensor t) {
        long[] out = new long[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getLong(i);
        }
        return out;
    }

    /** An int64 vector of these values. */
    static Tensor int64(long[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return Tensors.of(DType.INT64, Shape.of(values.length), d);
    }
}
