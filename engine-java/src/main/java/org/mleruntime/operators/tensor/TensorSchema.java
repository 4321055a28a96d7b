package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
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
import org.mleruntime.ir.ValueInfo;

/** Operators that move or relabel elements without arithmetic: Cast, LabelMap, Concat, Identity, Reshape. */
final class TensorSchema {
    private TensorSchema() {}

    static List<ValueInfo> cast(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        DType to;
        try {
            to = DType.fromLabel(n.stringAttr("to", ""));
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
        if (!to.isNumeric() || !in.getFirst().dtype().isNumeric()) {
            throw error(n, "casts only between numeric dtypes");
        }
        return List.of(out(n, to, in.getFirst().shape()));
    }

    static List<ValueInfo> labelMap(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        DType idx = in.get(0).dtype();
        if (idx != DType.INT64 && idx != DType.INT32 && idx != DType.BOOL) {
            throw error(n, "indices must be int64, int32 or bool, found " + idx.label());
        }
        if (c.get(1) == null || c.get(1).shape().rank() != 1) {
            throw error(n, "labels must be a rank-1 constant");
        }
        return List.of(out(n, in.get(1).dtype(), in.get(0).shape()));
    }

    static List<ValueInfo> concat(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, Integer.MAX_VALUE);
        ValueInfo first = in.getFirst();
        int rank = first.shape().rank();
        int axis = axis(n, n.intAttr("axis", 1), rank);
        if (axis == 0 && Shape.ROWS.equals(first.shape().symbol(0))) {
            throw error(n, "cannot concatenate along the batch axis");
        }
        long[] d = first.shape().dims();
        String[] names = first.shape().symbols();
        d[axis] = 0;
        for (ValueInfo v : in) {
            sameDtype(n, first, v);
            if (v.shape().rank() != rank) {
                throw error(n, "all inputs need rank " + rank + ", '" + v.name() + "' has shape " + v.shape());
            }
            for (int i = 0; i < rank; i++) {
                if (i != axis) {
                    sameSize(n, v.shape().dim(i), first.shape().dim(i), "input '" + v.name() + "' of shape " + v.shape()
                            + " differs from " + first.shape() + " off the concatenation axis");
                    if (d[i] == Shape.BATCH && !v.shape().isSymbolic(i)) {
                        d[i] = v.shape().dim(i);
                        names[i] = null;
                    }
                }
            }
            boolean symbolic = d[axis] == Shape.BATCH || v.shape().isSymbolic(axis);
            d[axis] = symbolic ? Shape.BATCH : d[axis] + v.shape().dim(axis);
            names[axis] = symbolic ? Shape.UNKNOWN : null;
        }
        return List.of(out(n, first.dtype(), new Shape(d, names)));
    }

    static List<ValueInfo> identity(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        return List.of(out(n, in.getFirst().dtype(), in.getFirst().shape()));
    }

    /**
     * Reshape to attribute {@code shape} (the batch staying first), or, in ONNX's form, to the shape
     * held by input 1: 0 copies the input's dimension (unless {@code allowzero}), one −1 takes what
     * is left; sizes unknown while planning make the output's dimensions symbolic.
     */
    static List<ValueInfo> reshape(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2);
        Shape from = in.getFirst().shape();
        if (in.size() == 2) {
            return List.of(out(n, in.getFirst().dtype(), reshaped(n, from, in, c)));
        }
        Shape to;
        try {
            to = new Shape(n.intsAttr("shape"));
        } catch (IllegalArgumentException e) {
            throw error(n, e.getMessage());
        }
        if (from.isBatched() != to.isBatched()) {
            throw error(n, "the batch dimension must stay first: cannot reshape " + from + " to " + to);
        }
        long fromElems = from.isBatched() ? from.elementsPerRow() : from.elementCount();
        long toElems = to.isBatched() ? to.elementsPerRow() : to.elementCount();
        if (fromElems != toElems) {
            throw error(n, "cannot reshape " + from + " to " + to);
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(to.dims(), nameRows(to, from))));
    }

    /** The batch's name kept through a reshape that keeps it first. */
    private static String[] nameRows(Shape to, Shape from) {
        String[] names = to.symbols();
        if (to.isBatched() && from.isBatched()) {
            names[0] = from.symbol(0);
        }
        return names;
    }

    private static Shape reshaped(Node n, Shape from, List<ValueInfo> in, List<Tensor> c) {
        long[] target = knownInts(n, in, c, 1);
        if (target == null) {
            Shape shapeInput = in.get(1).shape();
            if (shapeInput.rank() != 1 || shapeInput.isSymbolic(0)) {
                throw error(n, "the target shape must be a vector of known length");
            }
            return unknown((int) shapeInput.dim(0));
        }
        boolean allowZero = n.intAttr("allowzero", 0) != 0;
        long[] dims = new long[target.length];
        String[] names = new String[target.length];
        int inferred = -1;
        long fixedTo = 1;
        for (int i = 0; i < target.length; i++) {
            long d = target[i];
            if (d == 0 && !allowZero) {
                if (i >= from.rank()) {
                    throw error(n, "0 at axis " + i + " copies a dimension " + from + " does not have");
                }
                dims[i] = from.dim(i);
                names[i] = from.symbol(i);
            } else if (d == -1) {
                if (inferred >= 0) {
                    throw error(n, "more than one −1 in " + Arrays.toString(target));
                }
                inferred = i;
                continue;
            } else if (d < 0) {
                throw error(n, "invalid size " + d + " in " + Arrays.toString(target));
            } else {
                dims[i] = d;
            }
            if (dims[i] != Shape.BATCH) {
                fixedTo = Math.multiplyExact(fixedTo, dims[i]);
            }
        }
        long fixedFrom = 1;
        List<String> symbolsFrom = new ArrayList<>();
        for (int i = 0; i < from.rank(); i++) {
            if (from.isSymbolic(i)) {
                symbolsFrom.add(from.symbol(i));
            } else {
                fixedFrom = Math.multiplyExact(fixedFrom, from.dim(i));
            }
        }
        List<String> symbolsTo = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (i != inferred && dims[i] == Shape.BATCH) {
                symbolsTo.add(names[i]);
            }
        }
        if (inferred >= 0) {
            List<String> left = new ArrayList<>(symbolsFrom);
            boolean matched = symbolsTo.stream().allMatch(left::remove);
            if (matched && left.isEmpty() && fixedTo != 0 && fixedFrom % fixedTo == 0) {
                dims[inferred] = fixedFrom / fixedTo;
            } else if (matched && left.size() == 1 && fixedFrom == fixedTo && !left.getFirst().equals(Shape.UNKNOWN)) {
                dims[inferred] = Shape.BATCH;
                names[inferred] = left.getFirst();
            } else if (symbolsFrom.isEmpty() && symbolsTo.isEmpty()) {
                throw error(n, "cannot reshape " + from + " to " + Arrays.toString(target));
            } else {
                dims[inferred] = Shape.BATCH;
                names[inferred] = Shape.UNKNOWN;
            }
        } else if (symbolsFrom.isEmpty() && symbolsTo.isEmpty() && fixedFrom != fixedTo) {
            throw error(n, "cannot reshape " + from + " to " + Arrays.toString(target));
        }
        return new Shape(dims, names);
    }
}

