package org.mleruntime.optimizer;

import java.util.Map;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/** The value of a constant that holds one number, which the recognising passes compare against the constants of a formula. */
final class Scalars {
    private Scalars() {}

    /** The constant's one value, or null when {@code name} is no constant or holds more than one element. */
    static Double of(Map<String, Tensor> constants, String name) {
        Tensor t = constants.get(name);
        if (t == null || t.elementCount() != 1 || t.dtype() == DType.STRING || t.dtype() == DType.BOOL) {
            return null;
        }
        return t.getDouble(0);
    }

    /** Whether the constant holds one number within float32 rounding of {@code expected}. */
    static boolean near(Map<String, Tensor> constants, String name, double expected) {
        Double v = of(constants, name);
        // An infinity matches itself only (their difference is NaN).
        return v != null && (v == expected || Math.abs(v - expected) <= 1e-6 * Math.max(1, Math.abs(expected)));
    }
}
