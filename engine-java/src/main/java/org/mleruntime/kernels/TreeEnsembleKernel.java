package org.mleruntime.kernels;

import static org.mleruntime.ops.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.ops.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.ops.TreeEnsembleSchema.FEATURE_MASK;
import static org.mleruntime.ops.TreeEnsembleSchema.NAN_AS_ZERO;
import static org.mleruntime.ops.TreeEnsembleSchema.SET_GOES_RIGHT;
import static org.mleruntime.ops.TreeEnsembleSchema.TRUNCATE_CATEGORY;
import static org.mleruntime.ops.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * Walks every tree of a {@code TreeEnsemble} for every row, reading nodes and leaves in place from
 * the mapped file: a node's word, children and float32 threshold share one 16-byte record. Rows are
 * processed in blocks (read once into a Java array), tree by tree, so that a tree's top levels stay in cache, and eight rows walk
 * a tree abreast so that the processor overlaps their memory loads.
 *
 * <p>Nothing is checked up front beyond the per-tree arrays, so building the kernel costs nothing
 * per node. Instead every walk checks what it follows: a child index outside the nodes or leaves, a
 * feature outside the row, a missing category set, or a walk longer than {@code max_depth} (a cycle)
 * stops the run with an {@link InvalidModelException} naming the tree.
 */
final class TreeEnsembleKernel implements Kernel {
    private static final int LANES = 8;
    /** LightGBM's kZeroThreshold, a float32 constant: 1e-35f widened, 1.0000000180025095e-35. */
    private static final double ZERO_THRESHOLD = 1e-35f;
    /** Node flags that need more than a plain comparison. */
    private static final int SPECIAL = ZERO_IS_MISSING | NAN_AS_ZERO | CATEGORICAL;

    private final String name;
    private final MemorySegment nodes;
    private final long internal;
    private final MemorySegment thresholds64;
    private final int[] roots;
    private final int[] targets;
    private final Tensor leafTensor;
    private final long leafCount;
    private final int leafWidth;
    private final int outputs;
    private final boolean average;
    private final boolean lessOrEqual;
    private final long maxDepth;
    private final double[] base;
    private final MemorySegment categoryWords;
    private final int[] categoryOffsets;
    private final int features;

    TreeEnsembleKernel(Node node, List<Tensor> constants, long features) {
        this.name = node.name();
        Tensor nodeTensor = constants.get(1);
        this.nodes = nodeTensor.data();
        this.internal = nodeTensor.shape().dim(0);
        this.roots = ints(constants.get(2));
        this.leafTensor = constants.get(3);
        this.leafCount = constants.get(3).shape().dim(0);
        this.leafWidth = Math.toIntExact(constants.get(3).shape().dim(1));
        this.targets = ints(constants.get(4));
        Tensor thresholds = constants.size() > 5 ? constants.get(5) : null;
        this.thresholds64 = thresholds == null ? null : thresholds.data();
        Tensor words = constants.size() > 6 ? constants.get(6) : null;
        this.categoryWords = words == null ? MemorySegment.NULL : words.data();
        this.categoryOffsets = words == null ? new int[] {0} : ints(constants.get(7));
        this.outputs = Math.toIntExact(node.intAttr("n_targets", 1));
        this.average = node.stringAttr("aggregate", "sum").equals("average");
        this.lessOrEqual = node.stringAttr("comparison", "le").equals("le");
        this.maxDepth = node.intAttr("max_depth", internal);
        this.base = baseValues(node, outputs);
        this.features = Math.toIntExact(features);
        for (int t = 0; t < roots.length; t++) {
            if (targets[t] < 0 || targets[t] + leafWidth > outputs) {
                throw invalid("tree " + t + " writes outputs " + targets[t] + ".." + (targets[t] + leafWidth - 1) + " of " + outputs);
            }
            if (roots[t] >= internal || ~(long) roots[t] >= leafCount && roots[t] < 0) {
                throw invalid("tree " + t + " has root " + roots[t] + ", outside the " + internal + " nodes and " + leafCount + " leaves");
            }
        }
        for (int k = 0; k + 1 < categoryOffsets.length; k++) {
            if (categoryOffsets[k] < 0 || categoryOffsets[k] > categoryOffsets[k + 1] || categoryOffsets[k + 1] * 4L > categoryWords.byteSize()) {
                throw invalid("category set " + k + " lies outside category_words");
            }
        }
    }

    /** What distinguishes the code paths a model takes: input, threshold and leaf types, comparison. */
    static String variant(Node node, List<Tensor> constants) {
        boolean thresholds64 = constants.size() > 5 && constants.get(5) != null;
        boolean categorical = constants.size() > 6 && constants.get(6) != null;
        return node.stringAttr("comparison", "le") + (thresholds64 ? "-t64" : "-t32") + "-" + constants.get(3).dtype().label()
                + (categorical ? "-categorical" : "");
    }

