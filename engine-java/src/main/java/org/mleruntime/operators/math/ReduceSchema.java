package org.mleruntime.operators.math;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.knownInts;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.unknown;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * ONNX's reductions (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
 * ReduceSumSquare, ReduceLogSumExp): over attribute {@code axes} or input 1, every axis when none
 * is given (none with {@code noop_with_empty_axes}), reduced axes kept as 1 with {@code keepdims}
 * (the default). ReduceSum without {@code axes} or input 1 keeps the engine's first meaning: the last
 * axis, by attribute {@code axis}.
 */
final class ReduceSchema {
    static final String[] OPERATORS = {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
        "ReduceSumSquare", "ReduceLogSumExp"};

    private ReduceSchema() {}

    static List<ValueInfo> reduce(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2);
        DType t = in.getFirst().dtype();
        if (!t.isFloating() && t != DType.INT64 && t != DType.INT32) {
            throw error(n, "reduces numbers; input is " + t.label());
        }
        Shape s = in.getFirst().shape();
        boolean[] reduced = reducedAxes(n, in, c, s.rank());
        boolean keep = n.intAttr("keepdims", 1) != 0;
        if (reduced == null) {
            // Axes from a value known only per run: the rank still follows from how many there are.
            Shape axes = in.get(1).shape();
            if (!keep && (axes.rank() != 1 || axes.isSymbolic(0))) {
                throw error(n, "the axes to reduce must be a vector of known length");
            }
            return List.of(out(n, t, unknown(keep ? s.rank() : (int) (s.rank() - axes.dim(0)))));
        }
        int rank = 0;
        for (boolean r : reduced) {
            rank += r && !keep ? 0 : 1;
        }
        long[] dims = new long[rank];
        String[] names = new String[rank];
        for (int i = 0, j = 0; i < s.rank(); i++) {
            if (!reduced[i]) {
                dims[j] = s.dim(i);
                names[j++] = s.symbol(i);
            } else if (keep) {
                dims[j++] = 1;
            }
        }
        return List.of(out(n, t, new Shape(dims, names)));
    }

    /** Which axes the node reduces; null while input 1 is not known. */
    static boolean[] reducedAxes(Node n, List<ValueInfo> in, List<Tensor> c, int rank) {
        long[] axes;
        if (n.hasAttr("axes")) {
            axes = n.intsAttr("axes");
        } else if (in.size() > 1 && in.get(1) != null) {
            axes = knownInts(n, in, c, 1);
            if (axes == null) {
                return null;
            }
        } else {
            axes = new long[0];
        }
        boolean[] reduced = new boolean[rank];
        if (axes.length == 0) {
            boolean legacyLastAxis = lastAxisSum(n);
            if (legacyLastAxis) {
                int axis = axis(n, n.intAttr("axis", -1), rank);
                if (axis != rank - 1) {
                    throw error(n, "without axes, reduces only the last axis; got axis " + n.intAttr("axis", -1) + " of rank " + rank);
                }
                reduced[axis] = true;
            } else if (n.intAttr("noop_with_empty_axes", 0) == 0) {
                Arrays.fill(reduced, true);
            }
            return reduced;
        }
        for (long a : axes) {
            int axis = axis(n, a, rank);
            if (reduced[axis]) {
                throw error(n, "axis " + axis + " is reduced twice");
            }
            reduced[axis] = true;
        }
        return reduced;
    }

    /** Whether the node is ReduceSum in the engine's first form: the last axis, by attribute {@code axis}. */
    static boolean lastAxisSum(Node n) {
        return n.opType().equals("ReduceSum") && !n.hasAttr("axes") && n.inputs().size() < 2;
    }

    /** A reduction splits by rows unless it reduces the first axis (or its axes are not yet known). */
    static boolean rowIndependent(Node n, List<ValueInfo> in) {
        ValueInfo x = in.getFirst();
        if (x == null || x.shape().rank() == 0) {
            return false;
        }
        if (!n.hasAttr("axes") && in.size() > 1 && in.get(1) != null) {
            return false;
        }
        boolean[] reduced = reducedAxes(n, in, Collections.nCopies(in.size(), null), x.shape().rank());
        return reduced != null && !reduced[0];
    }
}
