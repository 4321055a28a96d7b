package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.broadcast;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.knownInts;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.sameDtype;
import static org.mleruntime.ops.ShapeRules.sameSize;
import static org.mleruntime.ops.ShapeRules.unknown;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/**
 * The shape rules of ONNX's data-movement operators (opset 13 and later): Shape, Transpose,
 * Squeeze, Unsqueeze, Flatten, Gather, GatherElements, GatherND, Slice, Split, Expand, Tile,
 * ConstantOfShape, Range and Where.
 * Sizes that come from another value (Slice's starts, Expand's shape) are read when that value is
 * known while planning — a constant, or a shape computation folded for the concrete inputs — and
 * are symbolic otherwise, to be known when a run's input shapes are.
 */
final class LayoutSchema {
    private LayoutSchema() {}

    static List<ValueInfo> shape(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        int[] range = shapeRange(n, in.getFirst().shape().rank());
        return List.of(out(n, DType.INT64, Shape.of(range[1] - range[0])));
    }

    /** The dimensions [start, end) Shape returns (opset 15's attributes, clamped as ONNX says). */
    static int[] shapeRange(Node n, int rank) {
        long start = n.intAttr("start", 0);
        long end = n.intAttr("end", rank);
        start = Math.clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.clamp(end < 0 ? end + rank : end, 0, rank);
        return new int[] {(int) start, (int) Math.max(start, end)};
    }

    /** Shape's value when the dimensions it returns are fixed. */
    static List<Tensor> shapeValue(Node n, List<ValueInfo> in) {
        Shape s = in.getFirst().shape();
        int[] range = shapeRange(n, s.rank());
        double[] dims = new double[range[1] - range[0]];
        for (int i = range[0]; i < range[1]; i++) {
            if (s.isSymbolic(i)) {
                return null;
            }
            dims[i - range[0]] = s.dim(i);
        }
        return List.of(Tensors.of(DType.INT64, Shape.of(dims.length), dims));
    }

