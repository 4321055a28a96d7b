package org.mleruntime.operators.neighbors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.DistanceLoops;
import org.mleruntime.kernels.DistanceMetric;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MetricRows;
import org.mleruntime.kernels.PlainMathKernels;
import org.mleruntime.operators.OperatorHarness;

/**
 * The distance, neighbour and log-probability kernels against references written out here, on
 * every available implementation of the distance loops (plain Java, and the Vector API where the
 * runtime has it); the heap and sort against outputs of scikit-learn's own.
 */
@Tag("kernels")
class NeighborsKernelsTest {
    static Stream<MathKernels> implementations() {
        return OperatorHarness.hotLoops();
    }

    private static Node node(String op, Map<String, Attribute> attributes, int outputs) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            names.add("y" + i);
        }
        return TestModels.node("n", op, List.of(), names, attributes);
    }

    private static Map<String, Attribute> attributes(Object... keyValues) {
        Map<String, Attribute> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            map.put((String) keyValues[i], switch (v) {
                case Integer n -> new Attribute.Int(n);
                case Double d -> new Attribute.Float(d);
                default -> new Attribute.Str((String) v);
            });
        }
        return map;
    }

    private static double[][] random(int rows, int cols, long seed, boolean integers) {
        Random r = new Random(seed);
        double[][] x = new double[rows][cols];
        for (double[] row : x) {
            for (int j = 0; j < cols; j++) {
                row[j] = integers ? r.nextInt(4) : r.nextGaussian() * 3;
            }
        }
        return x;
    }

    private static List<Tensor> constants(Tensor... inputs) {
        return Arrays.asList(inputs);
    }

    // ---------------------------------------------------------------- heap and sort

    @Test
    void heapKeepsScikitLearnsLayoutAndSortsAsItDoes() {
        // NeighborsHeap64(1, 4) after pushing 5, 3, 3, 1, 3, 0.5, 3, 2, 2 (indices 0..8), read from scikit-learn.
        double[] values = new double[4];
        int[] indices = new int[4];
        Arrays.fill(values, Double.POSITIVE_INFINITY);
        double[] pushed = {5, 3, 3, 1, 3, 0.5, 3, 2, 2};
        for (int j = 0; j < pushed.length; j++) {
            NeighborHeap.push(values, indices, 0, 4, pushed[j], j);
        }
        assertArrayEquals(new double[] {2, 1, 2, 0.5}, values);
        assertArrayEquals(new int[] {8, 3, 7, 5}, indices);
        NeighborHeap.sort(values, indices, 0, 4);
        assertArrayEquals(new double[] {0.5, 1, 2, 2}, values);
        assertArrayEquals(new int[] {5, 3, 8, 7}, indices);
    }

    @Test
    void introsortOrdersTiesAsScikitLearn() {
        // sklearn.utils._sorting._py_simultaneous_sort on these 20 values (indices 0..19): not a stable order.
        double[] values = {3, 1, 2, 2, 5, 1, 0, 2, 2, 7, 1, 3, 3, 0, 2, 4, 2, 1, 5, 2};
        int[] indices = new int[values.length];
        Arrays.setAll(indices, i -> i);
        NeighborHeap.sort(values, indices, 0, values.length);
        assertArrayEquals(new int[] {6, 13, 10, 1, 17, 5, 16, 14, 19, 7, 3, 2, 8, 0, 11, 12, 15, 4, 18, 9}, indices);
        double[] sorted = {3, 1, 2, 2, 5, 1, 0, 2, 2, 7, 1, 3, 3, 0, 2, 4, 2, 1, 5, 2};
        Arrays.sort(sorted);
        assertArrayEquals(sorted, values);
    }

    @Test
    void longSortsStayCorrect() {
        Random r = new Random(3);
        for (int n : new int[] {16, 17, 100, 1000}) {
            double[] values = new double[n];
            int[] indices = new int[n];
            for (int i = 0; i < n; i++) {
                values[i] = r.nextInt(n / 4 + 1);
                indices[i] = i;
            }
            double[] original = values.clone();
            NeighborHeap.sort(values, indices, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(original[indices[i]], values[i]);
                assertTrue(i == 0 || values[i - 1] <= values[i]);
            }
            assertEquals(n, Arrays.stream(indices).distinct().count());
        }
    }

    // ---------------------------------------------------------------- distances

    /** The reduced distance in scikit-learn's arithmetic, written independently of DistanceMetric. */
    private static double reference(String metric, double[] x, double[] y, double p, double[] w, boolean expanded) {
        double d = 0;
        switch (metric) {
            case "euclidean", "sqeuclidean" -> {
                if (expanded) {
                    double xx = 0;
                    double yy = 0;
                    double xy = 0;
                    for (int j = 0; j < x.length; j++) {
                        xx = Math.fma(x[j], x[j], xx);
                        yy = Math.fma(y[j], y[j], yy);
                        xy = Math.fma(x[j], y[j], xy);
                    }
                    return Math.max(0, (xx + -2 * xy) + yy);
                }
                for (int j = 0; j < x.length; j++) {
                    d += (x[j] - y[j]) * (x[j] - y[j]);
                }
            }
            case "manhattan" -> {
                for (int j = 0; j < x.length; j++) {
                    d += Math.abs(x[j] - y[j]);
                }
            }
            case "chebyshev" -> {
                for (int j = 0; j < x.length; j++) {
                    d = Math.max(d, Math.abs(x[j] - y[j]));
                }
            }
            case "minkowski" -> {
                for (int j = 0; j < x.length; j++) {
                    d += w[j] * Math.pow(Math.abs(x[j] - y[j]), p);
                }
            }
            case "seuclidean" -> {
                for (int j = 0; j < x.length; j++) {
                    d += (x[j] - y[j]) * (x[j] - y[j]) / w[j];
                }
            }
            case "canberra" -> {
                for (int j = 0; j < x.length; j++) {
                    double den = Math.abs(x[j]) + Math.abs(y[j]);
                    d += den > 0 ? Math.abs(x[j] - y[j]) / den : 0;
                }
            }
            case "braycurtis" -> {
                double num = 0;
                double den = 0;
                for (int j = 0; j < x.length; j++) {
                    num += Math.abs(x[j] - y[j]);
                    den += Math.abs(x[j]) + Math.abs(y[j]);
                }
                return den > 0 ? num / den : 0;
            }
            case "cosine" -> {
                double nx = Math.sqrt(Arrays.stream(x).map(v -> v * v).sum());
                double ny = Math.sqrt(Arrays.stream(y).map(v -> v * v).sum());
                double s = 0;
                for (int j = 0; j < x.length; j++) {
                    s += x[j] / (nx == 0 ? 1 : nx) * (y[j] / (ny == 0 ? 1 : ny));
                }
                return Math.clamp(1 - s, 0.0, 2.0);
            }
            default -> throw new IllegalArgumentException(metric);
        }
        return d;
    }

    private static final String[][] METRICS = {
        {"euclidean", "0"}, {"euclidean", "1"}, {"sqeuclidean", "1"}, {"manhattan", "0"}, {"chebyshev", "0"}, {"minkowski", "0"},
        {"seuclidean", "0"}, {"canberra", "0"}, {"braycurtis", "0"}, {"cosine", "0"},
    };

    @ParameterizedTest
    @MethodSource("implementations")
    void distanceLoopsGiveScikitLearnsBits(MathKernels math) {
        DistanceLoops loops = DistanceLoops.matching(math);
        for (int[] dims : new int[][] {{1, 1}, {3, 4}, {8, 13}, {17, 2}, {67, 64}, {33, 5}}) {
            int m = dims[0];
            int f = dims[1];
            double[][] data = random(m, f, m * 31L + f, f == 2);
            double[] x = random(1, f, 99, f == 2)[0];
            double[] w = new double[f];
            Arrays.setAll(w, j -> 0.5 + j % 3);
            for (String[] spec : METRICS) {
                String name = spec[0];
                boolean expanded = spec[1].equals("1");
                boolean weighted = name.equals("minkowski") || name.equals("seuclidean");
                DistanceMetric metric = DistanceMetric.of(name, 3, weighted ? w : null, expanded);
                MetricRows rows = loops.prepare(metric, Tensors.of(data).data(), m, f);
                double[] out = new double[m];
                loops.reducedToAll(rows, x, metric.rowTerm(x), out);
                for (int j = 0; j < m; j++) {
                    double expected = reference(name, x, data[j], 3, w, expanded);
                    if (name.equals("cosine") || name.equals("minkowski")) {
                        assertEquals(expected, out[j], 1e-12 * Math.max(1, Math.abs(expected)), loops.name() + " " + metric);
                    } else {
                        assertEquals(expected, out[j], 0.0, loops.name() + " " + metric + " " + m + "x" + f + " row " + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void pairwiseDistanceConvertsReducedDistances(MathKernels math) {
        double[][] data = random(9, 3, 5, false);
        double[][] x = random(4, 3, 6, false);
        for (String metric : List.of("euclidean", "manhattan", "minkowski")) {
            for (int reduced : new int[] {0, 1}) {
                Node n = node("PairwiseDistance", attributes("metric", metric, "p", 3.0, "reduced", reduced), 1);
                Tensor out = Tensors.zeros(DType.FLOAT64, Shape.of(4, 9));
                NeighborOperators.kernel(n, constants(null, Tensors.of(data)), math).compute(new Tensor[] {Tensors.of(x), null}, new Tensor[] {out});
                double[] ones = {1, 1, 1};
                for (int r = 0; r < 4; r++) {
                    for (int j = 0; j < 9; j++) {
                        double rd = reference(metric, x[r], data[j], 3, ones, false);
                        double expected = reduced == 1 ? rd : metric.equals("euclidean") ? Math.sqrt(rd) : metric.equals("minkowski") ? Math.pow(rd, 1 / 3.0) : rd;
                        assertEquals(expected, out.getDouble(r * 9L + j), 1e-12 * Math.max(1, expected), metric);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- neighbours

    private static Tensor[] neighbors(MathKernels math, Node n, List<Tensor> constants, double[][] x, int width) {
        Tensor d = Tensors.zeros(DType.FLOAT64, Shape.of(x.length, width));
        Tensor i = Tensors.zeros(DType.INT64, Shape.of(x.length, width));
        Tensor[] in = new Tensor[constants.size()];
        in[0] = Tensors.of(x);
        for (int j = 1; j < in.length; j++) {
            in[j] = constants.get(j);
        }
        NeighborOperators.kernel(n, constants, math).compute(in, new Tensor[] {d, i});
        return new Tensor[] {d, i};
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void bruteForceFindsTheNearestRowsInOrder(MathKernels math) {
        double[][] data = random(70, 5, 11, false);
        double[][] x = random(6, 5, 12, false);
        Node n = node("Neighbors", attributes("k", 4, "metric", "manhattan"), 2);
        Tensor[] out = neighbors(math, n, constants(null, Tensors.of(data)), x, 4);
        double[] ones = {1, 1, 1, 1, 1};
        for (int r = 0; r < x.length; r++) {
            final int row = r;
            Integer[] order = new Integer[data.length];
            Arrays.setAll(order, j -> j);
            Arrays.sort(order, (a, b) -> Double.compare(reference("manhattan", x[row], data[a], 2, ones, false),
                    reference("manhattan", x[row], data[b], 2, ones, false)));
            for (int i = 0; i < 4; i++) {
                assertEquals((long) order[i], out[1].getLong(r * 4L + i));
                assertEquals(reference("manhattan", x[r], data[order[i]], 2, ones, false), out[0].getDouble(r * 4L + i), 0.0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void equalDistancesResolveThroughTheHeap(MathKernels math) {
        // Rows 0..5 all lie at distance 1: rows 3..5 never enter the full heap (a value equal to the root
        // is refused), and row 6 (0.5) evicts the root, row 2; insertion sort then keeps 0 before 1.
        double[][] data = {{1}, {-1}, {1}, {-1}, {1}, {-1}, {0.5}};
        Node n = node("Neighbors", attributes("k", 3, "metric", "euclidean"), 2);
        Tensor[] out = neighbors(math, n, constants(null, Tensors.of(data)), new double[][] {{0}}, 3);
        assertArrayEquals(new double[] {0.5, 1, 1}, Tensors.toDoubles(out[0]));
        assertArrayEquals(new double[] {6, 0, 1}, Tensors.toDoubles(out[1]));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void radiusKeepsRowsInIndexOrderAndPads(MathKernels math) {
        double[][] data = {{0}, {3}, {1}, {-2}, {0.5}};
        Node n = node("Neighbors", attributes("radius", 1.0, "metric", "euclidean"), 2);
        Tensor[] out = neighbors(math, n, constants(null, Tensors.of(data)), new double[][] {{0}, {10}}, 5);
        assertArrayEquals(new double[] {0, 1, 0.5, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, Tensors.toDoubles(out[0]));
        assertArrayEquals(new double[] {0, 2, 4, -1, -1, -1, -1, -1, -1, -1}, Tensors.toDoubles(out[1]));
    }

    /** Four points on a line in a two-leaf tree: the KD bounds or the ball centres and radii. */
    private static List<Tensor> tree(boolean ball, long[] index, long[] nodes) {
        Tensor data = Tensors.of(new double[][] {{0}, {1}, {2}, {3}});
        Tensor indexTensor = Tensors.of(DType.INT64, Shape.of(4), Arrays.stream(index).asDoubleStream().toArray());
        Tensor nodeTensor = Tensors.of(DType.INT64, Shape.of(3, 3), Arrays.stream(nodes).asDoubleStream().toArray());
        Tensor bounds = ball ? Tensors.of(DType.FLOAT64, Shape.of(1, 3, 1), 1.5, 0.5, 2.5)
                : Tensors.of(DType.FLOAT64, Shape.of(2, 3, 1), 0, 0, 2, 3, 1, 3);
        List<Tensor> c = new ArrayList<>(Arrays.asList(null, data, null, indexTensor, nodeTensor, bounds));
        if (ball) {
            c.add(Tensors.of(DType.FLOAT64, Shape.of(3), 1.5, 0.5, 0.5));
        }
        return c;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void treesSearchNearerChildFirst(MathKernels math) {
        for (boolean ball : new boolean[] {false, true}) {
            Node n = node("Neighbors", attributes("k", 2, "metric", "euclidean", "algorithm", ball ? "ball_tree" : "kd_tree"), 2);
            List<Tensor> c = tree(ball, new long[] {0, 1, 2, 3}, new long[] {0, 4, 0, 0, 2, 1, 2, 4, 1});
            // 1.5 is as far from 1 as from 2: both children's bounds tie, the left one (rows 0, 1) is searched
            // first, and row 2 then replaces the heap's root, row 0, so it sorts ahead of row 1.
            Tensor[] out = neighbors(math, n, c, new double[][] {{2.2}, {-5}, {1.5}}, 2);
            assertArrayEquals(new double[] {2, 3, 0, 1, 2, 1}, Tensors.toDoubles(out[1]), ball ? "ball" : "kd");
            assertEquals(0.2, out[0].getDouble(0), 1e-15);
            assertEquals(0.5, out[0].getDouble(4), 0.0);
        }
    }

    @Test
    void corruptTreesAreRefusedWhenTheKernelIsBuilt() {
        Node n = node("Neighbors", attributes("k", 2, "algorithm", "kd_tree"), 2);
        MathKernels math = new PlainMathKernels();
        InvalidModelException badIndex = assertThrows(InvalidModelException.class,
                () -> NeighborOperators.kernel(n, tree(false, new long[] {0, 1, 7, 3}, new long[] {0, 4, 0, 0, 2, 1, 2, 4, 1}), math));
        assertTrue(badIndex.getMessage().contains("tree index 2 is 7"), badIndex.getMessage());
        InvalidModelException badChild = assertThrows(InvalidModelException.class,
                () -> NeighborOperators.kernel(n, tree(false, new long[] {0, 1, 2, 3}, new long[] {0, 4, 0, 0, 2, 0, 2, 4, 1}), math));
        assertTrue(badChild.getMessage().contains("children"), badChild.getMessage());
        InvalidModelException badRange = assertThrows(InvalidModelException.class,
                () -> NeighborOperators.kernel(n, tree(false, new long[] {0, 1, 2, 3}, new long[] {0, 4, 0, 3, 2, 1, 2, 4, 1}), math));
        assertTrue(badRange.getMessage().contains("range [3, 2)"), badRange.getMessage());
    }

    @Test
    void nonFiniteQueriesAreRefused() {
        Node n = node("Neighbors", attributes("k", 1), 2);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> neighbors(new PlainMathKernels(), n,
                constants(null, Tensors.of(new double[][] {{0, 0}})), new double[][] {{1, Double.NaN}}, 1));
        assertTrue(e.getMessage().contains("row 0 has NaN in feature 1"), e.getMessage());
    }

    // ---------------------------------------------------------------- aggregation

    private static Tensor aggregate(Map<String, Attribute> attributes, Tensor targets, double[] distances, long[] indices, int k) {
        int rows = distances.length / k;
        Node n = node("NeighborsAggregate", attributes, 1);
        Tensor d = Tensors.of(DType.FLOAT64, Shape.of(rows, k), distances);
        Tensor i = Tensors.of(DType.INT64, Shape.of(rows, k), Arrays.stream(indices).asDoubleStream().toArray());
        long width = attributes.containsKey("n_classes") ? ((Attribute.Int) attributes.get("n_classes")).value()
                : targets.shape().rank() == 1 ? 0 : targets.shape().dim(1);
        Tensor out = Tensors.zeros(DType.FLOAT64, width == 0 ? Shape.of(rows) : Shape.of(rows, width));
        NeighborOperators.kernel(n, constants(null, null, targets), new PlainMathKernels()).compute(new Tensor[] {d, i, targets}, new Tensor[] {out});
        return out;
    }

    @Test
    void votesAddWeightsPerClass() {
        Tensor classes = Tensors.of(DType.INT64, Shape.of(4), 0, 1, 1, 2);
        double[] distances = {1, 2, 4, 0, 2, 5, 1, 1, Double.POSITIVE_INFINITY};
        long[] indices = {0, 1, 2, 3, 0, 1, 2, 3, -1};
        assertArrayEquals(new double[] {1, 2, 0, 1, 1, 1, 0, 1, 1},
                Tensors.toDoubles(aggregate(attributes("mode", "vote", "n_classes", 3), classes, distances, indices, 3)));
        // Distance weights: 1/d, except that a row with a neighbour at distance 0 weighs those 1 and the rest 0.
        assertArrayEquals(new double[] {1, 0.75, 0, 0, 0, 1, 0, 1, 1},
                Tensors.toDoubles(aggregate(attributes("mode", "vote", "n_classes", 3, "weights", "distance"), classes, distances, indices, 3)));
    }

    @Test
    void meansAreWeightedAndNaNWithoutNeighbours() {
        Tensor targets = Tensors.of(DType.FLOAT64, Shape.of(3, 2), 1, 10, 2, 20, 4, 40);
        double[] distances = {1, 2, 0.5, Double.POSITIVE_INFINITY};
        long[] indices = {0, 2, -1, -1};
        double[] uniform = Tensors.toDoubles(aggregate(attributes("mode", "mean"), targets, distances, indices, 2));
        assertArrayEquals(new double[] {2.5, 25}, Arrays.copyOf(uniform, 2));
        assertTrue(Double.isNaN(uniform[2]) && Double.isNaN(uniform[3]));
        double[] weighted = Tensors.toDoubles(aggregate(attributes("mode", "mean", "weights", "distance"), targets, distances, indices, 2));
        assertEquals((1 * 1.0 + 4 * 0.5) / 1.5, weighted[0], 1e-15);
        Tensor vector = Tensors.of(DType.FLOAT64, Shape.of(3), 1, 2, 4);
        assertArrayEquals(new double[] {2.5, Double.NaN}, Tensors.toDoubles(aggregate(attributes("mode", "mean"), vector, distances, indices, 2)));
    }

    @Test
    void aRowWithoutNeighboursIsAnErrorWhenNeighboursAreRequired() {
        Tensor classes = Tensors.of(DType.INT64, Shape.of(2), 0, 1);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> aggregate(
                attributes("mode", "vote", "n_classes", 2, "require_neighbours", 1), classes, new double[] {1, 5}, new long[] {0, -1}, 1));
        assertTrue(e.getMessage().contains("row 1 has no neighbours"), e.getMessage());
        InvalidModelException bad = assertThrows(InvalidModelException.class, () -> aggregate(
                attributes("mode", "vote", "n_classes", 2), Tensors.of(DType.INT64, Shape.of(2), 0, 2), new double[] {1}, new long[] {0}, 1));
        assertTrue(bad.getMessage().contains("class 2"), bad.getMessage());
    }

    @Test
    void metricNamesAgreeWithTheSchema() {
        assertEquals(NeighborsSchema.METRICS, Arrays.stream(DistanceMetric.Kind.values()).map(DistanceMetric.Kind::label).toList());
    }
}
