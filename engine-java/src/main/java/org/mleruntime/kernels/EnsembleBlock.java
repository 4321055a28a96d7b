package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/**
 * What the tree kernels share about a block of rows: its features read once into a Java array,
 * the per-row accumulators started from the base values, leaves added in, and the block's results
 * written out (averaged over the trees for forests).
 */
final class EnsembleBlock {
    static final int ROWS = 64;

    final double[] features;
    final double[] acc;
    private final int width;
    private final int outputs;
    private final boolean average;
    private final double[] base;
    private final double[] start;
    private final MemorySegment leaves;
    private final boolean doubleLeaves;
    private final int leafWidth;
    int count;

    EnsembleBlock(int width, int outputs, boolean average, double[] base, Tensor leaves) {
        this.width = width;
        this.outputs = outputs;
        this.average = average;
        this.base = base;
        this.start = average ? new double[outputs] : base;
        this.features = new double[ROWS * width];
        this.acc = new double[ROWS * outputs];
        this.leaves = leaves.data();
        this.doubleLeaves = leaves.dtype() == DType.FLOAT64;
        this.leafWidth = Math.toIntExact(leaves.shape().dim(1));
    }

    /** Loads rows {@code [first, first + count)} of {@code x} and resets the accumulators. */
    void load(Tensor x, long first, int count) {
        this.count = count;
        MemorySegment xs = x.data();
        boolean doubleInput = x.dtype() == DType.FLOAT64;
        for (int i = 0; i < count * width; i++) {
            long at = first * width + i;
            features[i] = doubleInput ? xs.getAtIndex(Tensor.F64, at) : xs.getAtIndex(Tensor.F32, at);
        }
        for (int r = 0; r < count; r++) {
            System.arraycopy(start, 0, acc, r * outputs, outputs);
        }
    }

    /** Adds leaf {@code leaf}'s values to row {@code r}'s outputs from column {@code target} on. */
    void addLeaf(int r, long leaf, int target) {
        long leafBase = leaf * leafWidth;
        int o = r * outputs + target;
        for (int w = 0; w < leafWidth; w++) {
            acc[o + w] += doubleLeaves ? leaves.getAtIndex(Tensor.F64, leafBase + w) : leaves.getAtIndex(Tensor.F32, leafBase + w);
        }
    }

    /** Writes the block's outputs to rows {@code [first, first + count)} of {@code y}. */
    void store(MemorySegment y, long first, int trees) {
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < outputs; j++) {
                double v = acc[r * outputs + j];
                if (average) {
                    v = v / trees + base[j];
                }
                y.setAtIndex(Tensor.F64, (first + r) * outputs + j, v);
            }
        }
    }
}
