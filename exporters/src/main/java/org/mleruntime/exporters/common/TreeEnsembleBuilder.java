package org.mleruntime.exporters.common;

import static org.mleruntime.operators.trees.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.FEATURE_MASK;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/**
 * Collects decision trees of any framework into the arrays of one {@code TreeEnsemble} node
 * (docs/OPERATORS.md): internal nodes as 16-byte records (word, left, right, float32 threshold) in
 * pre-order (a node's left child follows it, which keeps a walk's next node close in memory),
 * float64 thresholds alongside when the framework splits in double precision, leaves in the order
 * the walk meets them, category sets as bitsets, and the deepest walk as {@code max_depth}. Each tree is read through a {@link TreeSource}, a view of the framework's own arrays, and
 * is walked from its root with an explicit stack, so a malformed file (a child out of range, a node
 * reached twice) is refused with the tree and node it concerns instead of looping or overflowing.
 */
public final class TreeEnsembleBuilder {
    /**
     * One tree as its framework stores it. Node ids are {@code 0 .. nodeCount()-1} in the view's own
     * numbering; leaves and internal nodes may share that range however the framework likes.
     */
    public interface TreeSource {
        int nodeCount();

        int root();

        boolean isLeaf(int node);

        int left(int node);

        int right(int node);

        int feature(int node);

        /** Routing flags of {@code org.mleruntime.operators.trees.TreeEnsembleSchema} except CATEGORICAL, which the builder sets. */
        int flags(int node);

        /** The split value of a numeric node. */
        double threshold(int node);

        /** The category bitset of a categorical node (bit c of word c/32), or null for a numeric node. */
        int[] categories(int node);

        /** Writes the leaf's values (as many as the ensemble's leaf width) into {@code out}. */
        void leaf(int node, double[] out);
    }

    private final int features;
    private final int leafWidth;
    private final DType thresholdType;
    private final DType leafType;
    /** Four ints per internal node: word, left, right, threshold as float32 bits. */
    private final IntList nodes = new IntList();
    private final DoubleList thresholds = new DoubleList();
    private final DoubleList leaves = new DoubleList();
    private final IntList roots = new IntList();
    private final IntList targets = new IntList();
    private final IntList categoryWords = new IntList();
    private final IntList categoryOffsets = new IntList();
    private int maxDepth;

    /**
     * {@code thresholdType} FLOAT32 keeps thresholds in the node records only (they must be exact
     * float32 values); FLOAT64 adds the double-precision thresholds input.
     */
    public TreeEnsembleBuilder(int features, int leafWidth, DType thresholdType, DType leafType) {
        if (features < 1 || features > FEATURE_MASK + 1) {
            throw new InvalidModelException("a tree ensemble needs 1 to " + (FEATURE_MASK + 1) + " features, the model has " + features);
        }
        this.features = features;
        this.leafWidth = leafWidth;
        this.thresholdType = thresholdType;
        this.leafType = leafType;
        categoryOffsets.add(0);
    }

    public int trees() {
        return roots.size;
    }

    public int internalNodes() {
        return nodes.size / 4;
    }

    /** The most internal nodes any root-to-leaf walk passes. */
    public int maxDepth() {
        return maxDepth;
    }

    public int leafCount() {
        return leaves.size / leafWidth;
    }

