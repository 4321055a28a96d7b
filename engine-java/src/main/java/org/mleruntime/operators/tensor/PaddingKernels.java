package org.mleruntime.operators.tensor;

import java.util.Arrays;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.CopyKernel;
import org.mleruntime.kernels.Kernel;

/** CPU kernels of Pad and Trilu. */
final class PaddingKernels {
    private PaddingKernels() {}

    static Kernel pad(Node node) {
        String mode = node.stringAttr("mode", "constant");
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            int rank = x.shape().rank();
            long[][] pads = PaddingSchema.pads(node, LayoutKernels.types(in), Arrays.asList(in), rank);
            double value = in.length > 2 && in[2] != null && in[2].elementCount() > 0 ? in[2].getDouble(0) : 0;
            long[] inDims = x.shape().dims();
            long[] outDims = y.shape().dims();
            long[] inStrides = LayoutKernels.strides(x.shape());
            long[] index = new long[rank];
            for (long o = 0; o < y.elementCount(); o++) {
                long source = 0;
                boolean outside = false;
                for (int a = 0; a < rank; a++) {
                    long i = source(index[a] - pads[0][a], inDims[a], mode);
                    outside |= i < 0;
                    source += i * inStrides[a];
                }
                if (outside) {
                    y.setDouble(o, value);
                } else {
                    CopyKernel.copy(x, source, y, o, 1);
                }
                for (int a = rank - 1; a >= 0 && ++index[a] == outDims[a]; a--) {
                    index[a] = 0;
                }
            }
        };
    }

    /** The input index an output position reads along an axis of size {@code d}, or −1 for the constant. */
    private static long source(long i, long d, String mode) {
        if (i >= 0 && i < d) {
            return i;
        }
        return switch (mode) {
            case "edge" -> Math.clamp(i, 0, d - 1);
            case "wrap" -> Math.floorMod(i, d);
            case "reflect" -> {
                if (d == 1) {
                    yield 0;
                }
                long period = 2 * (d - 1);
                long m = Math.floorMod(i, period);
                yield m < d ? m : period - m;
            }
            default -> -1;
        };
    }

    static Kernel trilu(Node node) {
        boolean upper = node.intAttr("upper", 1) != 0;
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            long k = in.length > 1 && in[1] != null ? in[1].getLong(0) : 0;
            Shape s = x.shape();
            long rows = s.dim(s.rank() - 2);
            long cols = s.dim(s.rank() - 1);
            CopyKernel.INSTANCE.compute(new Tensor[] {x}, new Tensor[] {y});
            long matrices = rows * cols == 0 ? 0 : y.elementCount() / (rows * cols);
            for (long m = 0; m < matrices; m++) {
                for (long r = 0; r < rows; r++) {
                    for (long col = 0; col < cols; col++) {
                        boolean keep = upper ? col - r >= k : col - r <= k;
                        if (!keep) {
                            y.setDouble((m * rows + r) * cols + col, 0);
                        }
                    }
                }
            }
        };
    }
}
