package org.mleruntime.kernels;

import static org.mleruntime.ops.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.ops.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.ops.TreeEnsembleSchema.FEATURE_MASK;
import static org.mleruntime.ops.TreeEnsembleSchema.NAN_AS_ZERO;
import static org.mleruntime.ops.TreeEnsembleSchema.SET_GOES_RIGHT;
import static org.mleruntime.ops.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.List;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * Walks every tree of a {@code TreeEnsemble} for every row, reading the node arrays in place from
 * the mapped file. Rows are processed in blocks, tree by tree, so one tree's nodes stay in cache
 * while a block of rows walks it. The ensemble's structure is checked once, when the kernel is
 * built: child indices in range, every node reached once (no cycles, no sharing), leaves and
 * targets in range, so a walk always ends.
 */
final class TreeEnsembleKernel implements Kernel {
    private static final int BLOCK = 64;
    private static final double ZERO_THRESHOLD = 1e-35;

    private final MemorySegment nodes;
    private final MemorySegment thresholds;
    private final boolean doubleThresholds;
    private final int[] roots;
    private final int[] targets;
    private final MemorySegment leaves;
    private final boolean doubleLeaves;
    private final int leafWidth;
    private final int outputs;
    private final boolean average;
    private final boolean lessOrEqual;
    private final double[] base;
    private final MemorySegment categoryWords;
    private final int[] categoryOffsets;
    private final int features;

