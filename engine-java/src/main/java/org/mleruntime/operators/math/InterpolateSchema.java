package org.mleruntime.operators.math;

import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import java.util.Set;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.ShapeRules;

/**
 * The Interpolate operator: piecewise-linear interpolation of each element of {@code x} through the
 * constant points ({@code xp}, {@code fp}), with numpy's {@code interp} arithmetic; attribute
 * {@code out_of_bounds} says what a value outside [xp[0], xp[M−1]] gets: {@code clip} the end value
 * (numpy's default), {@code nan} NaN, {@code error} a run-time error (scikit-learn's
 * IsotonicRegression out_of_bounds="clip", "nan" and "raise").
 */
public final class InterpolateSchema {
    public static final Set<String> MODES = Set.of("clip", "nan", "error");

    private InterpolateSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        ShapeRules.arity(n, in, 3, 3);
        ValueInfo x = in.get(0);
        if (x.dtype() != DType.FLOAT64) {
            throw error(n, "x must be float64, found " + x.dtype().label());
        }
        Tensor xp = constants.get(1);
        Tensor fp = constants.get(2);
        for (int i = 1; i < 3; i++) {
            ValueInfo v = in.get(i);
            if (constants.get(i) == null || v.dtype() != DType.FLOAT64 || v.shape().rank() != 1) {
                throw error(n, "'" + v.name() + "' must be a rank-1 float64 constant");
            }
        }
        if (xp.elementCount() == 0 || xp.elementCount() != fp.elementCount()) {
            throw error(n, "xp and fp must have the same, non-zero length, found " + xp.elementCount() + " and " + fp.elementCount());
        }
        for (long i = 0; i < xp.elementCount(); i++) {
            double v = xp.getDouble(i);
            if (Double.isNaN(v) || (i > 0 && !(xp.getDouble(i - 1) < v))) {
                throw error(n, "xp must be strictly increasing and free of NaN; element " + i + " is " + v);
            }
        }
        String mode = n.stringAttr("out_of_bounds", "clip");
        if (!MODES.contains(mode)) {
            throw error(n, "attribute out_of_bounds must be one of clip, nan, error, found '" + mode + "'");
        }
        return List.of(out(n, DType.FLOAT64, x.shape()));
    }
}
