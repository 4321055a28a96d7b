package org.mleruntime.operators.linear;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/** The CPU kernels of Gemm and MatMul, over the hot loops' matrix products. */
public final class GemmKernels {
    private GemmKernels() {}

    public static Kernel gemm(Node node, MathKernels math) {
        boolean transB = node.intAttr("transB", 0) != 0;
        return (in, out) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor c = in.length > 2 ? in[2] : null;
            Tensor y = out[0];
            int n = Math.toIntExact(a.shape().dim(0));
            int k = Math.toIntExact(a.shape().dim(1));
            int m = Math.toIntExact(y.shape().dim(1));
            MemorySegment bias = c == null ? MemorySegment.NULL : c.data();
            long biasLength = c == null ? 0 : c.elementCount();
            if (transB) {
                math.gemmTransB(a.dtype(), a.data(), b.data(), bias, biasLength, y.data(), n, k, m);
            } else {
                math.gemm(a.dtype(), a.data(), b.data(), bias, biasLength, y.data(), n, k, m);
            }
        };
    }

    public static Kernel matMul(MathKernels math) {
        return (in, out) -> {
            Tensor a = in[0];
            int n = Math.toIntExact(a.shape().dim(0));
            int k = Math.toIntExact(a.shape().dim(1));
            int m = Math.toIntExact(out[0].shape().dim(1));
            math.gemm(a.dtype(), a.data(), in[1].data(), MemorySegment.NULL, 0, out[0].data(), n, k, m);
        };
    }
}
