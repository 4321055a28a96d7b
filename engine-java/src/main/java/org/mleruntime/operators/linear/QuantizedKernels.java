package org.mleruntime.operators.linear;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/**
 * Kernels of the quantized-weight operators. {@code QGemm} reads int8 weights in place where their
 * smaller size makes a layer faster and dequantizes them once where it does not; {@code Dequantize},
 * which a session folds into float constants when it is built, is for weights kernels read as floats.
 */
public final class QuantizedKernels {
    private QuantizedKernels() {}

    public static Kernel dequantize(Node node) {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            long count = y.elementCount();
            if (x.dtype() == DType.FLOAT16) {
                for (long i = 0; i < count; i++) {
                    y.setDouble(i, x.getDouble(i));
                }
                return;
            }
            Tensor scale = in[1];
            int rank = x.shape().rank();
            int axis = (int) (node.intAttr("axis", 0) < 0 ? node.intAttr("axis", 0) + rank : node.intAttr("axis", 0));
            long inner = 1;
            for (int d = axis + 1; d < rank; d++) {
                inner *= x.shape().dim(d);
            }
            long channels = x.shape().dim(axis);
            MemorySegment q = x.data();
            boolean f32 = y.dtype() == DType.FLOAT32;
            for (long i = 0; i < count; i++) {
                double s = scale.getDouble(i / inner % channels);
                byte v = q.get(ValueLayout.JAVA_BYTE, i);
                y.setDouble(i, f32 ? v * (float) s : v * s);
            }
        };
    }

    /**
     * Weights whose float copy fits in this many bytes are dequantized once when the kernel is built:
     * they stay in cache either way, and float loads are cheaper than widening bytes. Larger ones
     * are read as int8 in place, a quarter or an eighth of the memory traffic; measured on a 2-core
     * AVX-512 machine, a 4096×1024 float64 layer runs three times faster so.
     */
    static final long DEQUANTIZE_AT_MOST_BYTES = 1L << 20;

    public static Kernel qgemm(MathKernels math, DType dtype, List<Tensor> constants) {
        Tensor q = constants.get(1);
        Tensor scale = constants.get(2);
        int m = Math.toIntExact(q.shape().dim(0));
        int k = Math.toIntExact(q.shape().dim(1));
        MemorySegment weights = null;
        if ((long) m * k * dtype.byteSize() <= DEQUANTIZE_AT_MOST_BYTES) {
            Tensor w = Tensor.numeric(dtype, q.shape(), Arena.ofAuto().allocate(Math.max(1, (long) m * k * dtype.byteSize()), 64)
                    .asSlice(0, (long) m * k * dtype.byteSize()));
            for (long i = 0; i < (long) m * k; i++) {
                double s = scale.getDouble(i / k);
                byte v = q.data().get(ValueLayout.JAVA_BYTE, i);
                w.setDouble(i, dtype == DType.FLOAT32 ? v * (float) s : v * s);
            }
            weights = w.data();
        }
        MemorySegment dequantized = weights;
        return (in, out) -> {
            Tensor a = in[0];
            Tensor y = out[0];
            Tensor bias = in.length > 3 ? in[3] : null;
            int n = Math.toIntExact(a.shape().dim(0));
            MemorySegment b = bias == null ? MemorySegment.NULL : bias.data();
            long biasLength = bias == null ? 0 : bias.elementCount();
            if (dequantized != null) {
                math.gemmTransB(a.dtype(), a.data(), dequantized, b, biasLength, y.data(), n, k, m);
            } else {
                math.gemmInt8TransB(a.dtype(), a.data(), in[1].data(), in[2].data(), b, biasLength, y.data(), n, k, m);
            }
        };
    }
}
