package org.mleruntime.operators.preprocessing;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.columns;
import static org.mleruntime.ops.ShapeRules.constant;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Missing values: Impute (each missing value replaced by its column's fill value), IsMissing
 * (where values are missing, as booleans) and RequireFinite (the input passed on unchanged, or an
 * error naming the rows and columns that hold NaN or infinity where the model refuses them). A
 * value is missing when it is NaN (or equals the attribute {@code missing_value}) in a numeric
 * column, and when it is null (or equals {@code missing_string}) in a string column.
 */
public final class MissingValueSchema {
    private MissingValueSchema() {}

    static List<ValueInfo> impute(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        ValueInfo x = in.getFirst();
        long features = columns(n, x);
        checkDtype(n, x);
        Tensor fill = constant(n, in, c, 1, x.dtype(), 1);
        if (fill.elementCount() != features) {
            throw error(n, "fill must hold one value per column (" + features + "), found " + fill.elementCount());
        }
        return List.of(out(n, x.dtype(), x.shape()));
    }

    static List<ValueInfo> isMissing(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        ValueInfo x = in.getFirst();
        long features = columns(n, x);
        checkDtype(n, x);
        long[] picked = n.hasAttr("columns") ? n.intsAttr("columns") : null;
        if (picked != null) {
            for (long j : picked) {
                if (j < 0 || j >= features) {
                    throw error(n, "column " + j + " is outside the input's " + features + " columns");
                }
            }
        }
        EncoderSchema.columnNames(n, features);
        return List.of(out(n, DType.BOOL, Shape.of(x.shape().dim(0), picked == null ? features : picked.length)));
    }

    static List<ValueInfo> requireFinite(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        ValueInfo x = in.getFirst();
        if (!x.dtype().isNumeric()) {
            throw error(n, "input must be numeric, found " + x.dtype().label());
        }
        EncoderSchema.columnNames(n, columns(n, x));
        return List.of(out(n, x.dtype(), x.shape()));
    }

    private static void checkDtype(Node n, ValueInfo x) {
        if (x.dtype() != DType.STRING && !x.dtype().isFloating()) {
            throw error(n, "input must be float32, float64 or string, found " + x.dtype().label());
        }
        if (x.dtype() != DType.STRING && n.hasAttr("missing_string")) {
            throw error(n, "missing_string applies to string inputs only");
        }
    }
}