    static List<ValueInfo> transpose(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        Shape s = in.getFirst().shape();
        int[] perm = permutation(n, s.rank());
        long[] dims = new long[s.rank()];
        String[] names = new String[s.rank()];
        for (int i = 0; i < perm.length; i++) {
            dims[i] = s.dim(perm[i]);
            names[i] = s.symbol(perm[i]);
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims, names)));
    }

    static int[] permutation(Node n, int rank) {
        int[] perm = new int[rank];
        if (!n.hasAttr("perm")) {
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
            return perm;
        }
        long[] given = n.intsAttr("perm");
        boolean[] seen = new boolean[rank];
        if (given.length != rank) {
            throw error(n, "perm " + Arrays.toString(given) + " does not permute " + rank + " axes");
        }
        for (int i = 0; i < rank; i++) {
            perm[i] = axis(n, given[i], rank);
            if (seen[perm[i]]) {
                throw error(n, "perm " + Arrays.toString(given) + " repeats axis " + perm[i]);
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    /** Squeeze's and Unsqueeze's axes: the attribute (opsets below 13) or input 1; null when input 1 is not known. */
    private static long[] axes(Node n, List<ValueInfo> in, List<Tensor> c) {
        if (n.hasAttr("axes")) {
            return n.intsAttr("axes");
        }
        return in.size() > 1 && in.get(1) != null ? knownInts(n, in, c, 1) : new long[0];
    }

    static List<ValueInfo> squeeze(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2);
        Shape s = in.getFirst().shape();
        long[] axes = axes(n, in, c);
        if (axes == null) {
            return List.of(out(n, in.getFirst().dtype(), unknown(s.rank() - countOf(n, in.get(1)))));
        }
        boolean[] drop = new boolean[s.rank()];
        if (axes.length == 0) {
            for (int i = 0; i < s.rank(); i++) {
                drop[i] = s.dim(i) == 1;
            }
        }
        for (long a : axes) {
            int axis = axis(n, a, s.rank());
            if (s.dim(axis) != 1 && !s.isSymbolic(axis)) {
                throw error(n, "cannot squeeze axis " + axis + " of size " + s.dim(axis) + " in " + s);
            }
            drop[axis] = true;
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (!drop[i]) {
                kept.add(i);
            }
        }
        return List.of(out(n, in.getFirst().dtype(), select(s, kept)));
    }

    static List<ValueInfo> unsqueeze(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2);
        Shape s = in.getFirst().shape();
        long[] axes = axes(n, in, c);
        if (axes == null) {
            return List.of(out(n, in.getFirst().dtype(), unknown(s.rank() + countOf(n, in.get(1)))));
        }
        int rank = s.rank() + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
            int axis = axis(n, a, rank);
            if (added[axis]) {
                throw error(n, "axis " + axis + " is given twice");
            }
            added[axis] = true;
        }
        long[] dims = new long[rank];
        String[] names = new String[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (added[i]) {
                dims[i] = 1;
            } else {
                dims[i] = s.dim(j);
                names[i] = s.symbol(j++);
            }
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims, names)));
    }

    /** How many values a vector input holds, which must be known even where its values are not. */
    private static int countOf(Node n, ValueInfo vector) {
        Shape s = vector.shape();
        if (s.rank() != 1 || s.isSymbolic(0)) {
            throw error(n, "'" + vector.name() + "' must be a vector of known length, found " + s);
        }
        return Math.toIntExact(s.dim(0));
    }

    static List<ValueInfo> flatten(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        Shape s = in.getFirst().shape();
        int axis = (int) (n.intAttr("axis", 1) < 0 ? n.intAttr("axis", 1) + s.rank() : n.intAttr("axis", 1));
        if (axis < 0 || axis > s.rank()) {
            throw error(n, "axis " + n.intAttr("axis", 1) + " is out of range for rank " + s.rank());
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(new long[] {product(s, 0, axis), product(s, axis, s.rank())},
                new String[] {axis == 1 ? s.symbol(0) : Shape.UNKNOWN, Shape.UNKNOWN})));
    }

    /** The product of dimensions [from, to), symbolic when one of them is. */
    static long product(Shape s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (s.isSymbolic(i)) {
                return Shape.BATCH;
            }
            p = Math.multiplyExact(p, s.dim(i));
        }
        return p;
    }

    static List<ValueInfo> gather(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        Shape data = in.get(0).shape();
        Shape indices = in.get(1).shape();
        indexDtype(n, in.get(1));
        if (data.rank() == 0) {
            throw error(n, "cannot gather from a scalar");
        }
        int axis = axis(n, n.intAttr("axis", 0), data.rank());
        List<Long> dims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < axis; i++) {
            dims.add(data.dim(i));
            names.add(data.symbol(i));
        }
        for (int i = 0; i < indices.rank(); i++) {
            dims.add(indices.dim(i));
            names.add(indices.symbol(i));
        }
        for (int i = axis + 1; i < data.rank(); i++) {
            dims.add(data.dim(i));
            names.add(data.symbol(i));
        }
        return List.of(out(n, in.get(0).dtype(), shape(dims, names)));
    }

    private static void indexDtype(Node n, ValueInfo indices) {
        DType it = indices.dtype();
        if (it != DType.INT64 && it != DType.INT32) {
            throw error(n, "indices must be int64 or int32, found " + it.label());
        }
    }

    /**
     * GatherElements: {@code Y[i…] = X[i…]} with the coordinate on {@code axis} taken from the indices
     * ({@code numpy.take_along_axis}). Indices have the data's rank and, off the axis, sizes no larger
     * than the data's (PyTorch's {@code gather}); the output has the indices' shape.
     */
    static List<ValueInfo> gatherElements(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        Shape data = in.get(0).shape();
        Shape indices = in.get(1).shape();
        indexDtype(n, in.get(1));
        if (data.rank() == 0 || indices.rank() != data.rank()) {
            throw error(n, "indices " + indices + " must have the rank of the data " + data + ", at least 1");
        }
        int axis = axis(n, n.intAttr("axis", 0), data.rank());
        for (int i = 0; i < data.rank(); i++) {
            if (i != axis && !data.isSymbolic(i) && !indices.isSymbolic(i) && indices.dim(i) > data.dim(i)) {
                throw error(n, "indices " + indices + " are larger than the data " + data + " on axis " + i);
            }
        }
        return List.of(out(n, in.get(0).dtype(), indices));
    }

    /**
     * GatherND: each tuple on the last axis of the indices addresses a slice of the data, after the
     * first {@code batch_dims} axes, which data and indices share. The tuples' length must be known
     * while planning, since it decides the output's rank.
     */
    static List<ValueInfo> gatherNd(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        Shape data = in.get(0).shape();
        Shape indices = in.get(1).shape();
        indexDtype(n, in.get(1));
        long batchDims = n.intAttr("batch_dims", 0);
        if (batchDims < 0 || batchDims >= Math.min(data.rank(), indices.rank())) {
            throw error(n, "batch_dims " + batchDims + " must be at least 0 and below the ranks of the data " + data
                    + " and the indices " + indices);
        }
        int b = (int) batchDims;
        int last = indices.rank() - 1;
        if (indices.isSymbolic(last)) {
            throw error(n, "the last axis of the indices " + indices + " must have a known size: the length of each index tuple");
        }
        long tuple = indices.dim(last);
        if (tuple < 1 || tuple > data.rank() - b) {
            throw error(n, "index tuples of length " + tuple + " do not address the data " + data + " after " + b + " batch axes");
        }
        for (int i = 0; i < b; i++) {
            sameSize(n, data.dim(i), indices.dim(i), "batch axis " + i + " of the data " + data + " and the indices " + indices);
        }
        List<Long> dims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < last; i++) {
            boolean fixedByData = i < b && indices.isSymbolic(i) && !data.isSymbolic(i);
            dims.add(fixedByData ? data.dim(i) : indices.dim(i));
            names.add(fixedByData ? null : indices.symbol(i));
        }
        for (int i = b + (int) tuple; i < data.rank(); i++) {
            dims.add(data.dim(i));
            names.add(data.symbol(i));
        }
        return List.of(out(n, in.get(0).dtype(), shape(dims, names)));
    }

    static List<ValueInfo> slice(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 5);
        Shape s = in.getFirst().shape();
        SliceRanges ranges = SliceRanges.of(n, in, c, s);
        if (ranges == null) {
            return List.of(out(n, in.getFirst().dtype(), unknown(s.rank())));
        }
        return List.of(out(n, in.getFirst().dtype(), ranges.outputShape()));
    }

    static List<ValueInfo> split(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2, 1, Integer.MAX_VALUE);
        Shape s = in.getFirst().shape();
        int axis = axis(n, n.intAttr("axis", 0), s.rank());
        long[] sizes = splitSizes(n, in, c, s, axis);
        List<ValueInfo> outs = new ArrayList<>();
        for (int i = 0; i < n.outputs().size(); i++) {
            Shape piece = sizes == null ? s.withDim(axis, Shape.BATCH, Shape.UNKNOWN) : s.withDim(axis, sizes[i], null);
            outs.add(new ValueInfo(n.outputs().get(i), in.getFirst().dtype(), piece));
        }
        return outs;
    }

    /** Each output's size along the axis: input 1, the attribute {@code split}, or equal parts; null while the axis or input 1 is not known. */
    static long[] splitSizes(Node n, List<ValueInfo> in, List<Tensor> c, Shape s, int axis) {
        int parts = n.outputs().size();
        long[] sizes = in.size() > 1 && in.get(1) != null ? knownInts(n, in, c, 1) : n.hasAttr("split") ? n.intsAttr("split") : null;
        if (in.size() > 1 && in.get(1) != null && sizes == null || s.isSymbolic(axis)) {
            return null;
        }
        long total = s.dim(axis);
        if (sizes == null) {
            sizes = new long[parts];
            long each = (total + parts - 1) / parts;
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.max(0, Math.min(each, total - i * each));
            }
        }
        if (sizes.length != parts || Arrays.stream(sizes).anyMatch(v -> v < 0) || Arrays.stream(sizes).sum() != total) {
            throw error(n, "cannot split " + total + " into " + Arrays.toString(sizes) + " for " + parts + " outputs");
        }
        return sizes;
    }

    static List<ValueInfo> expand(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        long[] target = knownInts(n, in, c, 1);
        if (target == null) {
            Shape shapeInput = in.get(1).shape();
            if (shapeInput.rank() != 1 || shapeInput.isSymbolic(0)) {
                throw error(n, "the shape to expand to must be a vector of known length");
            }
            return List.of(out(n, in.getFirst().dtype(), unknown((int) Math.max(shapeInput.dim(0), in.getFirst().shape().rank()))));
        }
        for (long d : target) {
            if (d < 0) {
                throw error(n, "cannot expand to a negative size in " + Arrays.toString(target));
            }
        }
        return List.of(out(n, in.getFirst().dtype(), broadcast(n, in.getFirst().shape(), Shape.of(target))));
    }

    /**
     * Tile: the input repeated {@code repeats[i]} times along each axis i (int64 input 1, one count
     * per axis, none negative). A symbolic axis keeps its name when repeated once.
     */
    static List<ValueInfo> tile(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        Shape s = in.getFirst().shape();
        Shape repeatsShape = in.get(1).shape();
        if (in.get(1).dtype() != DType.INT64 || repeatsShape.rank() != 1 || !repeatsShape.isSymbolic(0) && repeatsShape.dim(0) != s.rank()) {
            throw error(n, "repeats must be an int64 vector of one count per input axis (" + s.rank() + "), found "
                    + in.get(1).dtype().label() + repeatsShape);
        }
        long[] repeats = knownInts(n, in, c, 1);
        if (repeats == null) {
            return List.of(out(n, in.getFirst().dtype(), unknown(s.rank())));
        }
        long[] dims = new long[s.rank()];
        String[] names = new String[s.rank()];
        for (int i = 0; i < dims.length; i++) {
            if (repeats[i] < 0) {
                throw error(n, "repeats " + Arrays.toString(repeats) + " hold a negative count");
            }
            if (s.isSymbolic(i)) {
                dims[i] = Shape.BATCH;
                names[i] = repeats[i] == 1 ? s.symbol(i) : Shape.UNKNOWN;
            } else {
                try {
                    dims[i] = Math.multiplyExact(s.dim(i), repeats[i]);
                } catch (ArithmeticException e) {
                    throw error(n, "repeating " + s + " by " + Arrays.toString(repeats) + " overflows a size");
                }
            }
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims, names)));
    }

    static List<ValueInfo> constantOfShape(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        DType dtype = fillDtype(n);
        long[] dims = knownInts(n, in, c, 0);
        if (dims == null) {
            Shape shapeInput = in.getFirst().shape();
            if (shapeInput.rank() != 1 || shapeInput.isSymbolic(0)) {
                throw error(n, "the shape must be a vector of known length");
            }
            return List.of(out(n, dtype, unknown((int) shapeInput.dim(0))));
        }
        try {
            return List.of(out(n, dtype, Shape.of(dims)));
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
    }

    /** ConstantOfShape's dtype: attribute {@code dtype} (a dtype label), float32 by default as in ONNX. */
    static DType fillDtype(Node n) {
        try {
            DType t = DType.fromLabel(n.stringAttr("dtype", "float32"));
            if (!t.isNumeric()) {
                throw error(n, "fills only numbers, not " + t.label());
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
    }

    static List<ValueInfo> range(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        DType t = in.getFirst().dtype();
        for (int i = 0; i < 3; i++) {
            sameDtype(n, in.getFirst(), in.get(i));
            if (in.get(i).shape().rank() != 0) {
                throw error(n, "start, limit and delta must be scalars");
            }
        }
        if (c.get(0) == null || c.get(1) == null || c.get(2) == null) {
            return List.of(out(n, t, unknown(1)));
        }
        double start = c.get(0).getDouble(0);
        double limit = c.get(1).getDouble(0);
        double delta = c.get(2).getDouble(0);
        if (delta == 0 || !Double.isFinite(start) || !Double.isFinite(limit) || !Double.isFinite(delta)) {
            throw error(n, "Range needs finite start and limit and a non-zero delta");
        }
        return List.of(out(n, t, Shape.of((long) Math.max(0, Math.ceil((limit - start) / delta)))));
    }

    static List<ValueInfo> where(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        if (in.get(0).dtype() != DType.BOOL) {
            throw error(n, "the condition must be bool, found " + in.get(0).dtype().label());
        }
        sameDtype(n, in.get(1), in.get(2));
        Shape s = broadcast(n, broadcast(n, in.get(0).shape(), in.get(1).shape()), in.get(2).shape());
        return List.of(out(n, in.get(1).dtype(), s));
    }

    static Shape select(Shape s, List<Integer> axes) {
        List<Long> dims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int a : axes) {
            dims.add(s.dim(a));
            names.add(s.symbol(a));
        }
        return shape(dims, names);
    }

    static Shape shape(List<Long> dims, List<String> names) {
        return new Shape(dims.stream().mapToLong(Long::longValue).toArray(), names.toArray(String[]::new));
    }
}
