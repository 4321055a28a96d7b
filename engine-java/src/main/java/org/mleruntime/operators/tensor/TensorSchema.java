package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.sameDtype;

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
        if (axis == 0) {
            throw error(n, "cannot concatenate along the batch axis");
        }
        long[] d = first.shape().dims();
        d[axis] = 0;
        for (ValueInfo v : in) {
            sameDtype(n, first, v);
            if (v.shape().rank() != rank) {
                throw error(n, "all inputs need rank " + rank + ", '" + v.name() + "' has shape " + v.shape());
            }
            for (int i = 0; i < rank; i++) {
                if (i != axis && v.shape().dim(i) != first.shape().dim(i)) {
                    throw error(n, "input '" + v.name() + "' of shape " + v.shape() + " differs from " + first.shape() + " off the concatenation axis");
                }
            }
            d[axis] += v.shape().dim(axis);
        }
        return List.of(out(n, first.dtype(), new Shape(d)));
    }

    static List<ValueInfo> identity(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        return List.of(out(n, in.getFirst().dtype(), in.getFirst().shape()));
    }

    static List<ValueInfo> reshape(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        Shape from = in.getFirst().shape();
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
        return List.of(out(n, in.getFirst().dtype(), to));
    }
}