    private static int[] ints(Tensor t) {
        int[] out = new int[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) t.getLong(i);
        }
        return out;
    }

    private static double[] baseValues(Node node, int outputs) {
        Attribute a = node.attributes().get("base_values");
        if (a == null) {
            return new double[outputs];
        }
        if (!(a instanceof Attribute.Floats f) || f.values().length != outputs) {
            throw new InvalidModelException("node '" + node.name() + "': base_values must be " + outputs + " floats");
        }
        return f.values();
    }

    private InvalidModelException invalid(String problem) {
        return new InvalidModelException("node '" + name + "' (TreeEnsemble): " + problem);
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        long rows = x.shape().dim(0);
        EnsembleBlock block = new EnsembleBlock(features, outputs, average, base, leafTensor);
        int[] position = new int[LANES];
        for (long first = 0; first < rows; first += EnsembleBlock.ROWS) {
            int count = (int) Math.min(EnsembleBlock.ROWS, rows - first);
            block.load(x, first, count);
            for (int t = 0; t < roots.length; t++) {
                for (int g = 0; g < count; g += LANES) {
                    int lanes = Math.min(LANES, count - g);
                    walk(t, lanes, g, block.features, position);
                    for (int i = 0; i < lanes; i++) {
                        long leaf = ~(long) position[i];
                        if (leaf >= leafCount) {
                            throw beyondLeaves(t, leaf);
                        }
                        block.addLeaf(g + i, leaf, targets[t]);
                    }
                }
            }
            block.store(out[0].data(), first, roots.length);
        }
    }

    /**
     * Walks {@code lanes} consecutive rows down tree {@code t} together, one level per round, leaving
     * each row's leaf (as ~index) in {@code position}.
     */
    private void walk(int t, int lanes, int firstRow, double[] block, int[] position) {
        int root = roots[t];
        java.util.Arrays.fill(position, 0, lanes, root);
        boolean active = root >= 0;
        for (long depth = 0; active; depth++) {
            if (depth > maxDepth) {
                throw cycle(t);
            }
            int live = 0;
            for (int i = 0; i < lanes; i++) {
                // Branch-free: a row already at its leaf computes a dummy step at node 0 and keeps its leaf,
                // since whether a row has finished is what the processor cannot predict.
                int n = position[i];
                int child = next(t, n & ~(n >> 31), block, (firstRow + i) * features);
                n = n >= 0 ? child : n;
                position[i] = n;
                live |= ~n;
            }
            active = live < 0;
        }
    }

    /**
     * The child of internal node {@code n} that the row at {@code rowBase} goes to. Kept small so
     * that the JIT inlines it, with the memory accesses' bounds checks, into the walk; anything but a
     * plain comparison of a present value goes to {@link #special}.
     */
    private int next(int t, int n, double[] block, int rowBase) {
        if (n >= internal) {
            throw beyondNodes(t, n);
        }
        long at = 4L * n;
        int word = nodes.getAtIndex(Tensor.I32, at);
        int feature = word & FEATURE_MASK;
        if (feature >= features) {
            throw beyondRow(t, n, feature);
        }
        double v = block[rowBase + feature];
        if ((word & SPECIAL) != 0 || v != v) {
            return special(t, n, at, word, v);
        }
        double threshold = thresholds64 != null ? thresholds64.getAtIndex(Tensor.F64, n) : Float.intBitsToFloat(nodes.getAtIndex(Tensor.I32, at + 3));
        return nodes.getAtIndex(Tensor.I32, at + ((lessOrEqual ? v <= threshold : v < threshold) ? 1 : 2));
    }

    private InvalidModelException beyondLeaves(int t, long leaf) {
        return invalid("tree " + t + " reaches leaf " + leaf + ", beyond the " + leafCount + " leaves");
    }

    private InvalidModelException cycle(int t) {
        return invalid("a walk down tree " + t + " is longer than max_depth " + maxDepth + ": the tree has a cycle");
    }

    /** Missing values, zero-as-missing and categorical splits. */
    private int special(int t, int n, long at, int word, double v) {
        boolean left;
        if (Double.isNaN(v) && (word & (NAN_AS_ZERO | ZERO_IS_MISSING)) != 0) {
            v = 0.0;
        }
        if (Double.isNaN(v) || ((word & ZERO_IS_MISSING) != 0 && Math.abs(v) <= ZERO_THRESHOLD)) {
            left = (word & DEFAULT_LEFT) != 0;
        } else if ((word & CATEGORICAL) != 0) {
            left = inCategorySet(t, n, word, threshold(at, n), v) != ((word & SET_GOES_RIGHT) != 0);
        } else {
            double threshold = threshold(at, n);
            left = lessOrEqual ? v <= threshold : v < threshold;
        }
        return nodes.getAtIndex(Tensor.I32, at + (left ? 1 : 2));
    }

    private InvalidModelException beyondNodes(int t, int n) {
        return invalid("tree " + t + " reaches node " + n + ", beyond the " + internal + " nodes");
    }

    private InvalidModelException beyondRow(int t, int n, int feature) {
        return invalid("node " + n + " of tree " + t + " splits on feature " + feature + " of " + features);
    }

    private double threshold(long at, int n) {
        return thresholds64 != null ? thresholds64.getAtIndex(Tensor.F64, n) : Float.intBitsToFloat(nodes.getAtIndex(Tensor.I32, at + 3));
    }

    private boolean inCategorySet(int t, int n, int word, double setIndex, double v) {
        int set = (int) setIndex;
        if (set != setIndex || set < 0 || set + 1 >= categoryOffsets.length) {
            throw invalid("categorical node " + n + " of tree " + t + " names category set " + setIndex + ", which does not exist");
        }
        boolean truncated = (word & TRUNCATE_CATEGORY) != 0;
        if (v <= -1 || v >= Integer.MAX_VALUE || (v < 0 && !truncated)) {
            return false;
        }
        int category = (int) v;
        int at = categoryOffsets[set] + (category >>> 5);
        if (at >= categoryOffsets[set + 1]) {
            return false;
        }
        return (categoryWords.getAtIndex(Tensor.I32, at) >>> (category & 31) & 1) != 0;
    }
}
