package org.mleruntime.operators.trees;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mleruntime.operators.trees.ObliviousTreeEnsembleSchema.NAN_GOES_ONE;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathKernelsProvider;

@Tag("kernels")
class ObliviousTreeEnsembleKernelTest {
    private static Tensor splits(double[]... rows) {
        double[] flat = new double[rows.length * 2];
        for (int i = 0; i < rows.length; i++) {
            flat[2 * i] = rows[i][0];
            flat[2 * i + 1] = Float.floatToRawIntBits((float) rows[i][1]);
        }
        return Tensors.of(DType.INT32, Shape.of(rows.length, 2), flat);
    }

    /** Tree 0 (depth 2): bit 0 = x0 > 1, bit 1 = x1 > 0 (NaN sets it); tree 1 (depth 1): bit 0 = x1 > 5. */
    private static List<Tensor> constants() {
        return Arrays.asList(null,
                splits(new double[] {0, 1}, new double[] {1 | NAN_GOES_ONE, 0}, new double[] {1, 5}),
                Tensors.of(DType.INT32, Shape.of(2, 2), 0, 2, 2, 1),
                Tensors.of(DType.FLOAT64, Shape.of(6, 1), 1, 2, 3, 4, 100, 200),
                Tensors.of(DType.INT32, Shape.of(2), 0, 0));
    }

    private static double[] run(List<Tensor> constants, Map<String, Attribute> attrs, double[][] rows) {
        return run(MathKernelsProvider.selected(), constants, attrs, rows);
    }

    private static double[] run(MathKernels math, List<Tensor> constants, Map<String, Attribute> attrs, double[][] rows) {
        Node node = TestModels.node("trees", "ObliviousTreeEnsemble", List.of(), List.of("y"), attrs);
        Kernel k = TreeOperators.obliviousTreeEnsemble(node, constants, DType.FLOAT64, 2, math);
        Tensor[] in = constants.toArray(Tensor[]::new);
        in[0] = Tensors.of(rows);
        Tensor y = Tensors.zeros(DType.FLOAT64, Shape.of(rows.length, 1));
        k.compute(in, new Tensor[] {y});
        return Tensors.toDoubles(y);
    }

    @ParameterizedTest
    @MethodSource("org.mleruntime.kernels.MathKernelsTest#implementations")
    void leafIndexIsTheSplitBits(MathKernels math) {
        double[][] rows = {
            {0, -1},          // bits 00 → leaf 0 (1); x1 ≤ 5 → 100
            {2, -1},          // bit0 → leaf 1 (2); 100
            {1, 3},           // on the border: not greater; bit1 → leaf 2 (3); 100
            {5, 9},           // 11 → leaf 3 (4); x1 > 5 → 200
            {Double.NaN, Double.NaN},  // NaN on x0: bit 0 unset; on x1: bit 1 set → leaf 2 (3); tree 1 NaN → 100
        };
        assertArrayEquals(new double[] {101, 102, 103, 204, 103}, run(math, constants(), Map.of(), rows));
        assertArrayEquals(new double[] {101 / 2.0 + 0.5}, run(constants(), Map.of("aggregate", new Attribute.Str("average"),
                "base_values", new Attribute.Floats(new double[] {0.5})), new double[][] {{0, -1}}));
    }

    /** Blocks of many rows take the level-by-level loops; every row must match the definition. */
    @ParameterizedTest
    @MethodSource("org.mleruntime.kernels.MathKernelsTest#implementations")
    void manyRowsMatchTheDefinition(MathKernels math) {
        Random random = new Random(7);
        double[][] rows = new double[150][2];
        double[] expected = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            for (int f = 0; f < 2; f++) {
                int pick = random.nextInt(10);
                rows[r][f] = pick == 0 ? Double.NaN : pick == 1 ? (f == 0 ? 1 : 5) : random.nextGaussian() * 4;
            }
            double x0 = rows[r][0], x1 = rows[r][1];
            int leaf = (x0 > 1 ? 1 : 0) | (x1 > 0 || Double.isNaN(x1) ? 2 : 0);
            expected[r] = (leaf + 1) + (x1 > 5 ? 200 : 100);
        }
        assertArrayEquals(expected, run(math, constants(), Map.of(), rows));
    }

    @Test
    void inconsistentTablesAreRefusedWhenTheKernelIsBuilt() {
        List<Tensor> tooFewLeaves = constants();
        tooFewLeaves.set(3, Tensors.of(DType.FLOAT64, Shape.of(5, 1), 1, 2, 3, 4, 5));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> run(tooFewLeaves, Map.of(), new double[][] {{0, 0}}));
        assertTrue(e.getMessage().contains("6 leaves"), e.getMessage());
        List<Tensor> beyondSplits = constants();
        beyondSplits.set(2, Tensors.of(DType.INT32, Shape.of(2, 2), 0, 2, 2, 4));
        e = assertThrows(InvalidModelException.class, () -> run(beyondSplits, Map.of(), new double[][] {{0, 0}}));
        assertTrue(e.getMessage().contains("tree 1"), e.getMessage());
        List<Tensor> badFeature = constants();
        badFeature.set(1, splits(new double[] {7, 1}, new double[] {1, 0}, new double[] {1, 5}));
        e = assertThrows(InvalidModelException.class, () -> run(badFeature, Map.of(), new double[][] {{0, 0}}));
        assertTrue(e.getMessage().contains("feature 7"), e.getMessage());
    }
}
