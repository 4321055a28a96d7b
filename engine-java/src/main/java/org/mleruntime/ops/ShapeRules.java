package org.mleruntime.ops;

import java.util.List;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** Checks and shape arithmetic shared by the operator schemas; every failure names the node. */
public final class ShapeRules {
    private ShapeRules() {}

    public static InvalidModelException error(Node node, String problem) {
        return new InvalidModelException("node '" + node.name() + "' (" + node.opType() + "): " + problem);
    }

    public static void arity(Node node, List<ValueInfo> inputs, int min, int max) {
        if (inputs.size() < min || inputs.size() > max) {
            String expected = min == max ? Integer.toString(min) : min + " to " + (max == Integer.MAX_VALUE ? "any number of" : max);
            throw error(node, "takes " + expected + " inputs, got " + inputs.size());
        }
        if (node.outputs().size() != 1) {
            throw error(node, "has one output, got " + node.outputs().size());
        }
    }

    /** {@code v}, or an error naming the node when the graph left this required input out (an empty name). */
    public static ValueInfo required(Node node, ValueInfo v) {
        if (v == null) {
            throw error(node, "a required input is missing (an empty input name stands for an optional input left out)");
        }
        return v;
    }

    public static void floating(Node node, ValueInfo v) {
        if (!required(node, v).dtype().isFloating()) {
            throw error(node, "input '" + v.name() + "' must be float32 or float64, found " + v.dtype().label());
        }
    }

    public static void sameDtype(Node node, ValueInfo a, ValueInfo b) {
        if (required(node, a).dtype() != required(node, b).dtype()) {
            throw error(node, "inputs '" + a.name() + "' (" + a.dtype().label() + ") and '" + b.name() + "' ("
                    + b.dtype().label() + ") must have the same dtype");
        }
    }

    public static void rank(Node node, ValueInfo v, int rank) {
        if (required(node, v).shape().rank() != rank) {
            throw error(node, "input '" + v.name() + "' must have rank " + rank + ", found shape " + v.shape());
        }
    }

    /** Numpy broadcasting where the batch dimension broadcasts only against 1 or itself. */
    public static Shape broadcast(Node node, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
            long db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw error(node, "shapes " + a + " and " + b + " do not broadcast");
            }
        }
        if (rank > 0) {
            for (int i = 1; i < rank; i++) {
                if (out[i] == Shape.BATCH) {
                    throw error(node, "the batch dimension of " + a + " or " + b + " would land on axis " + i);
                }
            }
        }
        return new Shape(out);
    }

    /** A non-negative axis for {@code axis} (which may count from the end) of a rank-{@code rank} value. */
    public static int axis(Node node, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw error(node, "axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** Input {@code index}, which must be a constant of {@code dtype} and rank {@code rank}; returns its value. */
    public static Tensor constant(Node node, List<ValueInfo> inputs, List<Tensor> constants, int index, DType dtype, int rank) {
        ValueInfo v = inputs.get(index);
        if (constants.get(index) == null) {
            throw error(node, "input " + index + " ('" + v.name() + "') must be a constant");
        }
        if (v.dtype() != dtype || v.shape().rank() != rank) {
            throw error(node, "input " + index + " ('" + v.name() + "') must be " + dtype.label() + " of rank " + rank
                    + ", found " + v.dtype().label() + v.shape());
        }
        return constants.get(index);
    }

    /** The columns of a matrix input [N, F]; fails unless the input has rank 2. */
    public static long columns(Node node, ValueInfo v) {
        if (v.shape().rank() != 2) {
            throw error(node, "input '" + v.name() + "' must be a matrix of rows [N, F], found " + v.shape());
        }
        return v.shape().dim(1);
    }

    public static ValueInfo out(Node node, DType dtype, Shape shape) {
        return new ValueInfo(node.outputs().getFirst(), dtype, shape);
    }
}
