package org.mleruntime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

class DerivedConstantsTest {
    private record Purpose(String name) {}

    @Test
    void aFormIsMadeOncePerTensorAndPurpose() {
        Tensor weights = Tensors.of(DType.FLOAT32, Shape.of(2), 1, 2);
        Tensor equalValues = Tensors.of(DType.FLOAT32, Shape.of(2), 1, 2);
        AtomicInteger made = new AtomicInteger();
        Object first = DerivedConstants.of(weights, new Purpose("packed"), t -> new Object[] {made.incrementAndGet()});
        assertSame(first, DerivedConstants.of(weights, new Purpose("packed"), t -> new Object[] {made.incrementAndGet()}));
        assertNotSame(first, DerivedConstants.of(weights, new Purpose("transposed"), t -> new Object[] {made.incrementAndGet()}));
        assertNotSame(first, DerivedConstants.of(equalValues, new Purpose("packed"), t -> new Object[] {made.incrementAndGet()}),
                "another tensor with the same values is another constant");
        assertEquals(3, made.get());
    }
}