    /**
     * Appends one tree whose leaf values go to output columns {@code target .. target + leafWidth - 1};
     * {@code name} ("tree 7") prefixes any error about it.
     */
    public void addTree(TreeSource tree, int target, String name) {
        int count = tree.nodeCount();
        BitSet seen = new BitSet(count);
        double[] leafValues = new double[leafWidth];
        // Each stack entry: the view's node id, the slot in `nodes` that will point at it (-1 for the
        // root) and the number of internal nodes above it.
        int[] stack = new int[96];
        int sp = 0;
        stack[sp++] = tree.root();
        stack[sp++] = -1;
        stack[sp++] = 0;
        int rootRef = 0;
        while (sp > 0) {
            int depth = stack[--sp];
            int slot = stack[--sp];
            int id = stack[--sp];
            if (id < 0 || id >= count) {
                throw new InvalidModelException(name + ": a child index " + id + " lies outside the tree's " + count + " nodes");
            }
            if (seen.get(id)) {
                throw new InvalidModelException(name + ": node " + id + " is reached twice (a cycle or a shared subtree)");
            }
            seen.set(id);
            int ref;
            if (tree.isLeaf(id)) {
                maxDepth = Math.max(maxDepth, depth);
                Arrays.fill(leafValues, 0);
                tree.leaf(id, leafValues);
                ref = ~leafCount();
                for (double v : leafValues) {
                    leaves.add(v);
                }
            } else {
                int feature = tree.feature(id);
                if (feature < 0 || feature >= features) {
                    throw new InvalidModelException(name + ": node " + id + " splits on feature " + feature + ", but the model has "
                            + features + " features");
                }
                int word = feature | tree.flags(id);
                double threshold;
                int[] set = tree.categories(id);
                if (set != null) {
                    word |= CATEGORICAL;
                    threshold = categoryOffsets.size - 1;
                    if (threshold >= 1 << 24) {
                        throw new InvalidModelException(name + ": more than 2^24 categorical splits in one model");
                    }
                    for (int w : set) {
                        categoryWords.add(w);
                    }
                    categoryOffsets.add(categoryWords.size);
                } else {
                    threshold = tree.threshold(id);
                }
                ref = internalNodes();
                nodes.add(word);
                nodes.add(0);
                nodes.add(0);
                nodes.add(Float.floatToRawIntBits((float) threshold));
                thresholds.add(threshold);
                if (sp + 6 > stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                // Right first, so the left subtree is laid out right after its parent.
                stack[sp++] = tree.right(id);
                stack[sp++] = 4 * ref + 2;
                stack[sp++] = depth + 1;
                stack[sp++] = tree.left(id);
                stack[sp++] = 4 * ref + 1;
                stack[sp++] = depth + 1;
            }
            if (slot < 0) {
                rootRef = ref;
            } else {
                nodes.values[slot] = ref;
            }
        }
        roots.add(rootRef);
        targets.add(target);
    }

    /** Whether any tree has a categorical split. */
    public boolean hasCategories() {
        return categoryOffsets.size > 1;
    }

    /**
     * Adds the ensemble's constants and its {@code TreeEnsemble} node to {@code graph}, reading
     * {@code input} and writing {@code output} (float64 [N, targets]).
     */
    public void addTo(GraphAssembler graph, String input, String output, int targets, double[] baseValues, String aggregate,
                      String comparison) {
        if (trees() == 0) {
            throw new InvalidModelException("the model has no trees");
        }
        int internal = internalNodes();
        List<String> in = new ArrayList<>();
        in.add(input);
        in.add(graph.constant("tree_nodes", Tensor.numeric(DType.INT32, Shape.of(internal, 4), ints(nodes))));
        in.add(graph.constant("tree_roots", Tensor.numeric(DType.INT32, Shape.of(roots.size), ints(roots))));
        in.add(graph.constant("tree_leaves", Tensor.numeric(leafType, Shape.of(leafCount(), leafWidth), floats(leaves, leafType))));
        in.add(graph.constant("tree_targets", Tensor.numeric(DType.INT32, Shape.of(this.targets.size), ints(this.targets))));
        // Optional inputs: double thresholds, then the category sets; an absent one is the empty name.
        in.add(thresholdType == DType.FLOAT64
                ? graph.constant("tree_thresholds", Tensor.numeric(DType.FLOAT64, Shape.of(internal), floats(thresholds, DType.FLOAT64))) : "");
        if (hasCategories()) {
            in.add(graph.constant("tree_category_words", Tensor.numeric(DType.INT32, Shape.of(categoryWords.size), ints(categoryWords))));
            in.add(graph.constant("tree_category_offsets", Tensor.numeric(DType.INT32, Shape.of(categoryOffsets.size), ints(categoryOffsets))));
        }
        while (in.getLast().isEmpty()) {
            in.removeLast();
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        attrs.put("n_targets", new Attribute.Int(targets));
        attrs.put("aggregate", new Attribute.Str(aggregate));
        attrs.put("comparison", new Attribute.Str(comparison));
        attrs.put("base_values", new Attribute.Floats(baseValues));
        attrs.put("max_depth", new Attribute.Int(maxDepth));
        graph.node("TreeEnsemble", in, attrs, output);
    }

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment ints(IntList list) {
        MemorySegment s = MemorySegment.ofArray(new byte[Math.multiplyExact(list.size, 4)]);
        for (int i = 0; i < list.size; i++) {
            s.setAtIndex(I32, i, list.values[i]);
        }
        return s;
    }

    private static MemorySegment floats(DoubleList list, DType dtype) {
        MemorySegment s = MemorySegment.ofArray(new byte[Math.multiplyExact(list.size, dtype.byteSize())]);
        for (int i = 0; i < list.size; i++) {
            if (dtype == DType.FLOAT32) {
                s.setAtIndex(F32, i, (float) list.values[i]);
            } else {
                s.setAtIndex(F64, i, list.values[i]);
            }
        }
        return s;
    }

    private static final class IntList {
        int[] values = new int[256];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }
    }

    private static final class DoubleList {
        double[] values = new double[256];
        int size;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }
    }
}
