package org.mleruntime.operators.math;

import static org.mleruntime.ir.Tensor.F32;
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
 * An element-wise function of one tensor (Sigmoid, Tanh, Relu, the other activations, Exp, Log, …).
 * Each operator gets its own copy of this class ({@link org.mleruntime.kernels.KernelSpecializer}), so that the JIT sees one function at
 * the call in the loop and inlines it; float64 values go through an array in chunks, which keeps
 * the per-element liveness and bounds checks of memory segments out of that loop, and so do
 * float32 values, each widened, the function applied, rounded back.
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
        if (x.dtype() == DType.FLOAT32 && y.dtype() == DType.FLOAT32) {
            float[] chunk = new float[(int) Math.min(CHUNK, count)];
            for (long start = 0; start < count; start += CHUNK) {
                int length = (int) Math.min(CHUNK, count - start);
                MemorySegment.copy(x.data(), F32, start * Float.BYTES, chunk, 0, length);
                for (int i = 0; i < length; i++) {
                    chunk[i] = (float) f.applyAsDouble(chunk[i]);
                }
                MemorySegment.copy(chunk, 0, y.data(), F32, start * Float.BYTES, length);
            }
            return;
        }
        if (x.dtype() != DType.FLOAT64 || y.dtype() != DType.FLOAT64) {
            for (long i = 0; i < count; i++) {
                y.setDouble(i, f.applyAsDouble(x.getDouble(i)));
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
