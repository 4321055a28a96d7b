package org.mleruntime.operators.tensor;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Broadcast;
import org.mleruntime.kernels.CopyKernel;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.ops.ShapeRules;

/**
 * CPU kernels of the data-movement operators of {@link LayoutSchema}. They move elements of any
 * dtype (strings included) in runs as long as the layouts allow: the innermost axis when it stays
 * innermost, whole blocks for Gather, GatherND, Split and Slice's untouched inner axes.
 */
final class LayoutKernels {
    private LayoutKernels() {}

    static Kernel shape(Node node) {
        return (in, out) -> {
            Shape s = in[0].shape();
            int[] range = LayoutSchema.shapeRange(node, s.rank());
            for (int i = range[0]; i < range[1]; i++) {
                out[0].setLong(i - range[0], s.dim(i));
            }
        };
    }

    /**
     * @param input X's type: a transpose that only moves axes of size 1 keeps every element in place,
     *     so it is a plain copy (which the session turns into a view of X)
     */
    static Kernel transpose(Node node, ValueInfo input) {
        Shape shape = input.shape();
        if (shape.isStatic()) {
            int[] perm = LayoutSchema.permutation(node, shape.rank());
            int previous = -1;
            boolean inOrder = true;
            for (int axis : perm) {
                if (shape.dim(axis) != 1) {
                    inOrder &= axis > previous;
                    previous = axis;
                }
            }
            if (inOrder) {
                return CopyKernel.INSTANCE;
            }
        }
        return (in, out) -> {
            Tensor x = in[0];
            int rank = x.shape().rank();
            int[] perm = LayoutSchema.permutation(node, rank);
            long[] strides = strides(x.shape());
            long[] outDims = out[0].shape().dims();
            long[] step = new long[rank];
            for (int i = 0; i < rank; i++) {
                step[i] = strides[perm[i]];
            }
            walk(x, out[0], outDims, step, 0, rank > 0 && perm[rank - 1] == rank - 1);
        };
    }

    /**
     * Copies into {@code y} (contiguous, dims {@code outDims}) from {@code x} at {@code base} +
     * Σ index·step, by runs of the last axis when {@code innerContiguous}.
     */
    private static void walk(Tensor x, Tensor y, long[] outDims, long[] step, long base, boolean innerContiguous) {
        int rank = outDims.length;
        if (y.elementCount() == 0) {
            return;
        }
        if (rank == 0) {
            CopyKernel.copy(x, base, y, 0, 1);
            return;
        }
        long inner = outDims[rank - 1];
        long[] index = new long[rank];
        long offset = base;
        for (long o = 0; o < y.elementCount(); o += innerContiguous ? inner : 1) {
            if (innerContiguous) {
                CopyKernel.copy(x, offset, y, o, inner);
                index[rank - 1] = inner - 1;
                offset += (inner - 1) * step[rank - 1];
            } else {
                CopyKernel.copy(x, offset, y, o, 1);
            }
            for (int a = rank - 1; a >= 0; a--) {
                if (++index[a] < outDims[a]) {
                    offset += step[a];
                    break;
                }
                offset -= (outDims[a] - 1) * step[a];
                index[a] = 0;
            }
        }
    }

    static long[] strides(Shape s) {
        long[] strides = new long[s.rank()];
        long stride = 1;
        for (int i = s.rank() - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= s.dim(i);
        }
        return strides;
    }

