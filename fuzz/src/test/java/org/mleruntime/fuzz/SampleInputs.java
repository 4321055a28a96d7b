package org.mleruntime.fuzz;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/**
 * A few rows for a graph's declared inputs. Values mix ordinary numbers with zero, negatives, a
 * large value and missing ones (NaN; null and None for strings), so the kernels' branches for each
 * are taken.
 */
final class SampleInputs {
    static final int ROWS = 3;

    /**
     * The most elements one input may have. A file may declare any shape; a harness that built
     * whatever it declares would run out of memory itself, which is no finding about the engine.
     */
    static final long MAX_ELEMENTS = 1 << 16;

    /** A prime count, so that neighbouring rows of a wide input do not repeat each other. */
    private static final double[] NUMBERS = {0.5, -1.0, Double.NaN, 3.0, 0.0, 1e6, -0.25};
    private static final String[] STRINGS = {"a", null, "b", "", Tensor.NONE, "0", "1.5"};

    private SampleInputs() {}

    /** The inputs, or empty when one is too large to build. */
    static Optional<Map<String, Tensor>> forInputs(List<ValueInfo> declared) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (ValueInfo v : declared) {
            Shape shape = v.shape().withRows(ROWS);
            if (elementCount(shape) > MAX_ELEMENTS) {
                return Optional.empty();
            }
            inputs.put(v.name(), filled(v.dtype(), shape));
        }
        return Optional.of(inputs);
    }

    private static Tensor filled(DType dtype, Shape shape) {
        Tensor t = Tensors.zeros(dtype, shape);
        for (long i = 0; i < t.elementCount(); i++) {
            int k = (int) (i % NUMBERS.length);
            if (dtype == DType.STRING) {
                t.setString(i, STRINGS[k]);
            } else {
                t.setDouble(i, NUMBERS[k]);
            }
        }
        return t;
    }

    /** The element count, saturating instead of overflowing for shapes no input could have. */
    private static long elementCount(Shape shape) {
        long n = 1;
        for (long d : shape.dims()) {
            if (d != 0 && n > Long.MAX_VALUE / d) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }
}
