package org.mleruntime.kernels;

import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * Normalizer: each row divided by its l1, l2 or max norm, as scikit-learn's {@code normalize}: a
 * norm below ten machine epsilons counts as 1, so an all-zero row stays zero.
 */
public final class NormalizerKernel implements Kernel {
    private enum Norm { L1, L2, MAX }

    private final Norm norm;

    public NormalizerKernel(Node node) {
        norm = Norm.valueOf(node.stringAttr("norm", "l2").toUpperCase(java.util.Locale.ROOT));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        long cols = y.shape().dim(1);
        boolean f32 = x.dtype() == DType.FLOAT32;
        double tiny = 10 * (f32 ? Math.ulp(1.0f) : Math.ulp(1.0));
        for (long r = 0; r < rows; r++) {
            long base = r * cols;
            double total = 0;
            for (long j = 0; j < cols; j++) {
                double v = x.getDouble(base + j);
                total = switch (norm) {
                    case L1 -> total + Math.abs(v);
                    case L2 -> total + v * v;
                    case MAX -> Math.max(total, Math.abs(v));
                };
                if (f32) {
                    total = (float) total;
                }
            }
            double scale = norm == Norm.L2 ? Math.sqrt(total) : total;
            if (f32) {
                scale = (float) scale;
            }
            if (scale < tiny) {
                scale = 1.0;
            }
            for (long j = 0; j < cols; j++) {
                y.setDouble(base + j, x.getDouble(base + j) / scale);
            }
        }
    }
}
