package org.mleruntime.operators.trees;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/**
 * What the tree kernels share about a block of at most {@link #ROWS} rows: its features read once
 * into a Java array feature by feature (row r's feature f is {@code features[f * ROWS + r]}, so
 * that one feature of every row is one contiguous run for SIMD compares), whether any of them is
 * missing, the accumulators started from the base values (output by output: {@code acc[j * ROWS + r]}
 * is row r's output j, so that one output of every row is a SIMD run too), leaves added in, and the
 * block's results written out (averaged over the trees for forests).
 */
final class EnsembleBlock {
    static final int ROWS = 64;

    final double[] features;
    private final float[] narrow;
    private boolean narrowed;
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
    /** Whether any feature of the block's rows is NaN. */
    boolean missing;

    EnsembleBlock(int width, int outputs, boolean average, double[] base, Tensor leaves) {
        this.width = width;
        this.outputs = outputs;
        this.average = average;
        this.base = base;
        this.start = average ? new double[outputs] : base;
        this.features = new double[ROWS * width];
        this.narrow = new float[ROWS * width];
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
        boolean nan = false;
        for (int r = 0; r < count; r++) {
            long row = (first + r) * width;
            for (int f = 0; f < width; f++) {
                double v = doubleInput ? xs.getAtIndex(Tensor.F64, row + f) : xs.getAtIndex(Tensor.F32, row + f);
                features[f * ROWS + r] = v;
                nan |= v != v;
            }
        }
        missing = nan;
        narrowed = false;
        for (int j = 0; j < outputs; j++) {
            java.util.Arrays.fill(acc, j * ROWS, j * ROWS + count, start[j]);
        }
    }

    /**
     * The block's features as float32, laid out as {@link #features}; converted on first use after a
     * load. Exact only for float32 inputs, which is when the tree kernels use it (to compare twice
     * the rows per SIMD instruction).
     */
    float[] narrow() {
        if (!narrowed) {
            for (int i = 0; i < features.length; i++) {
                narrow[i] = (float) features[i];
            }
            narrowed = true;
        }
        return narrow;
    }

    /** Adds {@code value} to row {@code r}'s output {@code column}. */
    void add(int r, int column, double value) {
        acc[column * ROWS + r] += value;
    }

    /** Adds leaf {@code leaf}'s values to row {@code r}'s outputs from column {@code target} on. */
    void addLeaf(int r, long leaf, int target) {
        long leafBase = leaf * leafWidth;
        for (int w = 0; w < leafWidth; w++) {
            acc[(target + w) * ROWS + r] += doubleLeaves ? leaves.getAtIndex(Tensor.F64, leafBase + w) : leaves.getAtIndex(Tensor.F32, leafBase + w);
        }
    }

    /** For every row r of the block, adds leaf {@code firstLeaf + index[r]} from column {@code target} on. */
    void addLeaves(long firstLeaf, int[] index, int target) {
        if (leafWidth != 1) {
            for (int r = 0; r < count; r++) {
                addLeaf(r, firstLeaf + index[r], target);
            }
        } else if (doubleLeaves) {
            for (int r = 0; r < count; r++) {
                acc[target * ROWS + r] += leaves.getAtIndex(Tensor.F64, firstLeaf + index[r]);
            }
        } else {
            for (int r = 0; r < count; r++) {
                acc[target * ROWS + r] += leaves.getAtIndex(Tensor.F32, firstLeaf + index[r]);
            }
        }
    }

    /** Writes the block's outputs to rows {@code [first, first + count)} of {@code y}. */
    void store(MemorySegment y, long first, int trees) {
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < outputs; j++) {
                double v = acc[j * ROWS + r];
                if (average) {
                    v = v / trees + base[j];
                }
                y.setAtIndex(Tensor.F64, (first + r) * outputs + j, v);
            }
        }
    }
}
