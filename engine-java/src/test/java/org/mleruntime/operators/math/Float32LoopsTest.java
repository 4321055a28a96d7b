package org.mleruntime.operators.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.kernels.Broadcast;

/** The float32 element-wise loops against the definition, value by value through the broadcast map, for every operator and operand order. */
class Float32LoopsTest {
    private static final Random RANDOM = new Random(17);

    private static Tensor random(long... dims) {
        Shape shape = Shape.of(dims);
        double[] v = new double[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextGaussian() + (RANDOM.nextBoolean() ? 2 : -2);
        }
        return Tensors.of(DType.FLOAT32, shape, v);
    }

    private static float reference(String op, float a, float b) {
        return switch (op) {
            case "Add" -> a + b;
            case "Sub" -> a - b;
            case "Mul" -> a * b;
            case "Div" -> a / b;
            case "Min" -> Math.min(a, b);
            default -> Math.max(a, b);
        };
    }

    private static void check(long[] aDims, long[] bDims, long[] yDims) {
        for (String op : new String[] {"Add", "Sub", "Mul", "Div", "Min", "Max"}) {
            for (boolean swap : new boolean[] {false, true}) {
                Tensor a = random(swap ? bDims : aDims);
                Tensor b = random(swap ? aDims : bDims);
                Tensor y = Tensors.zeros(DType.FLOAT32, Shape.of(yDims));
                assertTrue(Float32Loops.binary(op, a, b, y), op);
                Broadcast ba = new Broadcast(y.shape(), a.shape());
                Broadcast bb = new Broadcast(y.shape(), b.shape());
                for (long i = 0; i < y.elementCount(); i++) {
                    float want = reference(op, (float) a.getDouble(ba.map(i)), (float) b.getDouble(bb.map(i)));
                    assertEquals(want, (float) y.getDouble(i), op + " element " + i + (swap ? " (repeated operand first)" : ""));
                }
            }
        }
    }

    @Test
    void aRowRepeatedOverTheBatchLikeABias() {
        check(new long[] {300, 128}, new long[] {128}, new long[] {300, 128});
        check(new long[] {3, 7, 5}, new long[] {1, 7, 5}, new long[] {3, 7, 5});
    }

    @Test
    void aRepeatedOperandLongerThanAChunk() {
        check(new long[] {3, 5000}, new long[] {5000}, new long[] {3, 5000});
    }

    @Test
    void aScalarAndEqualShapes() {
        check(new long[] {9000}, new long[] {}, new long[] {9000});
        check(new long[] {70, 70}, new long[] {70, 70}, new long[] {70, 70});
    }

    @Test
    void aPerChannelScaleOfAnImageBatch() {
        check(new long[] {2, 6, 9, 9}, new long[] {2, 6, 1, 1}, new long[] {2, 6, 9, 9});
    }
}
