package org.mleruntime.operators.trees;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.FEATURE_MASK;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.NAN_AS_ZERO;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.operators.OperatorHarness;

/**
 * Random ensembles through every way the TreeEnsemble kernel evaluates a tree — compiled small
 * trees walked row by row or routed as row masks, every tree walked from the node records (before
 * the background compilation is awaited, or for large and categorical trees) — against a direct reading of the operator's definition, bit for bit: shallow and
 * deep trees, values on thresholds, NaN, NaN read as zero, float32 and float64 inputs and
 * thresholds, both comparisons, several values per leaf, batches of 1 to 1100 rows.
 */
@Tag("kernels")
class TreeEnsemblePathsTest {
    private static final int FEATURES = 7;
    /** Thresholds and most input values come from this grid, so that many values sit exactly on a threshold. */
    private static final double[] GRID = {-2, -0.5, 0, 0.25, 1, 1.5, 3};

    /** An ensemble in the operator's arrays, plus what the reference needs to walk it. */
    private record Ensemble(int[][] records, double[] thresholds, int[] roots, double[][] leaves, int[] targets, int outputs,
                            int[] categoryWords, int[] categoryOffsets) {}

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (MathKernels math : OperatorHarness.hotLoops().toList()) {
            for (boolean float32Input : new boolean[] {true, false}) {
                for (boolean wideThresholds : new boolean[] {false, true}) {
                    for (String comparison : List.of("le", "lt")) {
                        cases.add(Arguments.of(math, float32Input, wideThresholds, comparison));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} float32 input={1} float64 thresholds={2} {3}")
    @MethodSource("cases")
    void everyPathMatchesTheDefinition(MathKernels math, boolean float32Input, boolean wideThresholds, String comparison) {
        Random random = new Random(float32Input ? 11 : 17);
        for (int leafWidth : new int[] {1, 3}) {
            for (boolean mixed : new boolean[] {true, false}) {
                Ensemble e = ensemble(random, leafWidth, wideThresholds, mixed);
                for (int rows : new int[] {1, 3, 17, 64, 200, 1100}) {
                    double[][] x = rows(random, rows, float32Input);
                    Map<String, Attribute> attrs = new HashMap<>(Map.of("n_targets", new Attribute.Int(e.outputs()),
                            "comparison", new Attribute.Str(comparison), "base_values", new Attribute.Floats(base(e.outputs()))));
                    double[] expected = expected(e, x, comparison.equals("le"));
                    for (boolean prepared : rows == 64 || rows == 1100 ? new boolean[] {false, true} : new boolean[] {true}) {
                        assertArrayEquals(expected, run(math, e, attrs, x, float32Input, wideThresholds, prepared),
                                () -> rows + " rows, leaf width " + leafWidth + (mixed ? ", mixed trees" : ", small trees only")
                                        + (prepared ? ", compiled" : ""));
                    }
                }
            }
        }
    }

    private static double[] base(int outputs) {
        double[] b = new double[outputs];
        Arrays.setAll(b, i -> 0.125 * (i + 1));
        return b;
    }

    private static double[][] rows(Random random, int count, boolean float32) {
        double[][] x = new double[count][FEATURES];
        for (double[] row : x) {
            for (int f = 0; f < FEATURES; f++) {
                int pick = random.nextInt(12);
                double v = pick == 0 ? Double.NaN : pick < 6 ? GRID[random.nextInt(GRID.length)] : random.nextGaussian() * 2;
                row[f] = float32 ? (float) v : v;
            }
        }
        return x;
    }

    /**
     * Trees of every kind (only the small, compiled kinds unless {@code mixed}): full shallow ones (compiled, complete), sparse deep ones (compiled, walked
     * to different depths), ones with more splits than compile (walked from the records), and ones
     * with a categorical or zero-as-missing split (walked from the records too).
     */
    private static Ensemble ensemble(Random random, int leafWidth, boolean wideThresholds, boolean mixed) {
        List<int[]> records = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        List<double[]> leaves = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        int trees = 24;
        for (int t = 0; t < trees; t++) {
            int kind = mixed ? t % 6 : t % 3;
            int splits = switch (kind) {
                case 0, 1 -> 63;
                case 2 -> 20;
                case 3 -> 400;
                default -> 30;
            };
            boolean full = kind <= 1;
            int special = kind == 4 ? CATEGORICAL : kind == 5 ? ZERO_IS_MISSING : 0;
            roots.add(t == trees - 1 ? ~leaf(random, leaves, leafWidth) : grow(random, records, thresholds, leaves, leafWidth, splits, full,
                    special, wideThresholds));
        }
        int[] targets = new int[trees];
        int outputs = leafWidth == 1 ? 2 : leafWidth;
        for (int t = 0; t < trees; t++) {
            targets[t] = leafWidth == 1 ? t % 2 : 0;
        }
        return new Ensemble(records.toArray(int[][]::new), thresholds.stream().mapToDouble(Double::doubleValue).toArray(),
                roots.stream().mapToInt(Integer::intValue).toArray(), leaves.toArray(double[][]::new), targets, outputs,
                new int[] {0b1010_0110, 0b1}, new int[] {0, 1, 2});
    }

    private static int leaf(Random random, List<double[]> leaves, int width) {
        double[] values = new double[width];
        for (int w = 0; w < width; w++) {
            values[w] = Math.round(random.nextGaussian() * 1000) / 64.0;
        }
        leaves.add(values);
        return leaves.size() - 1;
    }

    /** Grows a tree of {@code splits} splits (a complete one when {@code full}) and returns its root. */
    private static int grow(Random random, List<int[]> records, List<Double> thresholds, List<double[]> leaves, int width, int splits,
                            boolean full, int special, boolean wide) {
        int root = records.size();
        List<int[]> open = new ArrayList<>();
        records.add(new int[4]);
        thresholds.add(0.0);
        open.add(new int[] {root, 1});
        open.add(new int[] {root, 2});
        int made = 1;
        while (made < splits && !open.isEmpty()) {
            int[] slot = open.remove(full ? 0 : random.nextInt(open.size()));
            int n = records.size();
            records.add(new int[4]);
            thresholds.add(0.0);
            records.get(slot[0])[slot[1]] = n;
            open.add(new int[] {n, 1});
            open.add(new int[] {n, 2});
            made++;
        }
        for (int[] slot : open) {
            records.get(slot[0])[slot[1]] = ~leaf(random, leaves, width);
        }
        for (int n = root; n < records.size(); n++) {
            int flags = random.nextBoolean() ? DEFAULT_LEFT : 0;
            if (random.nextInt(5) == 0) {
                flags |= NAN_AS_ZERO;
            }
            double threshold = GRID[random.nextInt(GRID.length)];
            if (wide && random.nextBoolean()) {
                threshold += 1e-9;
            }
            if (special != 0 && n == root + 1) {
                flags = special | DEFAULT_LEFT;
                threshold = special == CATEGORICAL ? random.nextInt(2) : threshold;
            }
            records.get(n)[0] = random.nextInt(FEATURES) | flags;
            thresholds.set(n, threshold);
        }
        return root;
    }

    private static double[] run(MathKernels math, Ensemble e, Map<String, Attribute> attrs, double[][] x, boolean float32Input,
                                boolean wideThresholds, boolean prepared) {
        double[] flat = new double[e.records().length * 4];
        for (int i = 0; i < e.records().length; i++) {
            flat[4 * i] = e.records()[i][0];
            flat[4 * i + 1] = e.records()[i][1];
            flat[4 * i + 2] = e.records()[i][2];
            flat[4 * i + 3] = Float.floatToRawIntBits((float) e.thresholds()[i]);
        }
        int width = e.leaves()[0].length;
        double[] leafValues = Arrays.stream(e.leaves()).flatMapToDouble(Arrays::stream).toArray();
        List<Tensor> constants = Arrays.asList(null,
                Tensors.of(DType.INT32, Shape.of(e.records().length, 4), flat),
                Tensors.of(DType.INT32, Shape.of(e.roots().length), Arrays.stream(e.roots()).asDoubleStream().toArray()),
                Tensors.of(DType.FLOAT64, Shape.of(e.leaves().length, width), leafValues),
                Tensors.of(DType.INT32, Shape.of(e.targets().length), Arrays.stream(e.targets()).asDoubleStream().toArray()),
                wideThresholds ? Tensors.of(DType.FLOAT64, Shape.of(e.thresholds().length), e.thresholds()) : null,
                Tensors.of(DType.INT32, Shape.of(e.categoryWords().length), Arrays.stream(e.categoryWords()).asDoubleStream().toArray()),
                Tensors.of(DType.INT32, Shape.of(e.categoryOffsets().length), Arrays.stream(e.categoryOffsets()).asDoubleStream().toArray()));
        Node node = TestModels.node("trees", "TreeEnsemble", List.of(), List.of("y"), attrs);
        DType inputType = float32Input ? DType.FLOAT32 : DType.FLOAT64;
        Kernel k = TreeOperators.treeEnsemble(node, constants, inputType, FEATURES, math);
        if (prepared) {
            k.awaitPrepared();
        }
        Tensor[] in = constants.toArray(Tensor[]::new);
        double[] values = Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
        in[0] = Tensors.of(inputType, Shape.of(x.length, FEATURES), values);
        Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(x.length, e.outputs()));
        k.compute(in, new Tensor[] {y});
        return Tensors.toDoubles(y);
    }

    /** The operator's definition, read directly: sums from the base values in tree order. */
    private static double[] expected(Ensemble e, double[][] x, boolean lessOrEqual) {
        double[] out = new double[x.length * e.outputs()];
        double[] base = base(e.outputs());
        for (int r = 0; r < x.length; r++) {
            double[] acc = base.clone();
            for (int t = 0; t < e.roots().length; t++) {
                double[] leaf = e.leaves()[walk(e, e.roots()[t], x[r], lessOrEqual)];
                for (int w = 0; w < leaf.length; w++) {
                    acc[e.targets()[t] + w] += leaf[w];
                }
            }
            System.arraycopy(acc, 0, out, r * e.outputs(), e.outputs());
        }
        return out;
    }

    private static int walk(Ensemble e, int n, double[] row, boolean lessOrEqual) {
        while (n >= 0) {
            int word = e.records()[n][0];
            double v = row[word & FEATURE_MASK];
            double threshold = e.thresholds()[n];
            boolean left;
            if ((word & CATEGORICAL) != 0) {
                int set = (int) threshold;
                left = !Double.isNaN(v) && v >= 0 && v < 32 && (e.categoryWords()[set] >>> (int) v & 1) != 0;
                if (Double.isNaN(v)) {
                    left = (word & DEFAULT_LEFT) != 0;
                }
            } else {
                if (Double.isNaN(v) && (word & (NAN_AS_ZERO | ZERO_IS_MISSING)) != 0) {
                    v = 0;
                }
                boolean missing = Double.isNaN(v) || ((word & ZERO_IS_MISSING) != 0 && Math.abs(v) <= 1e-35);
                left = missing ? (word & DEFAULT_LEFT) != 0 : lessOrEqual ? v <= threshold : v < threshold;
            }
            n = e.records()[n][left ? 1 : 2];
        }
        return ~n;
    }
}