    TreeEnsembleKernel(Node node, List<Tensor> constants, long features) {
        Tensor nodeTensor = constants.get(1);
        this.nodes = nodeTensor.data();
        this.thresholds = constants.get(2).data();
        this.doubleThresholds = constants.get(2).dtype() == DType.FLOAT64;
        this.roots = ints(constants.get(3));
        this.leaves = constants.get(4).data();
        this.doubleLeaves = constants.get(4).dtype() == DType.FLOAT64;
        this.leafWidth = Math.toIntExact(constants.get(4).shape().dim(1));
        this.targets = ints(constants.get(5));
        this.outputs = Math.toIntExact(node.intAttr("n_targets", 1));
        this.average = node.stringAttr("aggregate", "sum").equals("average");
        this.lessOrEqual = node.stringAttr("comparison", "le").equals("le");
        this.base = baseValues(node, outputs);
        this.categoryWords = constants.size() > 6 ? constants.get(6).data() : MemorySegment.NULL;
        this.categoryOffsets = constants.size() > 6 ? ints(constants.get(7)) : new int[] {0};
        this.features = Math.toIntExact(features);
        validate(node, nodeTensor.shape().dim(0), constants.get(4).shape().dim(0));
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

    private void validate(Node node, long internal, long leafCount) {
        BitSet seen = new BitSet();
        BitSet leafSeen = new BitSet();
        int[] stack = new int[64];
        for (int t = 0; t < roots.length; t++) {
            if (targets[t] < 0 || targets[t] + leafWidth > outputs) {
                throw invalid(node, "tree " + t + " writes outputs " + targets[t] + ".." + (targets[t] + leafWidth - 1) + " of " + outputs);
            }
            int sp = 0;
            stack[sp++] = roots[t];
            while (sp > 0) {
                int n = stack[--sp];
                if (n < 0) {
                    long leaf = ~(long) n;
                    if (leaf >= leafCount || leafSeen.get((int) leaf)) {
                        throw invalid(node, "tree " + t + " reaches leaf " + leaf + (leaf >= leafCount ? ", beyond the " + leafCount + " leaves" : " a second time"));
                    }
                    leafSeen.set((int) leaf);
                    continue;
                }
                if (n >= internal || seen.get(n)) {
                    throw invalid(node, "tree " + t + " reaches node " + n + (n >= internal ? ", beyond the " + internal + " nodes" : " a second time (a cycle or a shared subtree)"));
                }
                seen.set(n);
                int word = nodes.getAtIndex(Tensor.I32, 3L * n);
                if ((word & FEATURE_MASK) >= features) {
                    throw invalid(node, "node " + n + " splits on feature " + (word & FEATURE_MASK) + " of " + features);
                }
                if ((word & CATEGORICAL) != 0) {
                    double k = threshold(n);
                    if (k != Math.rint(k) || k < 0 || k >= categoryOffsets.length - 1
                            || categoryOffsets[(int) k] < 0 || categoryOffsets[(int) k] > categoryOffsets[(int) k + 1]
                            || categoryOffsets[(int) k + 1] * 4L > categoryWords.byteSize()) {
                        throw invalid(node, "categorical node " + n + " names category set " + k + ", which does not exist");
                    }
                }
                if (sp + 2 > stack.length) {
                    stack = java.util.Arrays.copyOf(stack, stack.length * 2);
                }
                stack[sp++] = nodes.getAtIndex(Tensor.I32, 3L * n + 1);
                stack[sp++] = nodes.getAtIndex(Tensor.I32, 3L * n + 2);
            }
        }
    }

    private static InvalidModelException invalid(Node node, String problem) {
        return new InvalidModelException("node '" + node.name() + "' (TreeEnsemble): " + problem);
    }

    private double threshold(int n) {
        return doubleThresholds ? thresholds.getAtIndex(Tensor.F64, n) : thresholds.getAtIndex(Tensor.F32, n);
    }

    private double leaf(long index) {
        return doubleLeaves ? leaves.getAtIndex(Tensor.F64, index) : leaves.getAtIndex(Tensor.F32, index);
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        MemorySegment xs = x.data();
        boolean doubleInput = x.dtype() == DType.FLOAT64;
        long rows = x.shape().dim(0);
        MemorySegment y = out[0].data();
        double[] acc = new double[BLOCK * outputs];
        double[] start = average ? new double[outputs] : base;
        for (long first = 0; first < rows; first += BLOCK) {
            int count = (int) Math.min(BLOCK, rows - first);
            for (int r = 0; r < count; r++) {
                System.arraycopy(start, 0, acc, r * outputs, outputs);
            }
            for (int t = 0; t < roots.length; t++) {
                int root = roots[t];
                int target = targets[t];
                for (int r = 0; r < count; r++) {
                    long rowBase = (first + r) * features;
                    int n = root;
                    while (n >= 0) {
                        n = next(n, doubleInput, xs, rowBase);
                    }
                    long leafBase = (long) ~n * leafWidth;
                    int o = r * outputs + target;
                    for (int w = 0; w < leafWidth; w++) {
                        acc[o + w] += leaf(leafBase + w);
                    }
                }
            }
            for (int r = 0; r < count; r++) {
                for (int j = 0; j < outputs; j++) {
                    double v = acc[r * outputs + j];
                    if (average) {
                        v = v / roots.length + base[j];
                    }
                    y.setAtIndex(Tensor.F64, (first + r) * outputs + j, v);
                }
            }
        }
    }

    /** The child of internal node {@code n} that the row at {@code rowBase} goes to. */
    private int next(int n, boolean doubleInput, MemorySegment xs, long rowBase) {
        long at = 3L * n;
        int word = nodes.getAtIndex(Tensor.I32, at);
        long f = rowBase + (word & FEATURE_MASK);
        double v = doubleInput ? xs.getAtIndex(Tensor.F64, f) : xs.getAtIndex(Tensor.F32, f);
        boolean left;
        if (Double.isNaN(v) && (word & (NAN_AS_ZERO | ZERO_IS_MISSING)) != 0) {
            v = 0.0;
        }
        if (Double.isNaN(v) || ((word & ZERO_IS_MISSING) != 0 && Math.abs(v) <= ZERO_THRESHOLD)) {
            left = (word & DEFAULT_LEFT) != 0;
        } else if ((word & CATEGORICAL) != 0) {
            left = inCategorySet((int) threshold(n), v) != ((word & SET_GOES_RIGHT) != 0);
        } else {
            double t = threshold(n);
            left = lessOrEqual ? v <= t : v < t;
        }
        return nodes.getAtIndex(Tensor.I32, at + (left ? 1 : 2));
    }

    private boolean inCategorySet(int set, double v) {
        if (v < 0 || v >= Integer.MAX_VALUE) {
            return false;
        }
        int category = (int) v;
        int word = categoryOffsets[set] + (category >>> 5);
        if (word >= categoryOffsets[set + 1]) {
            return false;
        }
        return (categoryWords.getAtIndex(Tensor.I32, word) >>> (category & 31) & 1) != 0;
    }
}
