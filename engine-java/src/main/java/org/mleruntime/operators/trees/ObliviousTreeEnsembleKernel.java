package org.mleruntime.operators.trees;

import static org.mleruntime.operators.trees.ObliviousTreeEnsembleSchema.FEATURE_MASK;
import static org.mleruntime.operators.trees.ObliviousTreeEnsembleSchema.MAX_DEPTH;
import static org.mleruntime.operators.trees.ObliviousTreeEnsembleSchema.NAN_GOES_ONE;

import java.util.List;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/**
 * Evaluates symmetric trees: a row's leaf in a tree of depth d is the d bits "value &gt; border" of
 * its splits, with no branch on the outcome and no walk. The split arrays (d entries per tree) are
 * read into Java arrays when the kernel is built, which costs time in proportion to the trees'
 * depths, not their leaves; leaves are read in place from the mapped file. Every index is checked
 * when the kernel is built, so runs need no checks.
 */
final class ObliviousTreeEnsembleKernel implements Kernel {
    /** Blocks with fewer rows are evaluated row by row (measured: level loops cost more below this). */
    private static final int LEVELWISE_ROWS = 8;
    private final int[] splitFeature;
    private final float[] splitBorder;
    private final boolean[] nanGoesOne;
    private final int[] first;
    private final int[] depth;
    private final long[] leafStart;
    private final int[] targets;
    private final Tensor leafTensor;
    private final int leafWidth;
    private final int outputs;
    private final boolean average;
    private final double[] base;
    private final MathKernels math;

    ObliviousTreeEnsembleKernel(Node node, List<Tensor> constants, long features, boolean floatInput, MathKernels math) {
        this.math = math;
        Tensor splits = constants.get(1);
        Tensor trees = constants.get(2);
        Tensor leafTensor = constants.get(3);
        int splitCount = Math.toIntExact(splits.shape().dim(0));
        int treeCount = Math.toIntExact(trees.shape().dim(0));
        splitFeature = new int[splitCount];
        splitBorder = new float[splitCount];
        nanGoesOne = new boolean[splitCount];
        for (int s = 0; s < splitCount; s++) {
            int word = (int) splits.getLong(2L * s);
            splitFeature[s] = word & FEATURE_MASK;
            nanGoesOne[s] = (word & NAN_GOES_ONE) != 0;
            splitBorder[s] = Float.intBitsToFloat((int) splits.getLong(2L * s + 1));
            if (splitFeature[s] >= features) {
                throw invalid(node, "split " + s + " tests feature " + splitFeature[s] + " of " + features);
            }
        }
        first = new int[treeCount];
        depth = new int[treeCount];
        leafStart = new long[treeCount];
        targets = new int[treeCount];
        leafWidth = Math.toIntExact(leafTensor.shape().dim(1));
        outputs = Math.toIntExact(node.intAttr("n_targets", 1));
        long nextLeaf = 0;
        for (int t = 0; t < treeCount; t++) {
            first[t] = (int) trees.getLong(2L * t);
            depth[t] = (int) trees.getLong(2L * t + 1);
            targets[t] = (int) constants.get(4).getLong(t);
            if (depth[t] < 0 || depth[t] > MAX_DEPTH || first[t] < 0 || (long) first[t] + depth[t] > splitCount) {
                throw invalid(node, "tree " + t + " has splits " + first[t] + "+" + depth[t] + " outside the " + splitCount + " splits");
            }
            if (targets[t] < 0 || targets[t] + leafWidth > outputs) {
                throw invalid(node, "tree " + t + " writes outputs " + targets[t] + ".." + (targets[t] + leafWidth - 1) + " of " + outputs);
            }
            leafStart[t] = nextLeaf;
            nextLeaf += 1L << depth[t];
        }
        if (nextLeaf != leafTensor.shape().dim(0)) {
            throw invalid(node, "the trees have " + nextLeaf + " leaves in all, the leaves array " + leafTensor.shape().dim(0));
        }
        this.leafTensor = leafTensor;
        average = node.stringAttr("aggregate", "sum").equals("average");
        Attribute b = node.attributes().get("base_values");
        if (b == null) {
            base = new double[outputs];
        } else if (b instanceof Attribute.Floats f && f.values().length == outputs) {
            base = f.values();
        } else {
            throw invalid(node, "base_values must be " + outputs + " floats");
        }
    }

    private static InvalidModelException invalid(Node node, String problem) {
        return new InvalidModelException("node '" + node.name() + "' (ObliviousTreeEnsemble): " + problem);
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        long rows = x.shape().dim(0);
        EnsembleBlock block = new EnsembleBlock(Math.toIntExact(x.shape().dim(1)), outputs, average, base, leafTensor);
        int[] index = new int[EnsembleBlock.ROWS];
        for (long firstRow = 0; firstRow < rows; firstRow += EnsembleBlock.ROWS) {
            int count = (int) Math.min(EnsembleBlock.ROWS, rows - firstRow);
            block.load(x, firstRow, count);
            for (int t = 0; t < first.length; t++) {
                if (count >= LEVELWISE_ROWS) {
                    levelwise(t, block.features, index, count);
                } else {
                    rowwise(t, block.features, index, count);
                }
                block.addLeaves(leafStart[t], index, targets[t]);
            }
            block.store(out[0].data(), firstRow, first.length);
        }
    }

    /** Leaf indices of tree {@code t} one level at a time across the block's rows: the loop SIMD serves. */
    private void levelwise(int t, double[] columns, int[] index, int count) {
        java.util.Arrays.fill(index, 0, count, 0);
        for (int j = 0; j < depth[t]; j++) {
            int s = first[t] + j;
            math.setBitsAbove(columns, splitFeature[s] * EnsembleBlock.ROWS, splitBorder[s], nanGoesOne[s], j, index, count);
        }
    }

    /** Leaf indices of tree {@code t} one row at a time: cheaper than level loops for a few rows. */
    private void rowwise(int t, double[] columns, int[] index, int count) {
        for (int r = 0; r < count; r++) {
            int leaf = 0;
            for (int j = 0, s = first[t]; j < depth[t]; j++, s++) {
                double v = columns[splitFeature[s] * EnsembleBlock.ROWS + r];
                leaf |= (v > splitBorder[s] || (nanGoesOne[s] && v != v) ? 1 : 0) << j;
            }
            index[r] = leaf;
        }
    }
}
