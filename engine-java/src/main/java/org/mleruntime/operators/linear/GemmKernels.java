package org.mleruntime.operators.linear;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Broadcast;
import org.mleruntime.kernels.DerivedConstants;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.OutputActivation;
import org.mleruntime.kernels.Parallel;
import org.mleruntime.kernels.SplitGemm;

/**
 * The CPU kernels of Gemm and MatMul. float64 products of a matrix and a constant matrix go through
 * the hot loops' GEMM, whose summation order scikit-learn parity relies on; float32 products (the
 * deep-learning dtype) through {@link FloatGemm}, batched over MatMul's leading axes.
 */
public final class GemmKernels {
    private GemmKernels() {}

    /** What the packed form of a constant right operand depends on. */
    private record PackedWeights(FloatGemm gemm, boolean transposed) {}

    /** A constant float32 matrix B (k × n, stored transposed when {@code transB}) packed once for the GEMM, or null. */
    private static FloatGemm.PackedMatrix packedWeights(FloatGemm gemm, Tensor b, boolean transB) {
        if (b == null || b.dtype() != DType.FLOAT32 || b.shape().rank() != 2) {
            return null;
        }
        int k = Math.toIntExact(b.shape().dim(transB ? 1 : 0));
        int n = Math.toIntExact(b.shape().dim(transB ? 0 : 1));
        return DerivedConstants.of(b, new PackedWeights(gemm, transB),
                w -> gemm.packRight(transB, k, n, w.data(), 0, Math.toIntExact(w.shape().dim(1))));
    }

