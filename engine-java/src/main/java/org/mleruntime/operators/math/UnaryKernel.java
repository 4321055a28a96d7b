package org.mleruntime.operators.math;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/**
 * An element-wise function of one tensor (Sigmoid, Tanh, Relu, Exp, Log, Neg, Abs, Cos, Sin). Each operator
 * gets its own copy of this class ({@link KernelSpecializer}), so that the JIT sees one function at
 * the call in the loop and inlines it; float64 values go through an array in chunks, which keeps
 * the per-element liveness and bounds checks of memory segments out of that loop. Float32 values
 * are computed in float32, as before: widened, the function applied, rounded back.
 */
final class UnaryKernel implements Kernel {
    private static final int CHUNK = 1024;
    private final DoubleUnaryOperator f;

    UnaryKernel(Node node, List<Tensor> constants, long features, boolean floatInput, MathKernels math) {
        this.f = ElementwiseKernels.unaryFunction(node);
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor y = out[0];
        long count = y.elementCount();
        if (x.dtype() != DType.FLOAT64 || y.dtype() != DType.FLOAT64) {
            boolean f32 = x.dtype() == DType.FLOAT32;
            for (long i = 0; i < count; i++) {
                double v = x.getDouble(i);
                y.setDouble(i, f32 ? (float) f.applyAsDouble((float) v) : f.applyAsDouble(v));
            }
            return;
        }
        double[] chunk = new double[(int) Math.min(CHUNK, count)];
        for (long start = 0; start < count; start += CHUNK) {
            int length = (int) Math.min(CHUNK, count - start);
            MemorySegment.copy(x.data(), F64, start * Double.BYTES, chunk, 0, length);
            for (int i = 0; i < length; i++) {
                chunk[i] = f.applyAsDouble(chunk[i]);
            }
            MemorySegment.copy(chunk, 0, y.data(), F64, start * Double.BYTES, length);
        }
    }
}
