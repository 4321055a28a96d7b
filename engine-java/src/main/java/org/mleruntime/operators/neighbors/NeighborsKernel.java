package org.mleruntime.operators.neighbors;

import static org.mleruntime.ir.Tensor.F64;
import static org.mleruntime.ir.Tensor.I64;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.DistanceLoops;
import org.mleruntime.kernels.DistanceMetric;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MetricRows;

/**
 * {@code Neighbors}: for each input row, the k nearest rows of a constant training set, or every
 * row within a radius, as scikit-learn's {@code kneighbors} and {@code radius_neighbors} find them.
 *
 * <p>Brute force scans the training rows in index order through scikit-learn's max-heap (its
 * {@code ArgKmin} reduction, one chunk of queries at a time). A KD tree or ball tree is searched
 * depth first exactly as {@code BinaryTree._query_single_depthfirst} does: a node is skipped when
 * its lower bound exceeds the heap's largest value, and the nearer child (by the same bound,
 * ties to the left) is visited first. Either way the heap is then sorted with scikit-learn's
 * introsort, so equal distances come out in scikit-learn's order. A radius query scans every row
 * and keeps, in index order, those whose reduced distance is at most the reduced radius.
 *
 * <p>The tree arrays are checked when the kernel is built (indices in range, children inside the
 * node array), so a hostile file can neither read outside them nor recurse without end.
 */
final class NeighborsKernel implements Kernel {
    private final String name;
    private final MetricRows rows;
    private final DistanceLoops loops;
    private final DistanceMetric metric;
    private final int k;
    private final double reducedRadius;
    private final Tree tree;

    /** A scikit-learn binary tree: the permutation of rows, each node's range and leaf flag, and its bounds. */
    private record Tree(int[] index, int[] start, int[] end, boolean[] leaf, MemorySegment bounds, int nodes, double[] radius) {
        boolean ball() {
            return radius != null;
        }
    }

    NeighborsKernel(Node node, List<Tensor> constants, DistanceLoops loops) {
        this.name = node.name();
        this.loops = loops;
        this.rows = prepareRows(node, constants, loops);
        this.metric = rows.metric();
        boolean byRadius = node.attributes().containsKey("radius");
        this.k = byRadius ? 0 : Math.toIntExact(node.intAttr("k", 1));
        this.reducedRadius = byRadius ? metric.toReduced(NeighborsSchema.floatAttr(node, "radius", 0)) : 0;
        this.tree = switch (node.stringAttr("algorithm", "brute")) {
            case "kd_tree" -> tree(constants, false);
            case "ball_tree" -> tree(constants, true);
            default -> null;
        };
    }

    /** The training set (input 1) with the metric of the node's attributes, prepared for {@code loops}. */
    static MetricRows prepareRows(Node node, List<Tensor> constants, DistanceLoops loops) {
        Tensor data = constants.get(NeighborsSchema.DATA);
        Tensor weights = constants.size() > NeighborsSchema.METRIC_WEIGHTS ? constants.get(NeighborsSchema.METRIC_WEIGHTS) : null;
        DistanceMetric metric = DistanceMetric.of(node.stringAttr("metric", "euclidean"), NeighborsSchema.floatAttr(node, "p", 2),
                weights == null ? null : Tensors.toDoubles(weights), node.intAttr("expanded", 0) != 0);
        return loops.prepare(metric, data.data(), Math.toIntExact(data.shape().dim(0)), Math.toIntExact(data.shape().dim(1)));
    }

    private Tree tree(List<Tensor> constants, boolean ball) {
        int m = rows.rows();
        Tensor indexTensor = constants.get(NeighborsSchema.TREE_INDEX);
        int[] index = new int[m];
        for (int i = 0; i < m; i++) {
            long v = indexTensor.data().getAtIndex(I64, i);
            if (v < 0 || v >= m) {
                throw invalid("tree index " + i + " is " + v + ", outside the " + m + " training rows");
            }
            index[i] = (int) v;
        }
        Tensor nodeTensor = constants.get(NeighborsSchema.TREE_NODES);
        int nodes = Math.toIntExact(nodeTensor.shape().dim(0));
        int[] start = new int[nodes];
        int[] end = new int[nodes];
        boolean[] leaf = new boolean[nodes];
        for (int i = 0; i < nodes; i++) {
            long s = nodeTensor.data().getAtIndex(I64, 3L * i);
            long e = nodeTensor.data().getAtIndex(I64, 3L * i + 1);
            long isLeaf = nodeTensor.data().getAtIndex(I64, 3L * i + 2);
            if (s < 0 || s > e || e > m || (isLeaf != 0 && isLeaf != 1)) {
                throw invalid("tree node " + i + " has range [" + s + ", " + e + ") and leaf flag " + isLeaf + " for " + m + " rows");
            }
            if (isLeaf == 0 && 2L * i + 2 >= nodes) {
                throw invalid("tree node " + i + " is internal but its children " + (2 * i + 1) + " and " + (2 * i + 2)
                        + " are outside the " + nodes + " nodes");
            }
            start[i] = (int) s;
            end[i] = (int) e;
            leaf[i] = isLeaf == 1;
        }
        double[] radius = ball ? Tensors.toDoubles(constants.get(NeighborsSchema.TREE_RADIUS)) : null;
        return new Tree(index, start, end, leaf, constants.get(NeighborsSchema.TREE_BOUNDS).data(), nodes, radius);
    }

