package org.mleruntime.operators.ensembles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.operators.OperatorHarness;

@Tag("kernels")
class WeightedMedianKernelTest {
    private static Tensor weights(double... w) {
        return Tensors.of(DType.FLOAT64, Shape.of(w.length), w);
    }

    /** scikit-learn's _get_median_predict for one row, with a stable argsort. */
    private static double reference(double[] row, double[] w) {
        Integer[] order = IntStream.range(0, row.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(j -> row[j]));
        double[] cdf = new double[row.length];
        double sum = 0;
        for (int j = 0; j < row.length; j++) {
            sum += w[order[j]];
            cdf[j] = sum;
        }
        for (int j = 0; j < row.length; j++) {
            if (cdf[j] >= 0.5 * cdf[row.length - 1]) {
                return row[order[j]];
            }
        }
        return row[order[0]];
    }

    @Test
    void worksThroughAHandExample() {
        // Sorted: 1 (w 0.1), 2 (w 0.3), 3 (w 0.2), 9 (w 0.4): cumulative 0.1, 0.4, 0.6 ≥ 0.5 → 3.
        Tensor x = Tensors.of(new double[][] {{9, 1, 3, 2}, {5, 5, 5, 5}});
        Tensor y = OperatorHarness.run("WeightedMedian", Map.of(), x, weights(0.4, 0.1, 0.2, 0.3));
        assertArrayEquals(new double[] {3, 5}, Tensors.toDoubles(y));
    }

    @Test
    void matchesTheReferenceOnRandomRowsWithTiesAndNaN() {
        Random random = new Random(3);
        for (int m : new int[] {1, 2, 7, 50, 301}) {
            double[] w = random.doubles(m, 0.01, 2).toArray();
            double[][] rows = new double[40][m];
            for (double[] row : rows) {
                for (int j = 0; j < m; j++) {
                    row[j] = random.nextInt(5) == 0 ? Math.floor(random.nextDouble() * 4) : random.nextGaussian();
                }
            }
            rows[0][0] = Double.NaN;
            double[] y = Tensors.toDoubles(OperatorHarness.run("WeightedMedian", Map.of(), Tensors.of(rows), weights(w)));
            for (int r = 0; r < rows.length; r++) {
                assertEquals(reference(rows[r], w), y[r], "row " + r + " of width " + m);
            }
        }
    }

    @Test
    void weightsMustMatchTheColumns() {
        Tensor x = Tensors.of(new double[][] {{1, 2}});
        assertThrows(InvalidModelException.class, () -> OperatorHarness.run("WeightedMedian", Map.of(), x, weights(1, 2, 3)));
    }
}
