package org.mleruntime.operators.trees;

import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * The ObliviousTreeEnsemble operator: symmetric trees (CatBoost's), where every node of a level
 * tests the same split, so a tree of depth d is d splits and 2^d leaves and a row's leaf index is
 * the d comparison bits. docs/OPERATORS.md defines it.
 */
public final class ObliviousTreeEnsembleSchema {
    /** Low 24 bits of a split's word: the feature index. */
    public static final int FEATURE_MASK = 0xFF_FFFF;
    /** A missing value sets the split's bit (goes to the "greater" side). */
    public static final int NAN_GOES_ONE = 1 << 24;
    /** Deepest tree the leaf index (an int) can address. */
    public static final int MAX_DEPTH = 30;

    private ObliviousTreeEnsembleSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        if (in.size() != 5) {
            throw error(n, "takes 5 inputs (X, splits, trees, leaves, tree_targets), got " + in.size());
        }
        ValueInfo x = in.get(0);
        floating(n, x);
        rank(n, x, 2);
        for (int i = 1; i < 5; i++) {
            if (constants.get(i) == null) {
                throw error(n, "input " + i + " ('" + in.get(i).name() + "') must be a constant");
            }
        }
        expect(n, in.get(1), DType.INT32, 2, 2);
        expect(n, in.get(2), DType.INT32, 2, 2);
        floating(n, in.get(3));
        rank(n, in.get(3), 2);
        if (in.get(4).dtype() != DType.INT32 || in.get(4).shape().rank() != 1 || in.get(4).shape().dim(0) != in.get(2).shape().dim(0)) {
            throw error(n, "tree_targets must be int32 with one entry per tree, got " + in.get(4).dtype().label() + in.get(4).shape());
        }
        long targets = n.intAttr("n_targets", 1);
        if (targets < 1) {
            throw error(n, "n_targets must be at least 1");
        }
        String aggregate = n.stringAttr("aggregate", "sum");
        if (!aggregate.equals("sum") && !aggregate.equals("average")) {
            throw error(n, "aggregate must be 'sum' or 'average', found '" + aggregate + "'");
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(x.shape().dim(0), targets)));
    }

    private static void expect(Node n, ValueInfo v, DType dtype, int rank, long columns) {
        if (v.dtype() != dtype || v.shape().rank() != rank || v.shape().dim(1) != columns) {
            throw error(n, "'" + v.name() + "' must be " + dtype.label() + " of shape [*, " + columns + "], got " + v.dtype().label() + v.shape());
        }
    }
}