    /** @param constantB B when it is a constant, else null */
    public static Kernel gemm(Node node, MathKernels math, Tensor constantB) {
        boolean transA = node.intAttr("transA", 0) != 0;
        boolean transB = node.intAttr("transB", 0) != 0;
        float alpha = (float) node.floatAttr("alpha", 1);
        float beta = (float) node.floatAttr("beta", 1);
        OutputActivation activation = OutputActivation.of(node);
        FloatGemm sgemm = math.floatGemm();
        FloatGemm.PackedMatrix packedB = packedWeights(sgemm, constantB, transB);
        return (in, out) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor c = in.length > 2 ? in[2] : null;
            Tensor y = out[0];
            int n = Math.toIntExact(y.shape().dim(0));
            int k = Math.toIntExact(transA ? a.shape().dim(0) : a.shape().dim(1));
            int m = Math.toIntExact(y.shape().dim(1));
            if (a.dtype() == DType.FLOAT32) {
                boolean scaled = alpha != 1;
                if (c != null && !scaled) {
                    fill(y, c, beta);
                }
                int lda = a.shape().dim(1) == 0 ? 1 : (int) a.shape().dim(1);
                if (packedB != null) {
                    SplitGemm.sgemm(sgemm, transA, n, a.data(), 0, lda, packedB, c != null && !scaled, y.data(), 0, m);
                } else {
                    SplitGemm.sgemm(sgemm, transA, transB, n, m, k, a.data(), 0, lda, b.data(), 0, (int) b.shape().dim(1), c != null && !scaled,
                            y.data(), 0, m);
                }
                if (scaled) {
                    scale(y, alpha, c, beta);
                }
                if (activation != null) {
                    activation.apply(math, y.data(), 0, y.elementCount());
                }
                return;
            }
            MemorySegment bias = c == null ? MemorySegment.NULL : c.data();
            long biasLength = c == null ? 0 : c.elementCount();
            if (transB) {
                math.gemmTransB(a.dtype(), a.data(), b.data(), bias, biasLength, y.data(), n, k, m);
            } else {
                math.gemm(a.dtype(), a.data(), b.data(), bias, biasLength, y.data(), n, k, m);
            }
        };
    }

    /** y = β·C broadcast to y's shape: row by row when C is a row (a bias), element by element otherwise. */
    static void fill(Tensor y, Tensor c, float beta) {
        int m = Math.toIntExact(y.shape().dim(1));
        if (c.dtype() == DType.FLOAT32 && Broadcast.isRow(c.shape(), m) || c.elementCount() == 1 && c.dtype() == DType.FLOAT32) {
            float[] row = new float[m];
            for (int j = 0; j < m; j++) {
                row[j] = beta * c.data().getAtIndex(F32, c.elementCount() == 1 ? 0 : j);
            }
            long rows = y.shape().dim(0);
            for (long r = 0; r < rows; r++) {
                MemorySegment.copy(row, 0, y.data(), F32, r * m * Float.BYTES, m);
            }
            return;
        }
        Broadcast bc = new Broadcast(y.shape(), c.shape());
        for (long i = 0; i < y.elementCount(); i++) {
            y.setDouble(i, beta * (float) c.getDouble(bc.map(i)));
        }
    }

    /** y = α·y (+ β·C). */
    private static void scale(Tensor y, float alpha, Tensor c, float beta) {
        Broadcast bc = c == null ? null : new Broadcast(y.shape(), c.shape());
        for (long i = 0; i < y.elementCount(); i++) {
            float v = alpha * (float) y.getDouble(i);
            y.setDouble(i, c == null ? v : v + beta * (float) c.getDouble(bc.map(i)));
        }
    }

    /** @param constantB B when it is a constant, else null */
    public static Kernel matMul(MathKernels math, Tensor constantB) {
        FloatGemm sgemm = math.floatGemm();
        FloatGemm.PackedMatrix packedB = packedWeights(sgemm, constantB, false);
        return (in, out) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor y = out[0];
            if (a.dtype() != DType.FLOAT32) {
                int n = Math.toIntExact(a.shape().dim(0));
                int k = Math.toIntExact(a.shape().dim(1));
                int m = Math.toIntExact(y.shape().dim(1));
                math.gemm(a.dtype(), a.data(), b.data(), MemorySegment.NULL, 0, y.data(), n, k, m);
                return;
            }
            Shape sa = a.shape();
            Shape sb = b.shape();
            int n = sa.rank() == 1 ? 1 : Math.toIntExact(sa.dim(sa.rank() - 2));
            int k = Math.toIntExact(sa.dim(sa.rank() - 1));
            int m = sb.rank() == 1 ? 1 : Math.toIntExact(sb.dim(sb.rank() - 1));
            Shape batchA = sa.rank() <= 2 ? Shape.of() : GemmSchema.leading(sa);
            Shape batchB = sb.rank() <= 2 ? Shape.of() : GemmSchema.leading(sb);
            int outerRank = y.shape().rank() - (sa.rank() > 1 ? 1 : 0) - (sb.rank() > 1 ? 1 : 0);
            Shape batch = new Shape(Arrays.copyOf(y.shape().dims(), outerRank));
            Broadcast ia = new Broadcast(batch, batchA);
            Broadcast ib = new Broadcast(batch, batchB);
            long products = batch.elementCount();
            if (sb.rank() <= 2 && sa.rank() > 1) {
                // B is one matrix for every batch of A, whose rows lie one after another: one product of all of them.
                int rows = Math.toIntExact(products * n);
                if (packedB != null) {
                    SplitGemm.sgemm(sgemm, false, rows, a.data(), 0, k, packedB, false, y.data(), 0, m);
                } else {
                    SplitGemm.sgemm(sgemm, false, false, rows, m, k, a.data(), 0, k, b.data(), 0, m, false, y.data(), 0, m);
                }
                return;
            }
            if (products >= Parallel.threads()) {
                Parallel.forEach(Math.toIntExact(products), products * n * m * k, p -> sgemm.sgemm(false, false, n, m, k, a.data(), ia.map(p) * n * k, k,
                        b.data(), ib.map(p) * k * m, m, false, y.data(), (long) p * n * m, m));
                return;
            }
            for (long p = 0; p < products; p++) {
                SplitGemm.sgemm(sgemm, false, false, n, m, k, a.data(), ia.map(p) * n * k, k, b.data(), ib.map(p) * k * m, m,
                        false, y.data(), p * n * m, m);
            }
        };
    }
}
