package org.mleruntime.operators.ensembles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.operators.OperatorHarness;

@Tag("kernels")
class ClassIndicatorKernelTest {
    private static Tensor values(double off, double on) {
        return Tensors.of(DType.FLOAT64, Shape.of(2), off, on);
    }

    @Test
    void marksTheMatchingClassOfEachLabel() {
        Tensor labels = Tensors.of(DType.INT64, Shape.of(4), 2, 0, 7, 2);
        Tensor classes = Tensors.of(DType.INT64, Shape.of(3), 0, 1, 2);
        Tensor y = OperatorHarness.run("ClassIndicator", Map.of(), labels, classes, values(0, 1));
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1}, Tensors.toDoubles(y));
    }

    @Test
    void stringsFloatsAndBooleansWithTheirOwnOnAndOffValues() {
        Tensor words = Tensors.strings(Shape.of(2), "b", "z");
        Tensor y = OperatorHarness.run("ClassIndicator", Map.of(), words, Tensors.strings(Shape.of(2), "a", "b"), values(-0.25, 0.75));
        assertArrayEquals(new double[] {-0.25, 0.75, -0.25, -0.25}, Tensors.toDoubles(y));
        Tensor floats = Tensors.of(DType.FLOAT64, Shape.of(3), -0.0, Double.NaN, 1.5);
        Tensor f = OperatorHarness.run("ClassIndicator", Map.of(), floats, Tensors.of(DType.FLOAT64, Shape.of(3), 0.0, 1.5, Double.NaN), values(0, 1));
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 1, 0}, Tensors.toDoubles(f));
        Tensor flags = Tensors.of(DType.BOOL, Shape.of(2), 1, 0);
        Tensor b = OperatorHarness.run("ClassIndicator", Map.of(), flags, Tensors.of(DType.BOOL, Shape.of(2), 0, 1), values(0, 2));
        assertArrayEquals(new double[] {0, 2, 2, 0}, Tensors.toDoubles(b));
    }

    @Test
    void mismatchedDtypesAndRepeatedClassesAreRefused() {
        Tensor labels = Tensors.of(DType.INT64, Shape.of(1), 1);
        assertThrows(InvalidModelException.class,
                () -> OperatorHarness.run("ClassIndicator", Map.of(), labels, Tensors.strings(Shape.of(1), "1"), values(0, 1)));
        assertThrows(InvalidModelException.class,
                () -> OperatorHarness.run("ClassIndicator", Map.of(), labels, Tensors.of(DType.INT64, Shape.of(2), 1, 1), values(0, 1)));
        assertThrows(InvalidModelException.class,
                () -> OperatorHarness.run("ClassIndicator", Map.of(), labels, Tensors.of(DType.INT64, Shape.of(1), 1), Tensors.of(DType.FLOAT64, Shape.of(1), 1)));
    }
}
