package org.mleruntime.operators.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.operators.OperatorHarness;

@Tag("kernels")
class InterpolateKernelTest {
    private static final Tensor XP = vector(0, 1, 3);
    private static final Tensor FP = vector(10, 20, 0);

    private static Tensor vector(double... v) {
        return Tensors.of(DType.FLOAT64, Shape.of(v.length), v);
    }

    private static double[] interpolate(String mode, Tensor xp, Tensor fp, double... x) {
        return Tensors.toDoubles(OperatorHarness.run("Interpolate", Map.of("out_of_bounds", new Attribute.Str(mode)), vector(x), xp, fp));
    }

    @Test
    void followsNumpyInterpInsideAndOnThePoints() {
        double slope = (0.0 - 20.0) / (3.0 - 1.0);
        assertArrayEquals(new double[] {10, 15, 20, slope * (2.2 - 1.0) + 20.0, 0, Double.NaN},
                interpolate("clip", XP, FP, 0, 0.5, 1, 2.2, 3, Double.NaN));
    }

    @Test
    void outOfBoundsClipsGivesNaNOrStops() {
        assertArrayEquals(new double[] {10, 0, 10, 0}, interpolate("clip", XP, FP, -5, 7, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        assertArrayEquals(new double[] {Double.NaN, 15, Double.NaN}, interpolate("nan", XP, FP, -5, 0.5, 7));
        assertArrayEquals(new double[] {15, Double.NaN}, interpolate("error", XP, FP, 0.5, Double.NaN));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> interpolate("error", XP, FP, 0.5, 3.5));
        assertTrue(e.getMessage().contains("3.5 at element 1 is outside the interpolation range [0.0, 3.0]"), e.getMessage());
    }

    @Test
    void infiniteValuesRetryFromTheRightAsNumpyDoes() {
        // numpy.interp([0.5, 1.5, 2.5], [0, 1, 2, 3], [inf, inf, -inf, 0]) = [inf, nan, -inf]
        double inf = Double.POSITIVE_INFINITY;
        assertArrayEquals(new double[] {inf, Double.NaN, -inf}, interpolate("clip", vector(0, 1, 2, 3), vector(inf, inf, -inf, 0), 0.5, 1.5, 2.5));
    }

    @Test
    void onePointIsAConstant() {
        assertArrayEquals(new double[] {5, 5, 5}, interpolate("clip", vector(1), vector(5), 0, 2, Double.NaN));
    }

    @Test
    void pointsMustIncreaseStrictly() {
        assertThrows(InvalidModelException.class, () -> interpolate("clip", vector(0, 0, 1), vector(1, 2, 3), 0.5));
        assertThrows(InvalidModelException.class, () -> interpolate("clip", vector(0, 1), vector(1, 2, 3), 0.5));
        assertThrows(InvalidModelException.class, () -> interpolate("extrapolate", XP, FP, 0.5));
        Tensor wide = Tensors.of(DType.FLOAT64, Shape.of(1, 2), 0.5, 2);
        assertEquals(Shape.of(1, 2), OperatorHarness.run("Interpolate", Map.of(), wide, XP, FP).shape());
    }
}