    static Kernel gather(Node node) {
        return (in, out) -> {
            Tensor data = in[0];
            Tensor indices = in[1];
            Shape s = data.shape();
            int axis = (int) (node.intAttr("axis", 0) < 0 ? node.intAttr("axis", 0) + s.rank() : node.intAttr("axis", 0));
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= s.dim(i);
            }
            long size = s.dim(axis);
            long inner = 1;
            for (int i = axis + 1; i < s.rank(); i++) {
                inner *= s.dim(i);
            }
            long picks = indices.elementCount();
            for (long p = 0; p < picks; p++) {
                long from = position(node, indices, p, size);
                for (long o = 0; o < outer; o++) {
                    CopyKernel.copy(data, (o * size + from) * inner, out[0], (o * picks + p) * inner, inner);
                }
            }
        };
    }

    /**
     * The position on an axis of {@code size} that element {@code at} of {@code indices} names, a
     * negative index counting from the end; an index outside the axis fails the run, naming it.
     */
    private static long position(Node node, Tensor indices, long at, long size) {
        long k = indices.getLong(at);
        if (k < -size || k >= size) {
            throw new InvalidInputException("index " + k + " at position " + at + " of the indices of node '" + node.name()
                    + "' (" + node.opType() + ") is outside an axis of size " + size);
        }
        return k < 0 ? k + size : k;
    }

    /** GatherElements, walking the indices in order with the data offset of their coordinates off the axis. */
    static Kernel gatherElements(Node node) {
        return (in, out) -> {
            Tensor data = in[0];
            Tensor indices = in[1];
            Shape s = data.shape();
            long[] dims = indices.shape().dims();
            int rank = dims.length;
            int axis = ShapeRules.axis(node, node.intAttr("axis", 0), rank);
            for (int a = 0; a < rank; a++) {
                if (a != axis && dims[a] > s.dim(a)) {
                    throw new InvalidInputException("the indices " + indices.shape() + " of node '" + node.name()
                            + "' (GatherElements) are larger than the data " + s + " on axis " + a);
                }
            }
            if (out[0].elementCount() == 0) {
                return;
            }
            long[] strides = strides(s);
            long[] index = new long[rank];
            long offset = 0;
            for (long p = 0; p < out[0].elementCount(); p++) {
                CopyKernel.copy(data, offset + position(node, indices, p, s.dim(axis)) * strides[axis], out[0], p, 1);
                for (int a = rank - 1; a >= 0; a--) {
                    long step = a == axis ? 0 : strides[a];
                    if (++index[a] < dims[a]) {
                        offset += step;
                        break;
                    }
                    offset -= (dims[a] - 1) * step;
                    index[a] = 0;
                }
            }
        };
    }

    /** GatherND: each index tuple's slice of the data, a contiguous block, is copied whole. */
    static Kernel gatherNd(Node node) {
        int batchDims = (int) node.intAttr("batch_dims", 0);
        return (in, out) -> {
            Tensor data = in[0];
            Tensor indices = in[1];
            Shape s = data.shape();
            Shape is = indices.shape();
            for (int a = 0; a < batchDims; a++) {
                if (s.dim(a) != is.dim(a)) {
                    throw new InvalidInputException("batch axis " + a + " of the data " + s + " and the indices " + is
                            + " of node '" + node.name() + "' (GatherND) differ");
                }
            }
            int tupleLength = (int) is.dim(is.rank() - 1);
            long[] strides = strides(s);
            long block = strides[batchDims + tupleLength - 1];
            long perBatch = LayoutSchema.product(s, batchDims, s.rank());
            long tuplesPerBatch = LayoutSchema.product(is, batchDims, is.rank() - 1);
            long tuples = LayoutSchema.product(is, 0, is.rank() - 1);
            for (long t = 0; t < tuples; t++) {
                long from = t / tuplesPerBatch * perBatch;
                for (int j = 0; j < tupleLength; j++) {
                    from += position(node, indices, t * tupleLength + j, s.dim(batchDims + j)) * strides[batchDims + j];
                }
                CopyKernel.copy(data, from, out[0], t * block, block);
            }
        };
    }

    static Kernel slice(Node node) {
        return (in, out) -> {
            List<Tensor> known = Arrays.asList(in);
            SliceRanges r = SliceRanges.of(node, types(in), known, in[0].shape());
            long[] strides = strides(in[0].shape());
            long base = 0;
            long[] step = new long[strides.length];
            for (int a = 0; a < strides.length; a++) {
                base += r.first()[a] * strides[a];
                step[a] = r.step()[a] * strides[a];
            }
            int last = strides.length - 1;
            walk(in[0], out[0], out[0].shape().dims(), step, base, last >= 0 && r.step()[last] == 1);
        };
    }

    /** The inputs' types, for the shape rules a kernel re-reads with the run's values (Slice's ranges, Pad's pads, Resize's scales). */
    static List<ValueInfo> types(Tensor[] in) {
        ValueInfo[] types = new ValueInfo[in.length];
        for (int i = 0; i < in.length; i++) {
            types[i] = in[i] == null ? null : new ValueInfo("input " + i, in[i].dtype(), in[i].shape());
        }
        return Arrays.asList(types);
    }

    static Kernel split(Node node) {
        return (in, out) -> {
            Tensor x = in[0];
            Shape s = x.shape();
            int axis = (int) (node.intAttr("axis", 0) < 0 ? node.intAttr("axis", 0) + s.rank() : node.intAttr("axis", 0));
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= s.dim(i);
            }
            long inner = 1;
            for (int i = axis + 1; i < s.rank(); i++) {
                inner *= s.dim(i);
            }
            long position = 0;
            for (Tensor y : out) {
                long size = y.shape().dim(axis);
                for (long o = 0; o < outer; o++) {
                    CopyKernel.copy(x, (o * s.dim(axis) + position) * inner, y, o * size * inner, size * inner);
                }
                position += size;
            }
        };
    }

    static Kernel expand() {
        return (in, out) -> {
            Broadcast b = new Broadcast(out[0].shape(), in[0].shape());
            for (long i = 0; i < out[0].elementCount(); i++) {
                CopyKernel.copy(in[0], b.map(i), out[0], i, 1);
            }
        };
    }

    /** Tile: each row of the input's last axis copied as many times as that axis repeats, into every output row it lands on. */
    static Kernel tile() {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            if (y.elementCount() == 0) {
                return;
            }
            Shape s = x.shape();
            int rank = s.rank();
            if (rank == 0) {
                CopyKernel.copy(x, 0, y, 0, 1);
                return;
            }
            long[] outDims = y.shape().dims();
            long[] strides = strides(s);
            long row = s.dim(rank - 1);
            long[] index = new long[rank - 1];
            for (long o = 0; o < y.elementCount(); o += outDims[rank - 1]) {
                long from = 0;
                for (int a = 0; a < rank - 1; a++) {
                    from += index[a] % s.dim(a) * strides[a];
                }
                for (long at = o; at < o + outDims[rank - 1]; at += row) {
                    CopyKernel.copy(x, from, y, at, row);
                }
                for (int a = rank - 2; a >= 0 && ++index[a] == outDims[a]; a--) {
                    index[a] = 0;
                }
            }
        };
    }

    static Kernel constantOfShape(Node node) {
        double value = node.floatAttr("value", 0);
        return (in, out) -> {
            Tensor y = out[0];
            boolean integral = !y.dtype().isFloating();
            for (long i = 0; i < y.elementCount(); i++) {
                if (integral) {
                    y.setLong(i, (long) value);
                } else {
                    y.setDouble(i, value);
                }
            }
        };
    }

    static Kernel range() {
        return (in, out) -> {
            Tensor y = out[0];
            boolean integral = !y.dtype().isFloating();
            for (long i = 0; i < y.elementCount(); i++) {
                if (integral) {
                    y.setLong(i, in[0].getLong(0) + i * in[2].getLong(0));
                } else {
                    y.setDouble(i, in[0].getDouble(0) + i * in[2].getDouble(0));
                }
            }
        };
    }

    static Kernel where() {
        return (in, out) -> {
            Tensor y = out[0];
            Broadcast c = new Broadcast(y.shape(), in[0].shape());
            Broadcast a = new Broadcast(y.shape(), in[1].shape());
            Broadcast b = new Broadcast(y.shape(), in[2].shape());
            for (long i = 0; i < y.elementCount(); i++) {
                boolean pick = in[0].getLong(c.map(i)) != 0;
                CopyKernel.copy(pick ? in[1] : in[2], pick ? a.map(i) : b.map(i), y, i, 1);
            }
        };
    }
}
