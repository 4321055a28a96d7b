package org.mleruntime.operators.neighbors;

import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;

import java.util.List;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.ShapeRules;

/**
 * The distance and neighbour operators: {@code PairwiseDistance} (every input row to every row of a
 * constant matrix), {@code Neighbors} (the k nearest rows of a constant training set, or those within
 * a radius, by brute force or a scikit-learn KD or ball tree) and {@code NeighborsAggregate}
 * (neighbours' class votes or mean target). docs/OPERATORS.md defines them; this class checks
 * inputs and attributes and infers the outputs.
 */
public final class NeighborsSchema {
    public static final int X = 0;
    public static final int DATA = 1;
    public static final int METRIC_WEIGHTS = 2;
    public static final int TREE_INDEX = 3;
    public static final int TREE_NODES = 4;
    public static final int TREE_BOUNDS = 5;
    public static final int TREE_RADIUS = 6;

    /** The metrics the operators know, by the names scikit-learn gives them. */
    public static final List<String> METRICS = List.of("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", "seuclidean",
            "canberra", "braycurtis", "cosine");
    private static final List<String> KD_TREE_METRICS = List.of("euclidean", "manhattan", "chebyshev", "minkowski");

    private NeighborsSchema() {}

    /** A float attribute (an int one is accepted too). */
    public static double floatAttr(Node n, String key, double defaultValue) {
        return switch (n.attributes().get(key)) {
            case null -> defaultValue;
            case Attribute.Float f -> f.value();
            case Attribute.Int i -> i.value();
            default -> throw error(n, "attribute '" + key + "' must be a number");
        };
    }

    /** Checks the node's metric (attributes {@code metric}, {@code p}) against its weights; returns the metric's name. */
    private static String checkMetric(Node n, boolean weighted) {
        String metric = n.stringAttr("metric", "euclidean");
        if (!METRICS.contains(metric)) {
            throw error(n, "unknown metric '" + metric + "'; supported: " + String.join(", ", METRICS));
        }
        double p = floatAttr(n, "p", 2);
        if (metric.equals("minkowski") && !(p > 0 && Double.isFinite(p))) {
            throw error(n, "minkowski needs a finite p > 0, got " + p);
        }
        if (metric.equals("seuclidean") && !weighted) {
            throw error(n, "seuclidean needs the per-feature variances V as metric weights");
        }
        if (weighted && !metric.equals("minkowski") && !metric.equals("seuclidean")) {
            throw error(n, "metric '" + metric + "' takes no weights");
        }
        if (n.intAttr("expanded", 0) != 0 && !metric.equals("euclidean") && !metric.equals("sqeuclidean")) {
            throw error(n, "only euclidean and sqeuclidean have the expanded form, not " + metric);
        }
        return metric;
    }

    static List<ValueInfo> pairwiseDistance(Node n, List<ValueInfo> in, List<Tensor> c) {
        if (in.size() < 2 || in.size() > 3 || n.outputs().size() != 1) {
            throw error(n, "takes X, Y and optional metric weights, and has one output");
        }
        checkRows(n, in, c);
        return List.of(out(n, DType.FLOAT64, Shape.of(in.get(X).shape().dim(0), in.get(DATA).shape().dim(0))));
    }

    static List<ValueInfo> neighbors(Node n, List<ValueInfo> in, List<Tensor> c) {
        if (in.size() < 2 || in.size() > 7 || n.outputs().size() != 2) {
            throw error(n, "takes X, data, then optional metric weights and tree arrays, and has two outputs (distances, indices)");
        }
        String metric = checkRows(n, in, c);
        boolean weighted = in.size() > METRIC_WEIGHTS && in.get(METRIC_WEIGHTS) != null;
        long rows = in.get(DATA).shape().dim(0);
        long features = in.get(DATA).shape().dim(1);
        boolean byRadius = n.attributes().containsKey("radius");
        if (byRadius == n.attributes().containsKey("k")) {
            throw error(n, "give exactly one of the attributes k and radius");
        }
        long width;
        if (byRadius) {
            double radius = floatAttr(n, "radius", 0);
            if (!(radius >= 0) || Double.isInfinite(radius)) {
                throw error(n, "radius must be finite and not negative, got " + radius);
            }
            width = rows;
        } else {
            width = n.intAttr("k", 1);
            if (width < 1 || width > rows) {
                throw error(n, "k must be between 1 and the " + rows + " training rows, got " + width);
            }
        }
        String algorithm = n.stringAttr("algorithm", "brute");
        switch (algorithm) {
            case "brute" -> {
                if (in.size() > TREE_INDEX) {
                    throw error(n, "brute force takes no tree arrays");
                }
            }
            case "kd_tree", "ball_tree" -> {
                boolean ball = algorithm.equals("ball_tree");
                if (byRadius || metric.equals("cosine") || metric.equals("sqeuclidean") || n.intAttr("expanded", 0) != 0) {
                    throw error(n, algorithm + " searches the k nearest rows with a true metric; use brute force for this node");
                }
                if (!ball && (!KD_TREE_METRICS.contains(metric) || weighted)) {
                    throw error(n, "a KD tree supports euclidean, manhattan, chebyshev and unweighted minkowski, not " + metric);
                }
                if (in.size() != (ball ? 7 : 6)) {
                    throw error(n, algorithm + " takes " + (ball ? 7 : 6) + " inputs (X, data, metric weights or \"\", index, nodes, bounds"
                            + (ball ? ", radius" : "") + "), got " + in.size());
                }
                for (int i = TREE_INDEX; i < in.size(); i++) {
                    if (in.get(i) == null || c.get(i) == null) {
                        throw error(n, "tree input " + i + " must be a constant");
                    }
                }
                expect(n, in.get(TREE_INDEX), DType.INT64, rows);
                ValueInfo nodes = in.get(TREE_NODES);
                if (nodes.dtype() != DType.INT64 || nodes.shape().rank() != 2 || nodes.shape().dim(1) != 3 || nodes.shape().dim(0) < 1) {
                    throw error(n, "tree nodes must be int64 [nodes, 3] (start, end, is_leaf), got " + nodes.dtype().label() + nodes.shape());
                }
                long count = nodes.shape().dim(0);
                ValueInfo bounds = in.get(TREE_BOUNDS);
                Shape expected = Shape.of(ball ? 1 : 2, count, features);
                if (bounds.dtype() != DType.FLOAT64 || !bounds.shape().equals(expected)) {
                    throw error(n, "tree bounds must be float64 " + expected + ", got " + bounds.dtype().label() + bounds.shape());
                }
                if (ball) {
                    expect(n, in.get(TREE_RADIUS), DType.FLOAT64, count);
                }
            }
            default -> throw error(n, "algorithm must be brute, kd_tree or ball_tree, found '" + algorithm + "'");
        }
        long batch = in.get(X).shape().dim(0);
        return List.of(new ValueInfo(n.outputs().get(0), DType.FLOAT64, Shape.of(batch, width)),
                new ValueInfo(n.outputs().get(1), DType.INT64, Shape.of(batch, width)));
    }

