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
        numeric(n, in.get(0));
        sameDtype(n, in.get(0), in.get(1));
        return List.of(out(n, in.get(0).dtype(), broadcast(n, in.get(0).shape(), in.get(1).shape())));
    }

    static List<ValueInfo> floatUnary(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        floating(n, in.getFirst());
        return List.of(out(n, in.getFirst().dtype(), in.getFirst().shape()));
    }

    /** IsNaN and IsInf: a bool per element of a float tensor. */
    static List<ValueInfo> floatPredicate(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        floating(n, in.getFirst());
        return List.of(out(n, DType.BOOL, in.getFirst().shape()));
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

    /** Softmax and (ONNX's) LogSoftmax along attribute {@code axis} (default the last; opset 13's meaning), never across the rows. */
    static List<ValueInfo> softmax(Node n, List<ValueInfo> in, List<Tensor> c) {
        List<ValueInfo> out = floatUnary(n, in, c);
        Shape s = in.getFirst().shape();
        if (s.rank() == 0) {
            throw error(n, "needs at least one axis");
        }
        int axis = axis(n, n.intAttr("axis", -1), s.rank());
        if (axis == 0 && Shape.ROWS.equals(s.symbol(0))) {
            throw error(n, "cannot normalise across the rows of a batch");
        }
        return out;
    }

    static List<ValueInfo> argMax(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        if (!in.getFirst().dtype().isNumeric()) {
            throw error(n, "input must be numeric");
        }
        return List.of(out(n, DType.INT64, reducedShape(n, in.getFirst().shape())));
    }

    /** The shape after ArgMax's reduction of the last axis (the only one it reduces). */
    private static Shape reducedShape(Node n, Shape s) {
        if (s.rank() < 2 || axis(n, n.intAttr("axis", -1), s.rank()) != s.rank() - 1) {
            throw error(n, "reduces only the last axis of a value of rank 2 or more, got " + s + " and axis " + n.intAttr("axis", -1));
        }
        boolean keep = n.intAttr("keepdims", 0) != 0;
        long[] d = s.dims();
        if (keep) {
            d[d.length - 1] = 1;
            return new Shape(d);
        }
        return new Shape(Arrays.copyOf(d, d.length - 1));
    }

    /** Comparisons of numbers (Equal also of bools), yielding bools. */
    static List<ValueInfo> comparison(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        if (!(n.opType().equals("Equal") && in.get(0).dtype() == DType.BOOL)) {
            numeric(n, in.get(0));
        }
        sameDtype(n, in.get(0), in.get(1));
        return List.of(out(n, DType.BOOL, broadcast(n, in.get(0).shape(), in.get(1).shape())));
    }

    /** And, Or, Xor of two bool tensors and Not of one. */
    static List<ValueInfo> logic(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, n.opType().equals("Not") ? 1 : 2, n.opType().equals("Not") ? 1 : 2);
        for (ValueInfo v : in) {
            if (v.dtype() != DType.BOOL) {
                throw error(n, "input '" + v.name() + "' must be bool, found " + v.dtype().label());
            }
        }
        Shape s = in.size() == 1 ? in.getFirst().shape() : broadcast(n, in.get(0).shape(), in.get(1).shape());
        return List.of(out(n, DType.BOOL, s));
    }

    private static void numeric(Node n, ValueInfo v) {
        DType t = v.dtype();
        if (t != DType.FLOAT32 && t != DType.FLOAT64 && t != DType.INT64 && t != DType.INT32) {
            throw error(n, "input '" + v.name() + "' must be float32, float64, int64 or int32, found " + t.label());
        }
    }

    /** LogSoftmax: the engine's float64 matrix form (scikit-learn's arithmetic) or ONNX's on any axis. */
    static List<ValueInfo> logSoftmax(Node n, List<ValueInfo> in, List<Tensor> c) {
        return scikitLearnLogSoftmax(n, in) ? LogSumExpSchema.logSoftmax(n, in, c) : softmax(n, in, c);
    }

    /** Whether a LogSoftmax is the float64 last-axis one of a matrix, computed as scikit-learn does. */
    static boolean scikitLearnLogSoftmax(Node n, List<ValueInfo> in) {
        ValueInfo x = in.getFirst();
        return x != null && x.dtype() == DType.FLOAT64 && x.shape().rank() == 2 && (n.intAttr("axis", -1) == -1 || n.intAttr("axis", -1) == 1);
    }
}
