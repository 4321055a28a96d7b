package org.mleruntime.ops;

import java.util.Arrays;
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

    /** Fails unless the node has between {@code min} and {@code max} inputs and one output. */
    public static void arity(Node node, List<ValueInfo> inputs, int min, int max) {
        arity(node, inputs, min, max, 1, 1);
    }

    /** Fails unless the node has between {@code min} and {@code max} inputs and {@code minOut} to {@code maxOut} outputs. */
    public static void arity(Node node, List<ValueInfo> inputs, int min, int max, int minOut, int maxOut) {
        if (inputs.size() < min || inputs.size() > max) {
            String expected = min == max ? Integer.toString(min) : min + " to " + (max == Integer.MAX_VALUE ? "any number of" : max);
            throw error(node, "takes " + expected + " inputs, got " + inputs.size());
        }
        if (node.outputs().size() < minOut || node.outputs().size() > maxOut) {
            String expected = minOut == maxOut ? (minOut == 1 ? "one output" : minOut + " outputs")
                    : minOut + " to " + (maxOut == Integer.MAX_VALUE ? "any number of" : maxOut) + " outputs";
            throw error(node, "has " + expected + ", got " + node.outputs().size());
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

    /**
     * Numpy broadcasting. A symbolic dimension broadcasts against 1 or against itself (one name), and
     * against a fixed size k > 1 it must be k at run time; against a symbolic dimension of another
     * name the result is a symbolic dimension of unknown relation, checked when sizes are known. The
     * rows of a tabular graph (the symbolic dimension {@link Shape#ROWS}) are stricter: they
     * broadcast only against 1 or themselves, and stay on the first axis.
     */
    public static Shape broadcast(Node node, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        String[] names = new String[rank];
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            long da = ia < 0 ? 1 : a.dim(ia);
            long db = ib < 0 ? 1 : b.dim(ib);
            String na = ia < 0 ? null : a.symbol(ia);
            String nb = ib < 0 ? null : b.symbol(ib);
            if (da == Shape.BATCH && db == Shape.BATCH) {
                out[i] = Shape.BATCH;
                names[i] = na.equals(nb) ? na : Shape.UNKNOWN;
            } else if (da == Shape.BATCH || db == Shape.BATCH) {
                long fixed = da == Shape.BATCH ? db : da;
                if (fixed != 1 && Shape.ROWS.equals(da == Shape.BATCH ? na : nb)) {
                    throw error(node, "shapes " + a + " and " + b + " do not broadcast");
                }
                out[i] = fixed == 1 ? Shape.BATCH : fixed;
                names[i] = da == Shape.BATCH ? na : nb;
            } else if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw error(node, "shapes " + a + " and " + b + " do not broadcast");
            }
        }
        for (int i = 1; i < rank; i++) {
            if (Shape.ROWS.equals(names[i])) {
                throw error(node, "the batch dimension of " + a + " or " + b + " would land on axis " + i);
            }
        }
        return new Shape(out, names);
    }

    /** Fails unless sizes {@code a} and {@code b} can be equal: both fixed and different is an error, a symbolic one is checked at run time. */
    public static void sameSize(Node node, long a, long b, String what) {
        if (a != Shape.BATCH && b != Shape.BATCH && a != b) {
            throw error(node, what + ": " + a + " against " + b);
        }
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

    /**
     * The integer values of input {@code index} when they are known while planning (a constant, or a
     * shape computation already folded), else null; an absent optional input gives null too.
     */
    public static long[] knownInts(Node node, List<ValueInfo> inputs, List<Tensor> constants, int index) {
        if (index >= inputs.size() || inputs.get(index) == null || constants.get(index) == null) {
            return null;
        }
        Tensor t = constants.get(index);
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw error(node, "input " + index + " ('" + inputs.get(index).name() + "') must be int64 or int32, found " + t.dtype().label());
        }
        if (t.shape().rank() > 1) {
            throw error(node, "input " + index + " ('" + inputs.get(index).name() + "') must be a scalar or a vector, found " + t.shape());
        }
        long[] values = new long[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.getLong(i);
        }
        return values;
    }

    /** A shape of {@code rank} dimensions none of whose sizes is known while planning. */
    public static Shape unknown(int rank) {
        long[] dims = new long[rank];
        String[] names = new String[rank];
        Arrays.fill(dims, Shape.BATCH);
        Arrays.fill(names, Shape.UNKNOWN);
        return new Shape(dims, names);
    }
}
