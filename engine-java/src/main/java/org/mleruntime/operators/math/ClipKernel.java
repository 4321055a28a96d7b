package org.mleruntime.operators.math;

import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Broadcast;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/**
 * Clip: {@code min(max(x, low), high)} element by element, NaN kept. Scalar bounds (scikit-learn's
 * MinMaxScaler clips to its feature range) run through {@link MathKernels#clip}, vectorised where
 * the runtime allows; bounds per column go through the broadcasting loop.
 */
public final class ClipKernel implements Kernel {
    private final MathKernels math;

    public ClipKernel(MathKernels math) {
        this.math = math;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor low = inputs[1];
        Tensor high = inputs[2];
        Tensor y = outputs[0];
        if (low.elementCount() == 1 && high.elementCount() == 1) {
            math.clip(x.dtype(), x.data(), low.getDouble(0), high.getDouble(0), y.data(), y.elementCount());
            return;
        }
        Broadcast lows = new Broadcast(y.shape(), low.shape());
        Broadcast highs = new Broadcast(y.shape(), high.shape());
        for (long i = 0; i < y.elementCount(); i++) {
            y.setDouble(i, Math.min(Math.max(x.getDouble(i), low.getDouble(lows.map(i))), high.getDouble(highs.map(i))));
        }
    }
}
