package org.mleruntime.operators.tensor;

import java.lang.foreign.MemorySegment;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.CopyKernel;
import org.mleruntime.kernels.Kernel;

/** CPU kernels of Cast, LabelMap and Concat (Identity and Reshape are {@link CopyKernel}). */
public final class TensorKernels {
    private TensorKernels() {}

    public static Kernel cast() {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            long count = y.elementCount();
            boolean integral = !x.dtype().isFloating() && !y.dtype().isFloating();
            for (long i = 0; i < count; i++) {
                if (integral) {
                    y.setLong(i, x.getLong(i));
                } else {
                    y.setDouble(i, x.getDouble(i));
                }
            }
        };
    }

    public static Kernel labelMap(Tensor labels) {
        long classes = labels.elementCount();
        boolean strings = labels.dtype() == DType.STRING;
        boolean integral = !strings && !labels.dtype().isFloating();
        return (in, out) -> {
            Tensor idx = in[0];
            Tensor y = out[0];
            long count = y.elementCount();
            for (long i = 0; i < count; i++) {
                long k = idx.getLong(i);
                if (k < 0 || k >= classes) {
                    throw new InvalidInputException("class index " + k + " at element " + i + " is outside the " + classes + " class labels");
                }
                if (strings) {
                    y.setString(i, labels.string(k));
                } else if (integral) {
                    y.setLong(i, labels.getLong(k));
                } else {
                    y.setDouble(i, labels.getDouble(k));
                }
            }
        };
    }

    public static Kernel concat(Node node) {
        return (in, out) -> {
            Tensor y = out[0];
            int rank = y.shape().rank();
            int axis = (int) (node.intAttr("axis", 1) < 0 ? node.intAttr("axis", 1) + rank : node.intAttr("axis", 1));
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= y.shape().dim(i);
            }
            long outInner = y.elementCount() / Math.max(outer, 1);
            long position = 0;
            for (Tensor x : in) {
                long inner = x.elementCount() / Math.max(outer, 1);
                if (inner < SHORT_RUN && x.dtype().byteSize() >= 4) {
                    interleave(x, inner, y, outInner, position, outer);
                } else {
                    for (long o = 0; o < outer; o++) {
                        CopyKernel.copy(x, o * inner, y, o * outInner + position, inner);
                    }
                }
                position += inner;
            }
        };
    }

    /** Runs shorter than this (a column or two per row) are copied element by element: a bulk copy costs more per call than it saves. */
    private static final long SHORT_RUN = 8;

    /** Concat's copy of short runs, {@code inner} elements of each of {@code outer} rows, bit for bit. */
    private static void interleave(Tensor x, long inner, Tensor y, long outInner, long position, long outer) {
        MemorySegment from = x.data();
        MemorySegment to = y.data();
        boolean wide = x.dtype().byteSize() == 8;
        for (long o = 0; o < outer; o++) {
            for (long k = 0; k < inner; k++) {
                long source = o * inner + k;
                long target = o * outInner + position + k;
                if (wide) {
                    to.setAtIndex(Tensor.I64, target, from.getAtIndex(Tensor.I64, source));
                } else {
                    to.setAtIndex(Tensor.I32, target, from.getAtIndex(Tensor.I32, source));
                }
            }
        }
    }
}
