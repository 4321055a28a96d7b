package org.mleruntime.operators.math;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.broadcast;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Element-wise arithmetic and comparisons with numpy's broadcasting, the one-argument functions,
 * Clip, Softmax, and the reductions of the last axis (ReduceSum, ArgMax).
 */
final class ElementwiseSchema {
    private ElementwiseSchema() {}

    static List<ValueInfo> arithmetic(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        floating(n, in.get(0));
        sameDtype(n, in.get(0), in.get(1));
        return List.of(out(n, in.get(0).dtype(), broadcast(n, in.get(0).shape(), in.get(1).shape())));
    }

    static List<ValueInfo> floatUnary(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        floating(n, in.getFirst());
        return List.of(out(n, in.getFirst().dtype(), in.getFirst().shape()));
    }

    static List<ValueInfo> clip(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        ValueInfo x = in.getFirst();
        floating(n, x);
        for (int i = 1; i < 3; i++) {
            sameDtype(n, x, in.get(i));
            if (!broadcast(n, x.shape(), in.get(i).shape()).equals(x.shape())) {
                throw error(n, "bound '" + in.get(i).name() + "' of shape " + in.get(i).shape() + " does not broadcast to " + x.shape());
            }
        }
        return List.of(out(n, x.dtype(), x.shape()));
    }

    static List<ValueInfo> softmax(Node n, List<ValueInfo> in, List<Tensor> c) {
        List<ValueInfo> out = floatUnary(n, in, c);
        int rank = in.getFirst().shape().rank();
        if (axis(n, n.intAttr("axis", -1), rank) != rank - 1) {
            throw error(n, "only the last axis is supported");
        }
        return out;
    }

    static List<ValueInfo> reduceSum(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        floating(n, in.getFirst());
        return List.of(out(n, in.getFirst().dtype(), reducedShape(n, in.getFirst().shape())));
    }

    static List<ValueInfo> argMax(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        if (!in.getFirst().dtype().isNumeric()) {
            throw error(n, "input must be numeric");
        }
        return List.of(out(n, DType.INT64, reducedShape(n, in.getFirst().shape())));
    }

    /** The shape after reducing the last axis (the only one these operators reduce). */
    private static Shape reducedShape(Node n, Shape s) {
        if (s.rank() < 2 || axis(n, n.intAttr("axis", -1), s.rank()) != s.rank() - 1) {
            throw error(n, "reduces only the last axis of a value of rank 2 or more, got " + s + " and axis " + n.intAttr("axis", -1));
        }
        boolean keep = n.intAttr("keepdims", n.opType().equals("ArgMax") ? 0 : 1) != 0;
        long[] d = s.dims();
        if (keep) {
            d[d.length - 1] = 1;
            return new Shape(d);
        }
        return new Shape(Arrays.copyOf(d, d.length - 1));
    }

    static List<ValueInfo> greater(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        floating(n, in.get(0));
        sameDtype(n, in.get(0), in.get(1));
        return List.of(out(n, DType.BOOL, broadcast(n, in.get(0).shape(), in.get(1).shape())));
    }
}
