package org.mleruntime.kernels;

import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * What counts as missing for Impute and IsMissing: NaN (or the attribute {@code missing_value}) in
 * a numeric tensor, null (or the attribute {@code missing_string}) in a string tensor.
 */
record MissingValue(boolean strings, double number, String text) {
    static MissingValue of(Node node, DType dtype) {
        return new MissingValue(dtype == DType.STRING, node.floatAttr("missing_value", Double.NaN), node.stringAttr("missing_string", null));
    }

    boolean at(Tensor t, long index) {
        if (strings) {
            String s = t.string(index);
            return text == null ? s == null : text.equals(s);
        }
        double v = t.getDouble(index);
        return Double.isNaN(number) ? Double.isNaN(v) : v == number;
    }
}
