package org.mleruntime.operators.trees;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.SET_GOES_RIGHT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.TRUNCATE_CATEGORY;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.ops.OperatorSet;

@Tag("kernels")
class TreeEnsembleKernelTest {
    private static Tensor ints(long... v) {
        return Tensors.of(DType.INT32, Shape.of(v.length), Arrays.stream(v).asDoubleStream().toArray());
    }

    /** Node records (word, left, right, float32 threshold bits). */
    private static Tensor nodes(double[]... records) {
        double[] flat = new double[records.length * 4];
        for (int i = 0; i < records.length; i++) {
            flat[4 * i] = records[i][0];
            flat[4 * i + 1] = records[i][1];
            flat[4 * i + 2] = records[i][2];
            flat[4 * i + 3] = Float.floatToRawIntBits((float) records[i][3]);
        }
        return Tensors.of(DType.INT32, Shape.of(records.length, 4), flat);
    }

    private static double[] run(Map<String, Attribute> extra, List<Tensor> constants, int features, double[][] rows) {
        Map<String, Attribute> attrs = new HashMap<>(Map.of("n_targets", new Attribute.Int(1)));
        attrs.putAll(extra);
        Node node = TestModels.node("trees", "TreeEnsemble", List.of(), List.of("y"), attrs);
        Kernel k = TreeOperators.treeEnsemble(node, constants, DType.FLOAT64, features, MathKernelsProvider.selected());
        Tensor[] in = constants.toArray(Tensor[]::new);
        in[0] = Tensors.of(rows);
        Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(rows.length, 1));
        k.compute(in, new Tensor[] {y});
        return Tensors.toDoubles(y);
    }

    /**
     * Tree 0: x0 <= 2.5 ? (x1 <= 0 ? leaf0 : leaf1) : leaf2, NaN on x0 goes left, zero on x1 is missing and goes right.
     * Tree 1: categorical on x1: categories {1, 3} go left to leaf3, others right to leaf4.
     */
    private static List<Tensor> twoTrees() {
        return Arrays.asList(null,
                nodes(new double[] {0 | DEFAULT_LEFT, 1, ~2, 2.5}, new double[] {1 | ZERO_IS_MISSING, ~0, ~1, 0}, new double[] {1 | CATEGORICAL, ~3, ~4, 0}),
                ints(0, 2), Tensors.of(DType.FLOAT64, Shape.of(5, 1), 10, 20, 30, 100, 200), ints(0, 0),
                null, ints(0b1010), ints(0, 1));
    }

    @Test
    void routesNumericMissingZeroAndCategoricalSplits() {
        double[][] rows = {
            {1, -1},          // left, x1 <= 0 → leaf0 (10); category -1 → not in set → right (200)
            {2.5, 3},         // on the threshold: left; x1 = 3 → leaf1 (20); category 3 in set → left (100)
            {2.6, 1},         // right → leaf2 (30); category 1 → 100
            {Double.NaN, 0},  // NaN goes left; zero is missing, goes right → leaf1 (20); category 0 → 200
            {0, Double.NaN},  // left; NaN counts as zero, missing → right → 20; NaN on categorical, default right → 200
        };
        assertArrayEquals(new double[] {210, 120, 130, 220, 220}, run(Map.of(), twoTrees(), 2, rows));
        assertArrayEquals(new double[] {130}, run(Map.of("comparison", new Attribute.Str("lt")), twoTrees(), 2, new double[][] {{2.5, 3}}),
                "with 'lt' a value on the threshold goes right");
        assertArrayEquals(new double[] {130 / 2.0 + 5}, run(Map.of("aggregate", new Attribute.Str("average"),
                "base_values", new Attribute.Floats(new double[] {5})), twoTrees(), 2, new double[][] {{2.6, 1}}));
        assertArrayEquals(new double[] {135}, run(Map.of("base_values", new Attribute.Floats(new double[] {5})), twoTrees(), 2,
                new double[][] {{2.6, 1}}));
    }

    @Test
    void zeroIsMissingUpToLightGbmsFloat32Threshold() {
        double z = 1e-35f;
        // Tree 1 sends x0 = 1 to node 1 (ZERO_IS_MISSING, missing goes right to 20, else x1 <= 0 to 10);
        // tree 2 sends these x1 right (200).
        double[][] rows = {{1, -z}, {1, -1e-35}, {1, z}, {1, Math.nextDown(-z)}};
        assertArrayEquals(new double[] {220, 220, 220, 210}, run(Map.of(), twoTrees(), 2, rows));
    }

    @Test
    void float64ThresholdsReplaceTheFloat32Ones() {
        double t = 0.1;
        List<Tensor> constants = Arrays.asList(null, nodes(new double[] {0, ~0, ~1, 0}), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0), Tensors.of(DType.FLOAT64, Shape.of(1), t));
        assertArrayEquals(new double[] {1, 2}, run(Map.of(), constants, 1, new double[][] {{0.1}, {Math.nextUp(0.1)}}));
    }

    @Test
    void setGoesRightFlipsCategoricalRouting() {
        List<Tensor> constants = Arrays.asList(null, nodes(new double[] {0 | CATEGORICAL | SET_GOES_RIGHT, ~0, ~1, 0}), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0), null, ints(0b100), ints(0, 1));
        assertArrayEquals(new double[] {2, 1}, run(Map.of(), constants, 1, new double[][] {{2}, {1}}));
    }

    @Test
    void truncatedCategoriesPutFractionsAboveMinusOneInCategoryZero() {
        double[][] rows = {{-0.5}, {-1}, {0.9}, {1}};
        for (boolean truncate : new boolean[] {true, false}) {
            List<Tensor> constants = Arrays.asList(null, nodes(new double[] {0 | CATEGORICAL | (truncate ? TRUNCATE_CATEGORY : 0), ~0, ~1, 0}),
                    ints(0), Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0), null, ints(0b1), ints(0, 1));
            double expectedForMinusHalf = truncate ? 1 : 2;
            assertArrayEquals(new double[] {expectedForMinusHalf, 2, 1, 2}, run(Map.of(), constants, 1, rows), "truncate=" + truncate);
        }
    }

    @Test
    void brokenTreesStopTheRunWithTheTreeNamed() {
        double[][] row = {{0.5}};
        List<Tensor> cyclic = Arrays.asList(null, nodes(new double[] {0, 1, ~0, 1}, new double[] {0, 0, ~1, 1}), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> run(Map.of(), cyclic, 1, row));
        assertTrue(e.getMessage().contains("cycle") && e.getMessage().contains("tree 0"), e.getMessage());
        List<Tensor> beyondLeaves = Arrays.asList(null, nodes(new double[] {0, ~7, ~0, 1}), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        e = assertThrows(InvalidModelException.class, () -> run(Map.of(), beyondLeaves, 1, row));
        assertTrue(e.getMessage().contains("leaf 7"), e.getMessage());
        List<Tensor> beyondNodes = Arrays.asList(null, nodes(new double[] {0, 5, ~0, 1}), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        e = assertThrows(InvalidModelException.class, () -> run(Map.of(), beyondNodes, 1, row));
        // Reported by the compiled layout's check (node 5) or by a walk from the records (outside the nodes).
        assertTrue(e.getMessage().contains("tree 0") && (e.getMessage().contains("node 5") || e.getMessage().contains("outside the 1 nodes")),
                e.getMessage());
        List<Tensor> feature = Arrays.asList(null, nodes(new double[] {5, ~0, ~1, 1}), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        e = assertThrows(InvalidModelException.class, () -> run(Map.of(), feature, 1, row));
        assertTrue(e.getMessage().contains("tree 0") && (e.getMessage().contains("feature 5") || e.getMessage().contains("features of a row")),
                e.getMessage());
    }

    @Test
    void aWalkIsBoundedByTheNodesWhateverMaxDepthTheFileDeclares() {
        List<Tensor> selfLoop = Arrays.asList(null, nodes(new double[] {0, 0, ~0, 1}), ints(0), Tensors.of(DType.FLOAT64, Shape.of(1, 1), 1), ints(0));
        Node node = TestModels.node("trees", "TreeEnsemble", List.of("x", "nodes", "roots", "leaves", "targets"), List.of("y"),
                Map.of("n_targets", new Attribute.Int(1), "max_depth", new Attribute.Int(1L << 62)));
        List<ValueInfo> types = Arrays.asList(new ValueInfo("x", DType.FLOAT64, Shape.of(-1, 1)), info("nodes", selfLoop.get(1)),
                info("roots", selfLoop.get(2)), info("leaves", selfLoop.get(3)), info("targets", selfLoop.get(4)));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> OperatorSet.schema(node).infer(node, types, selfLoop));
        assertTrue(e.getMessage().contains("max_depth"), e.getMessage());
        InvalidModelException walk = assertThrows(InvalidModelException.class,
                () -> run(Map.of("max_depth", new Attribute.Int(1)), selfLoop, 1, new double[][] {{0.5}}));
        assertTrue(walk.getMessage().contains("cycle"), walk.getMessage());
    }

    @Test
    void aTreeTargetNearTheLargestIntIsRefusedByName() {
        List<Tensor> farTarget = Arrays.asList(null, nodes(new double[] {0, ~0, ~1, 1}), ints(0), Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2),
                ints(Integer.MAX_VALUE));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> run(Map.of(), farTarget, 1, new double[][] {{0.5}}));
        assertTrue(e.getMessage().contains("tree 0 writes outputs"), e.getMessage());
    }

    private static ValueInfo info(String name, Tensor t) {
        return new ValueInfo(name, t.dtype(), t.shape());
    }
}
