package org.mleruntime.operators.linear;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.Supplier;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.DerivedConstants;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.SplitGemm;

/**
 * Kernels of the quantized-weight operators. {@code QGemm} reads int8 weights in place where their
 * smaller size makes a layer faster (a few rows times a large layer) and works on a float copy
 * made once where it does not; {@code Dequantize},
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

    /**
     * From this many rows of A, a float32 product is bound by arithmetic rather than by reading the
     * weights: it runs on a float copy of them packed for the GEMM (made on the first such call,
     * shared by the model's sessions), as fast as unquantized weights; fewer rows read the int8
     * values in place.
     */
    static final int PACKED_FROM_ROWS = 8;

    /** What the packed float copy of int8 weights depends on. */
    private record PackedDequantized(FloatGemm gemm) {}

    public static Kernel qgemm(MathKernels math, DType dtype, List<Tensor> constants) {
        Tensor q = constants.get(1);
        Tensor scale = constants.get(2);
        int m = Math.toIntExact(q.shape().dim(0));
        int k = Math.toIntExact(q.shape().dim(1));
        boolean small = (long) m * k * dtype.byteSize() <= DEQUANTIZE_AT_MOST_BYTES;
        if (dtype == DType.FLOAT32) {
            FloatGemm gemm = math.floatGemm();
            Supplier<FloatGemm.PackedMatrix> packed = () -> DerivedConstants.of(q, new PackedDequantized(gemm),
                    t -> gemm.packRight(true, k, m, dequantized(t, scale, dtype).data(), 0, k));
            FloatGemm.PackedMatrix packedNow = small ? packed.get() : null;
            return (in, out) -> {
                Tensor a = in[0];
                Tensor y = out[0];
                Tensor bias = in.length > 3 ? in[3] : null;
                int n = Math.toIntExact(a.shape().dim(0));
                if (packedNow == null && n < PACKED_FROM_ROWS) {
                    math.gemmInt8TransB(dtype, a.data(), in[1].data(), in[2].data(), bias == null ? MemorySegment.NULL : bias.data(),
                            bias == null ? 0 : bias.elementCount(), y.data(), n, k, m);
                    return;
                }
                if (bias != null) {
                    GemmKernels.fill(y, bias, 1);
                }
                SplitGemm.sgemm(gemm, false, n, a.data(), 0, k, packedNow != null ? packedNow : packed.get(), bias != null, y.data(), 0, m);
            };
        }
        MemorySegment dequantized = small ? dequantized(q, scale, dtype).data() : null;
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

    /** The [M, K] int8 rows times their scales, as {@code dtype}. */
    private static Tensor dequantized(Tensor q, Tensor scale, DType dtype) {
        long count = q.elementCount();
        long k = q.shape().dim(1);
        Tensor w = Tensor.numeric(dtype, q.shape(), Arena.ofAuto().allocate(Math.max(1, count * dtype.byteSize()), 64).asSlice(0, count * dtype.byteSize()));
        for (long i = 0; i < count; i++) {
            double s = scale.getDouble(i / k);
            byte v = q.data().get(ValueLayout.JAVA_BYTE, i);
            w.setDouble(i, dtype == DType.FLOAT32 ? v * (float) s : v * s);
        }
        return w;
    }
}
