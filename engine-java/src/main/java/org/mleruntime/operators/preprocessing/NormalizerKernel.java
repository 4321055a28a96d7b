package org.mleruntime.operators.preprocessing;

import java.util.Map;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/**
 * Normalizer: each row divided by its l1, l2 or max norm, as scikit-learn's {@code normalize}: a
 * norm below ten machine epsilons counts as 1, so an all-zero row stays zero. The rows go through
 * {@link MathKernels#normalizeRows}, vectorised for wide rows where the runtime allows.
 */
public final class NormalizerKernel implements Kernel {
    private static final Map<String, Integer> NORMS = Map.of("max", 0, "l1", 1, "l2", 2);

    private final MathKernels math;
    private final int norm;

    public NormalizerKernel(Node node, MathKernels math) {
        this.math = math;
        this.norm = NORMS.get(node.stringAttr("norm", "l2"));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        double tiny = 10 * (x.dtype() == DType.FLOAT32 ? Math.ulp(1.0f) : Math.ulp(1.0));
        math.normalizeRows(x.dtype(), norm, x.data(), y.data(), y.shape().dim(0), Math.toIntExact(y.shape().dim(1)), tiny);
    }
}
