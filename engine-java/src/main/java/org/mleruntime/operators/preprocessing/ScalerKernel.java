package org.mleruntime.operators.preprocessing;

import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Broadcast;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/** The Scaler kernel: per-column offset and scale, through the hot loops when they are plain rows. */
public final class ScalerKernel {
    private ScalerKernel() {}

    public static Kernel create(Node node, MathKernels math) {
        boolean divide = node.stringAttr("mode", "").equals("sub_div");
        return (in, out) -> {
            Tensor x = in[0];
            Tensor offset = in[1];
            Tensor scale = in[2];
            Tensor y = out[0];
            long cols = x.shape().rank() == 0 ? 1 : x.shape().dim(x.shape().rank() - 1);
            if (x.shape().rank() == 2 && offset.elementCount() == cols && scale.elementCount() == cols
                    && Broadcast.isRow(offset.shape(), cols) && Broadcast.isRow(scale.shape(), cols)) {
                math.scale(x.dtype(), divide, x.data(), offset.data(), scale.data(), y.data(), x.shape().dim(0), Math.toIntExact(cols));
                return;
            }
            Broadcast io = new Broadcast(y.shape(), offset.shape());
            Broadcast is = new Broadcast(y.shape(), scale.shape());
            boolean f32 = x.dtype() == DType.FLOAT32;
            for (long i = 0; i < y.elementCount(); i++) {
                double v = x.getDouble(i);
                double o = offset.getDouble(io.map(i));
                double s = scale.getDouble(is.map(i));
                double first = divide ? v - o : v * s;
                if (f32) {
                    first = (float) first;
                }
                y.setDouble(i, divide ? first / s : first + o);
            }
        };
    }
}
