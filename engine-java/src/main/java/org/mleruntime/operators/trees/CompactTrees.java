package org.mleruntime.operators.trees;

import static org.mleruntime.operators.trees.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.FEATURE_MASK;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.NAN_AS_ZERO;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.MathKernels;

/**
 * The small trees of a {@code TreeEnsemble} — at most {@link #MAX_SPLITS} plain numeric splits
 * each, which covers boosted trees and forests grown on small data — recompiled when the kernel is
 * built into compact heap arrays, splits numbered breadth first so that a parent comes before its
 * children. Building reads each such tree's nodes once and checks every index it follows, so
 * evaluating needs no checks. Two ways to evaluate a tree for a block of rows:
 *
 * <ul>
 *   <li>walks, four rows abreast: a row that reaches a leaf stays there while the others go on, so
 *       only the end of the longest of four walks is a branch on the data;
 *   <li>row masks, when the math kernels compare many rows per instruction: every split of the
 *       tree is compared for all 64 rows at once, the row set at each split is divided between its
 *       children with two bit operations, and each leaf's rows become its rows' leaf slot.
 * </ul>
 *
 * A NaN goes where the split's default sends missing values, or, for splits that read NaN as zero,
 * where zero goes. Trees with categorical or zero-as-missing splits, or more splits, are walked from
 * the mapped file by {@link TreeEnsembleKernel}.
 */
final class CompactTrees {
    static final int MAX_SPLITS = 255;
    /** In {@link #feature}: a missing value goes right. */
    private static final int MISSING_RIGHT = 1 << 31;
    private static final int SPECIAL = ZERO_IS_MISSING | CATEGORICAL;
    /** Blocks with at least this many rows are routed as masks when compares are SIMD; fewer are walked. */
    private static final int MASKED_ROWS = 16;

    private final boolean lessOrEqual;
    private final MathKernels math;
    /** Per tree: its depth, or −1 when it is not compiled; its first split and split count, first leaf slot and slot count. */
    private final int[] depth;
    private final int[] splitStart;
    private final int[] splitCount;
    private final int[] slotStart;
    private final int[] slotCount;
    private final int[] feature;
    private final double[] threshold;
    /** Each split's feature and float32 threshold in one word (low and high half), when every threshold is a float32. */
    private final long[] packed;
    /** The thresholds as float32, when they and the inputs are float32, for SIMD compares of twice the rows. */
    private final float[] narrowThreshold;
    /**
     * Split s's children at {@code 2s} (left) and {@code 2s + 1} (right), relative to its tree: a split
     * index, or {@code ~slot} for a leaf.
     */
    private final int[] children;
    /** Each leaf slot's values, {@link #leafWidth} apiece, copied from the leaves so that a walk's end is one load. */
    private final double[] slotValue;
    private final int leafWidth;
    private final int widest;

    /** The reading of a TreeEnsemble's arrays that compilation needs, with the checks a walk would make. */
    static final class Source {
        private final String node;
        private final MemorySegment nodes;
        private final long internal;
        private final MemorySegment thresholds64;
        /** The node records and float64 thresholds read into the heap in one copy each, once compiling is worth it. */
        private int[] records;
        private double[] wideThresholds;
        private final int[] roots;
        private final MemorySegment leaves;
        private final boolean doubleLeaves;
        private final int leafWidth;
        private final long leafCount;
        private final int features;

        Source(String node, MemorySegment nodes, long internal, MemorySegment thresholds64, int[] roots, Tensor leaves, int features) {
            this.node = node;
            this.nodes = nodes;
            this.internal = internal;
            this.thresholds64 = thresholds64;
            this.roots = roots;
            this.leaves = leaves.data();
            this.doubleLeaves = leaves.dtype() == DType.FLOAT64;
            this.leafWidth = Math.toIntExact(leaves.shape().dim(1));
            this.leafCount = leaves.shape().dim(0);
            this.features = features;
        }

