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
 * The TreeEnsemble operator: decision trees of any origin (scikit-learn, XGBoost, LightGBM,
 * CatBoost) in one compact layout. docs/OPERATORS.md defines the layout and the routing rules;
 * this class checks the shapes and dtypes of the arrays; the kernel checks every index it follows
 * as it follows it, so that opening a model does not cost a pass over all its nodes.
 */
public final class TreeEnsembleSchema {
    /** Low 24 bits of a node's first word: the feature index. */
    public static final int FEATURE_MASK = 0xFF_FFFF;
    /** A missing value goes to the left child. */
    public static final int DEFAULT_LEFT = 1 << 24;
    /** Zero is missing too, and NaN is treated as zero first (LightGBM's zero-as-missing). */
    public static final int ZERO_IS_MISSING = 1 << 25;
    /** Nothing is missing: NaN is treated as zero (LightGBM's missing type "none"). */
    public static final int NAN_AS_ZERO = 1 << 26;
    /** Categorical split: the threshold holds the index of this node's category set. */
    public static final int CATEGORICAL = 1 << 27;
    /** Categories in the set go right (XGBoost); otherwise they go left (LightGBM, scikit-learn). */
    public static final int SET_GOES_RIGHT = 1 << 28;
    /** A categorical value is truncated toward zero before the negative test, so x in (−1, 0) is category 0 (LightGBM's {@code static_cast<int>}). */
    public static final int TRUNCATE_CATEGORY = 1 << 29;

    static final int X = 0;
    static final int NODES = 1;
    static final int ROOTS = 2;
    static final int LEAVES = 3;
    static final int TREE_TARGETS = 4;
    static final int THRESHOLDS = 5;
    static final int CATEGORY_WORDS = 6;
    static final int CATEGORY_OFFSETS = 7;

    private TreeEnsembleSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        if (in.size() < 5 || in.size() > 8) {
            throw error(n, "takes 5 to 8 inputs (X, nodes, roots, leaves, tree_targets, then optional thresholds, category_words, "
                    + "category_offsets), got " + in.size());
        }
        ValueInfo x = in.get(X);
        floating(n, x);
        rank(n, x, 2);
        for (int i = 1; i < in.size(); i++) {
            if (in.get(i) != null && constants.get(i) == null) {
                throw error(n, "input " + i + " ('" + in.get(i).name() + "') must be a constant");
            }
        }
        for (int i = 1; i < 5; i++) {
            if (in.get(i) == null) {
                throw error(n, "input " + i + " is required");
            }
        }
        expect(n, in.get(NODES), DType.INT32, 2);
        long internal = in.get(NODES).shape().dim(0);
        if (in.get(NODES).shape().dim(1) != 4) {
            throw error(n, "nodes must have shape [internal nodes, 4], got " + in.get(NODES).shape());
        }
        expect(n, in.get(ROOTS), DType.INT32, 1);
        floating(n, in.get(LEAVES));
        rank(n, in.get(LEAVES), 2);
        expect(n, in.get(TREE_TARGETS), DType.INT32, 1);
        if (in.get(TREE_TARGETS).shape().dim(0) != in.get(ROOTS).shape().dim(0)) {
            throw error(n, "tree_targets needs one entry per tree (" + in.get(ROOTS).shape().dim(0) + ")");
        }
        if (optional(in, THRESHOLDS) != null) {
            expect(n, in.get(THRESHOLDS), DType.FLOAT64, 1);
            if (in.get(THRESHOLDS).shape().dim(0) != internal) {
                throw error(n, "thresholds has " + in.get(THRESHOLDS).shape().dim(0) + " entries for " + internal + " nodes");
            }
        }
        if ((optional(in, CATEGORY_WORDS) == null) != (optional(in, CATEGORY_OFFSETS) == null)) {
            throw error(n, "category_words and category_offsets come together");
        }
        if (optional(in, CATEGORY_WORDS) != null) {
            expect(n, in.get(CATEGORY_WORDS), DType.INT32, 1);
            expect(n, in.get(CATEGORY_OFFSETS), DType.INT32, 1);
        }
        long targets = n.intAttr("n_targets", 1);
        if (targets < 1) {
            throw error(n, "n_targets must be at least 1");
        }
        long maxDepth = n.intAttr("max_depth", internal);
        // A walk longer than the internal nodes repeats one, so this bound is what keeps a walk down
        // a tree that is its own descendant finite.
        if (maxDepth < 0 || maxDepth > internal) {
            throw error(n, "max_depth must be from 0 to the " + internal + " internal nodes, got " + maxDepth);
        }
        String aggregate = n.stringAttr("aggregate", "sum");
        if (!aggregate.equals("sum") && !aggregate.equals("average")) {
            throw error(n, "aggregate must be 'sum' or 'average', found '" + aggregate + "'");
        }
        String comparison = n.stringAttr("comparison", "le");
        if (!comparison.equals("le") && !comparison.equals("lt")) {
            throw error(n, "comparison must be 'le' or 'lt', found '" + comparison + "'");
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(x.shape().dim(0), targets)));
    }

    private static ValueInfo optional(List<ValueInfo> in, int index) {
        return index < in.size() ? in.get(index) : null;
    }

    private static void expect(Node n, ValueInfo v, DType dtype, int rank) {
        if (v.dtype() != dtype || v.shape().rank() != rank) {
            throw error(n, "'" + v.name() + "' must be " + dtype.label() + " of rank " + rank + ", got " + v.dtype().label() + v.shape());
        }
    }
}
