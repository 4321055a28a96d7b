package org.mleruntime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mleruntime.ops.TreeEnsembleSchema.CATEGORICAL;
import static org.mleruntime.ops.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.ops.TreeEnsembleSchema.SET_GOES_RIGHT;
import static org.mleruntime.ops.TreeEnsembleSchema.ZERO_IS_MISSING;

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

@Tag("kernels")
class TreeEnsembleKernelTest {
    private static Tensor ints(long... v) {
        return Tensors.of(DType.INT32, Shape.of(v.length), java.util.Arrays.stream(v).asDoubleStream().toArray());
    }

    /**
     * Tree 0: x0 <= 2.5 ? (x1 <= 0 ? leaf0 : leaf1) : leaf2, NaN on x0 goes left, zero on x1 is missing and goes right.
     * Tree 1: categorical on x1: categories {1, 3} go left to leaf3, others right to leaf4.
     */
    private static double[] run(Map<String, Attribute> extra, double[][] rows) {
        Tensor nodes = Tensors.of(DType.INT32, Shape.of(3, 3),
                0 | DEFAULT_LEFT, 1, ~2,
                1 | ZERO_IS_MISSING, ~0, ~1,
                1 | CATEGORICAL, ~3, ~4);
        Tensor thresholds = Tensors.of(DType.FLOAT32, Shape.of(3), 2.5, 0, 0);
        Tensor roots = ints(0, 2);
        Tensor leaves = Tensors.of(DType.FLOAT64, Shape.of(5, 1), 10, 20, 30, 100, 200);
        Tensor targets = ints(0, 0);
        Tensor words = ints(0b1010);
        Tensor offsets = ints(0, 1);
        Map<String, Attribute> attrs = new HashMap<>(Map.of("n_targets", new Attribute.Int(1)));
        attrs.putAll(extra);
        Node node = TestModels.node("trees", "TreeEnsemble", List.of(), List.of("y"), attrs);
        List<Tensor> constants = java.util.Arrays.asList(null, nodes, thresholds, roots, leaves, targets, words, offsets);
        Kernel k = CpuKernels.treeEnsemble(node, constants, 2);
        Tensor x = Tensors.of(rows);
        Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(rows.length, 1));
        Tensor[] in = {x, nodes, thresholds, roots, leaves, targets, words, offsets};
        k.compute(in, new Tensor[] {y});
        return Tensors.toDoubles(y);
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
        assertArrayEquals(new double[] {210, 120, 130, 220, 220}, run(Map.of(), rows));
        double[] lt = run(Map.of("comparison", new Attribute.Str("lt")), new double[][] {{2.5, 3}});
        assertArrayEquals(new double[] {130}, lt, "with 'lt' a value on the threshold goes right");
        double[] averaged = run(Map.of("aggregate", new Attribute.Str("average"), "base_values", new Attribute.Floats(new double[] {5})),
                new double[][] {{2.6, 1}});
        assertArrayEquals(new double[] {130 / 2.0 + 5}, averaged);
        double[] summed = run(Map.of("base_values", new Attribute.Floats(new double[] {5})), new double[][] {{2.6, 1}});
        assertArrayEquals(new double[] {135}, summed);
    }

    @Test
    void setGoesRightFlipsCategoricalRouting() {
        Tensor nodes = Tensors.of(DType.INT32, Shape.of(1, 3), 0 | CATEGORICAL | SET_GOES_RIGHT, ~0, ~1);
        Node node = TestModels.node("trees", "TreeEnsemble", List.of(), List.of("y"), Map.of());
        List<Tensor> constants = java.util.Arrays.asList(null, nodes, Tensors.of(DType.FLOAT64, Shape.of(1), 0), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0), ints(0b100), ints(0, 1));
        Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(2, 1));
        Tensor[] in = {Tensors.of(new double[][] {{2}, {1}}), null, null, null, null, null, null, null};
        for (int i = 1; i < 8; i++) {
            in[i] = constants.get(i);
        }
        CpuKernels.treeEnsemble(node, constants, 1).compute(in, new Tensor[] {y});
        assertArrayEquals(new double[] {2, 1}, Tensors.toDoubles(y));
    }

    @Test
    void cyclesAndOutOfRangeChildrenAreRefusedAtBuild() {
        Node node = TestModels.node("trees", "TreeEnsemble", List.of(), List.of("y"), Map.of());
        Tensor cyclic = Tensors.of(DType.INT32, Shape.of(2, 3), 0, 1, ~0, 0, 0, ~1);
        List<Tensor> constants = java.util.Arrays.asList(null, cyclic, Tensors.of(DType.FLOAT64, Shape.of(2), 0, 0), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> CpuKernels.treeEnsemble(node, constants, 1));
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        Tensor beyond = Tensors.of(DType.INT32, Shape.of(1, 3), 0, ~0, ~7);
        List<Tensor> constants2 = java.util.Arrays.asList(null, beyond, Tensors.of(DType.FLOAT64, Shape.of(1), 0), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        e = assertThrows(InvalidModelException.class, () -> CpuKernels.treeEnsemble(node, constants2, 1));
        assertTrue(e.getMessage().contains("leaf 7"), e.getMessage());
        Tensor feature = Tensors.of(DType.INT32, Shape.of(1, 3), 5, ~0, ~1);
        List<Tensor> constants3 = java.util.Arrays.asList(null, feature, Tensors.of(DType.FLOAT64, Shape.of(1), 0), ints(0),
                Tensors.of(DType.FLOAT64, Shape.of(2, 1), 1, 2), ints(0));
        e = assertThrows(InvalidModelException.class, () -> CpuKernels.treeEnsemble(node, constants3, 1));
        assertTrue(e.getMessage().contains("feature 5"), e.getMessage());
    }
}