        void read() {
            if (records == null) {
                records = nodes.toArray(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
                wideThresholds = thresholds64 == null ? null
                        : thresholds64.toArray(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
            }
        }

        int word(int n) {
            return records[4 * n];
        }

        /** Node n's left (side 1) or right (side 2) child, checked. */
        int child(int t, int n, int side) {
            int c = records[4 * n + side];
            if (c >= internal) {
                throw invalid("node " + n + " of tree " + t + " reaches node " + c + ", beyond the " + internal + " nodes");
            }
            if (c < 0 && ~(long) c >= leafCount) {
                throw invalid("node " + n + " of tree " + t + " reaches leaf " + ~(long) c + ", beyond the " + leafCount + " leaves");
            }
            return c;
        }

        double threshold(int n) {
            return wideThresholds != null ? wideThresholds[n] : Float.intBitsToFloat(records[4 * n + 3]);
        }

        double leafValue(long index) {
            return doubleLeaves ? leaves.getAtIndex(Tensor.F64, index) : leaves.getAtIndex(Tensor.F32, index);
        }

        /**
         * How many records tree t can span when trees are stored one after another (roots increasing):
         * up to the next tree's root. A bound used only to skip planning trees too large to compile.
         */
        long span(int t) {
            for (int next = t + 1; next < roots.length; next++) {
                if (roots[next] >= 0) {
                    return roots[next] > roots[t] ? roots[next] - roots[t] : Long.MAX_VALUE;
                }
            }
            return internal - roots[t];
        }

        InvalidModelException invalid(String problem) {
            return new InvalidModelException("node '" + node + "' (TreeEnsemble): " + problem);
        }
    }

    /** One tree's file nodes in breadth-first order, with its depth, as found by {@link #plan}. */
    private record Plan(int[] splits, int leaves, int depth) {}

    private CompactTrees(Source source, boolean lessOrEqual, boolean floatInput, MathKernels math, Plan[] plans) {
        this.lessOrEqual = lessOrEqual;
        this.math = math;
        int trees = plans.length;
        depth = new int[trees];
        splitStart = new int[trees];
        splitCount = new int[trees];
        slotStart = new int[trees];
        slotCount = new int[trees];
        int splits = 0;
        int slots = 0;
        int widestTree = 0;
        for (int t = 0; t < trees; t++) {
            depth[t] = plans[t] == null ? -1 : plans[t].depth();
            splitStart[t] = splits;
            slotStart[t] = slots;
            if (plans[t] != null) {
                splitCount[t] = plans[t].splits().length;
                slotCount[t] = plans[t].leaves();
                splits += splitCount[t];
                slots += slotCount[t];
                widestTree = Math.max(widestTree, splitCount[t] + slotCount[t]);
            }
        }
        widest = widestTree;
        boolean floatThresholds = source.thresholds64 == null;
        feature = new int[splits];
        threshold = new double[splits];
        packed = floatThresholds ? new long[splits] : null;
        narrowThreshold = floatThresholds && floatInput ? new float[splits] : null;
        children = new int[2 * splits];
        leafWidth = source.leafWidth;
        slotValue = new double[slots * leafWidth];
        for (int t = 0; t < trees; t++) {
            if (plans[t] != null) {
                fill(source, t, plans[t]);
            }
        }
    }

    static CompactTrees compile(Source source, boolean lessOrEqual, boolean floatInput, MathKernels math) {
        Plan[] plans = new Plan[source.roots.length];
        int[] queue = new int[MAX_SPLITS];
        int[] level = new int[MAX_SPLITS];
        for (int t = 0; t < plans.length; t++) {
            if (source.roots[t] < 0 || source.span(t) <= MAX_SPLITS) {
                source.read();
                plans[t] = plan(source, t, queue, level);
            }
        }
        return new CompactTrees(source, lessOrEqual, floatInput, math, plans);
    }

    /**
     * Tree t's splits in breadth-first order, or null when it has more than {@link #MAX_SPLITS} or a
     * split that is not plain. Every child, feature and leaf index is checked on the way.
     */
    private static Plan plan(Source s, int t, int[] queue, int[] level) {
        int splits = 0;
        int leaves = 0;
        int depth = 0;
        int root = s.roots[t];
        if (root < 0) {
            leaf(s, t, root);
            return new Plan(new int[0], 1, 0);
        }
        queue[splits] = root;
        level[splits++] = 0;
        for (int head = 0; head < splits; head++) {
            int n = queue[head];
            int word = s.word(n);
            if ((word & SPECIAL) != 0) {
                return null;
            }
            if ((word & FEATURE_MASK) >= s.features) {
                throw s.invalid("node " + n + " of tree " + t + " splits on feature " + (word & FEATURE_MASK) + " of " + s.features);
            }
            for (int side = 1; side <= 2; side++) {
                int c = s.child(t, n, side);
                if (c < 0) {
                    leaf(s, t, c);
                    leaves++;
                    depth = Math.max(depth, level[head] + 1);
                } else if (splits == MAX_SPLITS) {
                    return null;
                } else {
                    queue[splits] = c;
                    level[splits++] = level[head] + 1;
                }
            }
        }
        return new Plan(Arrays.copyOf(queue, splits), leaves, depth);
    }

    private static void leaf(Source s, int t, int c) {
        if (~(long) c >= s.leafCount) {
            throw s.invalid("tree " + t + " reaches leaf " + ~(long) c + ", beyond the " + s.leafCount + " leaves");
        }
    }

    /** Writes tree t's splits, children and leaves in the order of its plan. */
    private void fill(Source s, int t, Plan plan) {
        int[] order = plan.splits();
        int first = splitStart[t];
        int firstSlot = slotStart[t];
        if (order.length == 0) {
            setSlot(s, firstSlot, ~s.roots[t]);
            return;
        }
        int nextSplit = 1;
        int nextSlot = 0;
        for (int i = 0; i < order.length; i++) {
            int n = order[i];
            int word = s.word(n);
            double limit = s.threshold(n);
            feature[first + i] = (word & FEATURE_MASK) | (missingGoesLeft(word, limit) ? 0 : MISSING_RIGHT);
            threshold[first + i] = limit;
            if (packed != null) {
                packed[first + i] = (word & FEATURE_MASK) | ((long) Float.floatToRawIntBits((float) limit) << 32);
            }
            if (narrowThreshold != null) {
                narrowThreshold[first + i] = (float) limit;
            }
            for (int side = 0; side < 2; side++) {
                int c = s.child(t, n, side + 1);
                if (c < 0) {
                    setSlot(s, firstSlot + nextSlot, ~c);
                    children[2 * (first + i) + side] = ~nextSlot++;
                } else {
                    // Breadth-first order numbers children in the order they are met, as plan() queued them.
                    children[2 * (first + i) + side] = nextSplit++;
                }
            }
        }
    }

    /** A missing value goes the node's default way; where NaN reads as zero (NAN_AS_ZERO), the way zero goes. */
    private boolean missingGoesLeft(int word, double limit) {
        if ((word & NAN_AS_ZERO) != 0) {
            return lessOrEqual ? 0.0 <= limit : 0.0 < limit;
        }
        return (word & DEFAULT_LEFT) != 0;
    }

    private void setSlot(Source s, int slot, int leaf) {
        for (int w = 0; w < leafWidth; w++) {
            slotValue[slot * leafWidth + w] = s.leafValue((long) leaf * leafWidth + w);
        }
    }

    boolean covers(int t) {
        return depth[t] >= 0;
    }

    /** Per-run working memory, sized for the largest compiled tree. */
    record Scratch(int[] slot, long[] goesRight, long[] reaches) {}

    Scratch scratch() {
        return new Scratch(new int[EnsembleBlock.ROWS], new long[Math.max(1, widest)], new long[Math.max(1, widest)]);
    }

    /** Adds tree {@code t}'s leaf values for every row of the block, from output column {@code target} on. */
    void evaluate(int t, EnsembleBlock block, int target, Scratch scratch) {
        if (math.wideCompares() && block.count >= MASKED_ROWS && splitCount[t] > 0) {
            routeMasks(t, block, scratch);
        } else {
            walk(t, block, scratch.slot());
        }
        addSlots(t, block, target, scratch.slot());
    }

    /**
     * Every split of the tree compared for all the block's rows at once (SIMD), then the rows routed
     * down as bit masks in breadth-first order: a split's rows divide into its children's, and the
     * rows that reach each leaf take its slot. No branch depends on the data.
     */
    private void routeMasks(int t, EnsembleBlock block, Scratch scratch) {
        int first = splitStart[t];
        int splits = splitCount[t];
        long[] right = scratch.goesRight();
        // reaches[i] for split i; reaches[splits + k] for leaf slot k.
        long[] reaches = scratch.reaches();
        if (narrowThreshold != null) {
            math.splitMasks(block.narrow(), feature, narrowThreshold, first, splits, lessOrEqual, block.missing, right);
        } else {
            math.splitMasks(block.features, feature, threshold, first, splits, lessOrEqual, block.missing, right);
        }
        reaches[0] = -1L;
        for (int i = 0; i < splits; i++) {
            int left = children[2 * (first + i)];
            int rightChild = children[2 * (first + i) + 1];
            reaches[left >= 0 ? left : splits + ~left] = reaches[i] & ~right[i];
            reaches[rightChild >= 0 ? rightChild : splits + ~rightChild] = reaches[i] & right[i];
        }
        math.maskToIndex(reaches, splits, slotCount[t], scratch.slot());
    }

    /**
     * Walks each row of the block down tree {@code t}, four rows abreast (their walks are independent,
     * so the processor overlaps their loads); {@code slot[r]} gets the
     * leaf slot row r reaches. A walk never takes more steps than the tree's depth.
     */
    private void walk(int t, EnsembleBlock block, int[] slot) {
        int d = depth[t];
        int first = splitStart[t];
        int start = rootOf(t);
        double[] x = block.features;
        int r = 0;
        if (packed != null && !block.missing) {
            for (; r + 4 <= block.count; r += 4) {
                int n0 = start, n1 = start, n2 = start, n3 = start;
                // Until all four are at leaves: rows of one block mostly end at similar depths.
                for (int level = 0; level < d && (n0 & n1 & n2 & n3) >= 0; level++) {
                    n0 = presentStep(first, n0, x, r);
                    n1 = presentStep(first, n1, x, r + 1);
                    n2 = presentStep(first, n2, x, r + 2);
                    n3 = presentStep(first, n3, x, r + 3);
                }
                slot[r] = ~n0;
                slot[r + 1] = ~n1;
                slot[r + 2] = ~n2;
                slot[r + 3] = ~n3;
            }
        } else {
            for (; r + 4 <= block.count; r += 4) {
                int n0 = start, n1 = start, n2 = start, n3 = start;
                for (int level = 0; level < d && (n0 & n1 & n2 & n3) >= 0; level++) {
                    n0 = step(first, n0, x, r);
                    n1 = step(first, n1, x, r + 1);
                    n2 = step(first, n2, x, r + 2);
                    n3 = step(first, n3, x, r + 3);
                }
                slot[r] = ~n0;
                slot[r + 1] = ~n1;
                slot[r + 2] = ~n2;
                slot[r + 3] = ~n3;
            }
        }
        for (; r < block.count; r++) {
            int n = start;
            for (int level = 0; level < d && n >= 0; level++) {
                n = step(first, n, x, r);
            }
            slot[r] = ~n;
        }
    }

    /** Whether trees t to t + 3 are all compiled. */
    boolean coversFour(int t) {
        return t + 3 < depth.length && covers(t) && covers(t + 1) && covers(t + 2) && covers(t + 3);
    }

    /**
     * Trees t to t + 3 for each row of a block of fewer than four rows, walked four trees abreast:
     * a lone row has no other row's walk to overlap with, but its walks down different trees are
     * independent too. The leaves are then added in tree order, as {@link #evaluate} adds them.
     */
    void evaluateFourTrees(int t, EnsembleBlock block, int[] targets) {
        int d = Math.max(Math.max(depth[t], depth[t + 1]), Math.max(depth[t + 2], depth[t + 3]));
        int f0 = stepBase(t), f1 = stepBase(t + 1), f2 = stepBase(t + 2), f3 = stepBase(t + 3);
        double[] x = block.features;
        boolean present = packed != null && !block.missing;
        for (int r = 0; r < block.count; r++) {
            int n0 = rootOf(t), n1 = rootOf(t + 1), n2 = rootOf(t + 2), n3 = rootOf(t + 3);
            for (int level = 0; level < d && (n0 & n1 & n2 & n3) >= 0; level++) {
                if (present) {
                    n0 = presentStep(f0, n0, x, r);
                    n1 = presentStep(f1, n1, x, r);
                    n2 = presentStep(f2, n2, x, r);
                    n3 = presentStep(f3, n3, x, r);
                } else {
                    n0 = step(f0, n0, x, r);
                    n1 = step(f1, n1, x, r);
                    n2 = step(f2, n2, x, r);
                    n3 = step(f3, n3, x, r);
                }
            }
            addSlot(t, ~n0, block, r, targets[t]);
            addSlot(t + 1, ~n1, block, r, targets[t + 1]);
            addSlot(t + 2, ~n2, block, r, targets[t + 2]);
            addSlot(t + 3, ~n3, block, r, targets[t + 3]);
        }
    }

    /**
     * The split a walk down tree t indexes from. A tree that is a lone leaf has none of its own, yet
     * its walk still steps (absorbed) while the other three go on: it steps at split 0, which exists
     * whenever any of the four trees has a split.
     */
    private int stepBase(int t) {
        return splitCount[t] == 0 ? 0 : splitStart[t];
    }

    /** Where a walk down tree t starts: its first split, or its only leaf's slot. */
    private int rootOf(int t) {
        return splitCount[t] == 0 ? ~0 : 0;
    }

    private void addSlot(int t, int slot, EnsembleBlock block, int r, int target) {
        int first = (slotStart[t] + slot) * leafWidth;
        for (int w = 0; w < leafWidth; w++) {
            block.add(r, target + w, slotValue[first + w]);
        }
    }

    /** Where row r goes from position n (a split, or ~slot once at a leaf, where it stays); the block has no NaN. */
    private int presentStep(int first, int n, double[] x, int r) {
        int at = first + (n & ~(n >> 31));
        long split = packed[at];
        double v = x[(int) split * EnsembleBlock.ROWS + r];
        float limit = Float.intBitsToFloat((int) (split >>> 32));
        return TreeEnsembleKernel.stay(n, children[2 * at + ((lessOrEqual ? v <= limit : v < limit) ? 0 : 1)]);
    }

    /** Where row r goes from position n, missing values included. */
    private int step(int first, int n, double[] x, int r) {
        int at = first + (n & ~(n >> 31));
        int f = feature[at];
        double v = x[(f & FEATURE_MASK) * EnsembleBlock.ROWS + r];
        double limit = threshold[at];
        int right = (lessOrEqual ? v <= limit : v < limit) ? 0 : 1;
        if (v != v) {
            right = f >>> 31;
        }
        return TreeEnsembleKernel.stay(n, children[2 * at + right]);
    }

    /** Adds to each row r of the block the leaf in slot {@code slot[r]} of tree t. */
    private void addSlots(int t, EnsembleBlock block, int target, int[] slot) {
        int first = slotStart[t] * leafWidth;
        if (leafWidth > 1) {
            for (int r = 0; r < block.count; r++) {
                slot[r] *= leafWidth;
            }
        }
        for (int w = 0; w < leafWidth; w++) {
            math.gatherAdd(slotValue, first + w, slot, block.acc, (target + w) * EnsembleBlock.ROWS, block.count);
        }
    }

}