    private InvalidModelException invalid(String problem) {
        return new InvalidModelException("node '" + name + "' (Neighbors): " + problem);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[NeighborsSchema.X];
        MemorySegment distances = outputs[0].data();
        MemorySegment indices = outputs[1].data();
        long n = x.shape().dim(0);
        int width = Math.toIntExact(outputs[0].shape().dim(1));
        double[] q = new double[rows.features()];
        double[] all = tree == null ? new double[rows.rows()] : null;
        double[] values = new double[width];
        int[] found = new int[width];
        for (long r = 0; r < n; r++) {
            MetricRows.readQuery(x, r, q, name);
            double qTerm = metric.rowTerm(q);
            if (k == 0) {
                withinRadius(q, qTerm, all, values, found);
            } else {
                java.util.Arrays.fill(values, Double.POSITIVE_INFINITY);
                java.util.Arrays.fill(found, 0);
                if (tree == null) {
                    loops.reducedToAll(rows, q, qTerm, all);
                    for (int j = 0; j < all.length; j++) {
                        NeighborHeap.push(values, found, 0, k, all[j], j);
                    }
                } else {
                    search(0, q, minReduced(0, q), values, found);
                }
                NeighborHeap.sort(values, found, 0, k);
                for (int i = 0; i < k; i++) {
                    values[i] = metric.toDistance(values[i]);
                }
            }
            long base = r * width;
            for (int i = 0; i < width; i++) {
                distances.setAtIndex(F64, base + i, values[i]);
                indices.setAtIndex(I64, base + i, found[i]);
            }
        }
    }

    /** Rows within the radius in index order, then index −1 and distance +∞ to the end. */
    private void withinRadius(double[] q, double qTerm, double[] all, double[] values, int[] found) {
        loops.reducedToAll(rows, q, qTerm, all);
        int count = 0;
        for (int j = 0; j < all.length; j++) {
            if (all[j] <= reducedRadius) {
                values[count] = metric.toDistance(all[j]);
                found[count++] = j;
            }
        }
        java.util.Arrays.fill(values, count, values.length, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(found, count, found.length, -1);
    }

    private void search(int node, double[] q, double lowerBound, double[] values, int[] found) {
        if (lowerBound > values[0]) {
            return;
        }
        if (tree.leaf[node]) {
            for (int i = tree.start[node]; i < tree.end[node]; i++) {
                int row = tree.index[i];
                NeighborHeap.push(values, found, 0, k, rows.reduced(q, 1, row), row);
            }
            return;
        }
        int left = 2 * node + 1;
        int right = left + 1;
        double leftBound = minReduced(left, q);
        double rightBound = minReduced(right, q);
        if (leftBound <= rightBound) {
            search(left, q, leftBound, values, found);
            search(right, q, rightBound, values, found);
        } else {
            search(right, q, rightBound, values, found);
            search(left, q, leftBound, values, found);
        }
    }

    /** The lower bound of the reduced distance from {@code q} to any row under {@code node}, as scikit-learn's {@code min_rdist}. */
    private double minReduced(int node, double[] q) {
        int f = q.length;
        if (tree.ball()) {
            double toCentre = metric.toDistance(metric.reduced(q, tree.bounds, node, 1, 1));
            return metric.toReduced(Math.max(0, toCentre - tree.radius[node]));
        }
        double power = metric.treePower();
        long lower = (long) node * f;
        long upper = ((long) tree.nodes + node) * f;
        double bound = 0;
        for (int j = 0; j < f; j++) {
            double below = tree.bounds.getAtIndex(F64, lower + j) - q[j];
            double above = q[j] - tree.bounds.getAtIndex(F64, upper + j);
            double d = (below + Math.abs(below)) + (above + Math.abs(above));
            if (power == Double.POSITIVE_INFINITY) {
                double half = 0.5 * d;
                bound = half > bound ? half : bound;
            } else {
                bound += DistanceMetric.pow(0.5 * d, power);
            }
        }
        return bound;
    }
}