    static List<ValueInfo> aggregate(Node n, List<ValueInfo> in, List<Tensor> c) {
        ShapeRules.arity(n, in, 3, 3);
        ValueInfo distances = in.get(0);
        ValueInfo indices = in.get(1);
        if (distances.dtype() != DType.FLOAT64 || indices.dtype() != DType.INT64 || distances.shape().rank() != 2
                || !distances.shape().equals(indices.shape())) {
            throw error(n, "distances (float64) and indices (int64) must be [N, k] alike, got " + distances.dtype().label()
                    + distances.shape() + " and " + indices.dtype().label() + indices.shape());
        }
        if (c.get(2) == null) {
            throw error(n, "targets must be a constant");
        }
        String weights = n.stringAttr("weights", "uniform");
        if (!weights.equals("uniform") && !weights.equals("distance")) {
            throw error(n, "weights must be 'uniform' or 'distance', found '" + weights + "'");
        }
        ValueInfo targets = in.get(2);
        long batch = distances.shape().dim(0);
        return switch (n.stringAttr("mode", "")) {
            case "vote" -> {
                long classes = n.intAttr("n_classes", 0);
                if (classes < 1 || targets.dtype() != DType.INT64 || targets.shape().rank() != 1) {
                    throw error(n, "vote needs n_classes ≥ 1 and int64 class indices [training rows], got n_classes " + classes
                            + " and " + targets.dtype().label() + targets.shape());
                }
                yield List.of(out(n, DType.FLOAT64, Shape.of(batch, classes)));
            }
            case "mean" -> {
                if (targets.dtype() != DType.FLOAT64 || targets.shape().rank() < 1 || targets.shape().rank() > 2) {
                    throw error(n, "mean needs float64 targets [training rows] or [training rows, outputs], got "
                            + targets.dtype().label() + targets.shape());
                }
                yield List.of(out(n, DType.FLOAT64, targets.shape().rank() == 1 ? Shape.of(batch) : Shape.of(batch, targets.shape().dim(1))));
            }
            default -> throw error(n, "mode must be 'vote' or 'mean', found '" + n.stringAttr("mode", "") + "'");
        };
    }

    /** Checks X, the constant rows and the metric weights; returns the metric's name. */
    private static String checkRows(Node n, List<ValueInfo> in, List<Tensor> c) {
        ValueInfo x = in.get(X);
        floating(n, x);
        rank(n, x, 2);
        ValueInfo data = in.get(DATA);
        if (c.get(DATA) == null || data.dtype() != DType.FLOAT64 || data.shape().rank() != 2 || data.shape().dim(0) < 1) {
            throw error(n, "the rows to measure to must be a non-empty float64 constant of rank 2, got " + data.dtype().label() + data.shape());
        }
        if (data.shape().dim(1) != x.shape().dim(1)) {
            throw error(n, "X has " + x.shape().dim(1) + " features but the constant rows have " + data.shape().dim(1));
        }
        ValueInfo weights = in.size() > METRIC_WEIGHTS ? in.get(METRIC_WEIGHTS) : null;
        if (weights != null) {
            if (c.get(METRIC_WEIGHTS) == null) {
                throw error(n, "metric weights must be a constant");
            }
            expect(n, weights, DType.FLOAT64, x.shape().dim(1));
        }
        return checkMetric(n, weights != null);
    }

    private static void expect(Node n, ValueInfo v, DType dtype, long length) {
        if (v.dtype() != dtype || !v.shape().equals(Shape.of(length))) {
            throw error(n, "'" + v.name() + "' must be " + dtype.label() + " [" + length + "], got " + v.dtype().label() + v.shape());
        }
    }
}
