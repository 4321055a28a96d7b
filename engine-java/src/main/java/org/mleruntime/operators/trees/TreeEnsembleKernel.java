package org.mleruntime.operators.trees;

import static org.mleruntime.operators.trees.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.FEATURE_MASK;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.NAN_AS_ZERO;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.SET_GOES_RIGHT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.TRUNCATE_CATEGORY;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

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
    /** LightGBM's kZeroThreshold, a float32 constant: 1e-35f widened, 1.0000000180025095e-35. */
    private static final double ZERO_THRESHOLD = 1e-35f;
    /**
     * Blocks of rows that go through each tree before the next tree: 1024 rows, whose features fit
     * in the second-level cache, so that a large tree's nodes are fetched once for them all.
     */
    private static final int BLOCKS_PER_PASS = 16;
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
    /** The small trees compiled, once the background compilation started at build has finished; null until then. */
    private volatile CompactTrees compact;
    private final java.util.concurrent.CompletableFuture<Void> compiled;

    TreeEnsembleKernel(Node node, List<Tensor> constants, long features, boolean floatInput, MathKernels math) {
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
            if (targets[t] < 0 || (long) targets[t] + leafWidth > outputs) {
                throw invalid("tree " + t + " writes outputs " + targets[t] + ".." + (targets[t] + leafWidth - 1) + " of " + outputs);
            }
            if (roots[t] >= internal || ~(long) roots[t] >= leafCount && roots[t] < 0) {
                throw invalid("tree " + t + " has root " + roots[t] + ", outside the " + internal + " nodes and " + leafCount + " leaves");
            }
        }
        CompactTrees.Source source = new CompactTrees.Source(name, nodes, internal, thresholds64, roots, leafTensor, this.features);
        // Compiling costs about 40 ns a split (1 ms for 500 trees of 63 leaves): it runs in the background
        // so that opening stays fast, and runs walk every tree from the records until it is done. A tree
        // it finds broken is one the walks report when they reach it, so its failure needs no handling here.
        this.compiled = java.util.concurrent.CompletableFuture.runAsync(() -> compact = CompactTrees.compile(source, lessOrEqual, floatInput, math),
                Thread.ofVirtual()::start);
        for (int k = 0; k + 1 < categoryOffsets.length; k++) {
            if (categoryOffsets[k] < 0 || categoryOffsets[k] > categoryOffsets[k + 1] || categoryOffsets[k + 1] * 4L > categoryWords.byteSize()) {
                throw invalid("category set " + k + " lies outside category_words");
            }
        }
    }

    /** Waits for the small trees' compilation, so that every later run uses it. */
    @Override
    public void awaitPrepared() {
        compiled.exceptionally(e -> null).join();
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
        int blockCount = (int) Math.min(BLOCKS_PER_PASS, (rows + EnsembleBlock.ROWS - 1) / EnsembleBlock.ROWS);
        EnsembleBlock[] blocks = new EnsembleBlock[blockCount];
        for (int b = 0; b < blockCount; b++) {
            blocks[b] = new EnsembleBlock(features, outputs, average, base, leafTensor);
        }
        int[] leaf = new int[EnsembleBlock.ROWS];
        CompactTrees compact = this.compact;
        CompactTrees.Scratch scratch = compact == null ? null : compact.scratch();
        long perPass = (long) BLOCKS_PER_PASS * EnsembleBlock.ROWS;
        for (long first = 0; first < rows; first += perPass) {
            int used = 0;
            for (long at = first; at < Math.min(rows, first + perPass); at += EnsembleBlock.ROWS) {
                blocks[used++].load(x, at, (int) Math.min(EnsembleBlock.ROWS, rows - at));
            }
            boolean fewRows = used == 1 && blocks[0].count < 4;
            int t = 0;
            while (t < roots.length) {
                if (fewRows && compact != null && compact.coversFour(t)) {
                    compact.evaluateFourTrees(t, blocks[0], targets);
                    t += 4;
                    continue;
                }
                for (int b = 0; b < used; b++) {
                    EnsembleBlock block = blocks[b];
                    if (compact != null && compact.covers(t)) {
                        compact.evaluate(t, block, targets[t], scratch);
                    } else {
                        walkChecked(t, block, leaf);
                        for (int r = 0; r < block.count; r++) {
                            block.addLeaf(r, leaf[r], targets[t]);
                        }
                    }
                }
                t++;
            }
            for (int b = 0; b < used; b++) {
                blocks[b].store(out[0].data(), first + (long) b * EnsembleBlock.ROWS, roots.length);
            }
        }
    }

    /**
     * {@link #walk}, with a read outside the node records (a child beyond them) or outside the block
     * (a feature beyond the row, which lands past the block's last feature column) reported as the
     * model error it is: those bounds are the JVM's own checks, so the walk makes none of its own.
     */
    private void walkChecked(int t, EnsembleBlock block, int[] leaf) {
        try {
            walk(t, block, leaf);
        } catch (IndexOutOfBoundsException e) {
            throw invalid("a walk down tree " + t + " reads outside the " + internal + " nodes or the " + features
                    + " features of a row: " + e.getMessage());
        }
    }

    /**
     * Walks every row of the block down tree {@code t} from the mapped file, four rows abreast (their
     * walks are independent, so the processor overlaps their memory loads), and sets {@code leaf[r]}
     * to the leaf row r reaches. A row at its leaf takes dummy steps at node 0 until the other three
     * arrive, since whether one row has finished is what the processor cannot predict.
     */
    private void walk(int t, EnsembleBlock block, int[] leaf) {
        int root = roots[t];
        double[] x = block.features;
        int r = 0;
        for (; r + 4 <= block.count; r += 4) {
            int n0 = root, n1 = root, n2 = root, n3 = root;
            for (long depth = 0; (n0 & n1 & n2 & n3) >= 0; depth++) {
                if (depth > maxDepth) {
                    throw cycle(t);
                }
                n0 = stay(n0, next(t, n0 & ~(n0 >> 31), x, r));
                n1 = stay(n1, next(t, n1 & ~(n1 >> 31), x, r + 1));
                n2 = stay(n2, next(t, n2 & ~(n2 >> 31), x, r + 2));
                n3 = stay(n3, next(t, n3 & ~(n3 >> 31), x, r + 3));
            }
            leaf[r] = leafIndex(t, n0);
            leaf[r + 1] = leafIndex(t, n1);
            leaf[r + 2] = leafIndex(t, n2);
            leaf[r + 3] = leafIndex(t, n3);
        }
        for (; r < block.count; r++) {
            int n = root;
            for (long depth = 0; n >= 0; depth++) {
                if (depth > maxDepth) {
                    throw cycle(t);
                }
                n = next(t, n, x, r);
            }
            leaf[r] = leafIndex(t, n);
        }
    }

    /**
     * {@code position} when it is a leaf (negative), else {@code next}: in arithmetic rather than a
     * conditional, which the JIT would compile to a branch that mispredicts whenever a walk ends.
     */
    static int stay(int position, int next) {
        return next ^ ((next ^ position) & (position >> 31));
    }

    private int leafIndex(int t, int position) {
        int leaf = ~position;
        if (leaf >= leafCount) {
            throw beyondLeaves(t, leaf);
        }
        return leaf;
    }

    /**
     * The child of internal node {@code n} that row {@code row} of the block goes to. Kept small so
     * that the JIT inlines it, with the memory accesses' bounds checks, into the walk; anything but a
     * plain comparison of a present value goes to {@link #special}.
     */
    private int next(int t, int n, double[] block, int row) {
        long at = 4L * n;
        int word = nodes.getAtIndex(Tensor.I32, at);
        int feature = word & FEATURE_MASK;
        double v = block[feature * EnsembleBlock.ROWS + row];
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
