package org.mleruntime.operators.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.TestModels;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.Kernel;

/** LogSumExp, LogSoftmax and CategoryTableSum against scikit-learn's arithmetic worked out by hand. */
@Tag("kernels")
class LogProbabilityKernelsTest {
    private static Tensor unary(String op, Tensor x, Shape outShape) {
        Tensor out = Tensors.zeros(DType.FLOAT64, outShape);
        (op.equals("LogSumExp") ? LogSumExpKernel.logSumExp() : LogSumExpKernel.logSoftmax()).compute(new Tensor[] {x}, new Tensor[] {out});
        return out;
    }

    @Test
    void logSumExpFollowsScikitLearn() {
        double[] rows = {1, 2, 3, -1000, -1000, -999, 5, 5, 5, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(4, 3), rows);
        double[] out = Tensors.toDoubles(unary("LogSumExp", x, Shape.of(4, 1)));
        assertEquals(Math.log1p(Math.exp(-2) + Math.exp(-1)) + 3, out[0], 0.0);
        assertEquals(Math.log1p(2 * Math.exp(-1)) - 999, out[1], 0.0);
        assertEquals(Math.log1p(0) + Math.log(3) + 5, out[2], 0.0);
        assertEquals(Double.NEGATIVE_INFINITY, out[3]);
        double[] soft = Tensors.toDoubles(unary("LogSoftmax", x, Shape.of(4, 3)));
        double log = Math.log(Math.exp(-2) + Math.exp(-1) + Math.exp(0));
        assertArrayEquals(new double[] {-2 - log, -1 - log, 0 - log}, Arrays.copyOf(soft, 3), 0.0);
    }

    @Test
    void categoryTablesAreLookedUpAndSummed() {
        // Two features with 2 and 3 categories; tables of two columns.
        Tensor tables = Tensors.of(DType.FLOAT64, Shape.of(5, 2), 1, 2, 3, 4, 10, 20, 30, 40, 50, 60);
        Tensor offsets = Tensors.of(DType.INT64, Shape.of(3), 0, 2, 5);
        Node n = TestModels.node("n", "CategoryTableSum", List.of(), List.of("y"), Map.of());
        Kernel k = new CategoryTableSumKernel(n, Arrays.asList(null, tables, offsets));
        Tensor x = Tensors.of(DType.FLOAT64, Shape.of(2, 2), 1, 2.9, 0, 0);
        Tensor out = Tensors.zeros(DType.FLOAT64, Shape.of(2, 2));
        k.compute(new Tensor[] {x, tables, offsets}, new Tensor[] {out});
        assertArrayEquals(new double[] {53, 64, 11, 22}, Tensors.toDoubles(out));
        for (double bad : new double[] {3, -1, Double.NaN}) {
            Tensor y = Tensors.of(DType.FLOAT64, Shape.of(1, 2), 0, bad);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> k.compute(new Tensor[] {y, tables, offsets}, new Tensor[] {Tensors.zeros(DType.FLOAT64, Shape.of(1, 2))}));
            assertTrue(e.getMessage().contains("feature 1 is " + bad), e.getMessage());
        }
    }
}
