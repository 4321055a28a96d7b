package org.mleruntime.operators.math;

import java.util.function.DoubleUnaryOperator;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/** Log1p, Expm1 and Sqrt element by element; float32 inputs are computed in double and rounded once. */
public final class MathFunctionKernel implements Kernel {
    private final DoubleUnaryOperator function;

    public MathFunctionKernel(Node node) {
        function = switch (node.opType()) {
            case "Log1p" -> Math::log1p;
            case "Expm1" -> Math::expm1;
            case "Sqrt" -> Math::sqrt;
            default -> throw new IllegalArgumentException("not a math function: " + node.opType());
        };
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        boolean f32 = x.dtype() == DType.FLOAT32;
        for (long i = 0; i < y.elementCount(); i++) {
            double v = function.applyAsDouble(x.getDouble(i));
            y.setDouble(i, f32 ? (float) v : v);
        }
    }
}
