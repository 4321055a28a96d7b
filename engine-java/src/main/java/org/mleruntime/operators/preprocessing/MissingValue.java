package org.mleruntime.operators.preprocessing;

import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * What counts as missing for Impute and IsMissing: NaN (or the attribute {@code missing_value}) in
 * a numeric tensor, null (or the attribute {@code missing_string}) in a string tensor.
 */
record MissingValue(double number, String text) {
    static MissingValue of(Node node) {
        return new MissingValue(node.floatAttr("missing_value", Double.NaN), node.stringAttr("missing_string", null));
    }

    boolean number(double v) {
        return Double.isNaN(number) ? Double.isNaN(v) : v == number;
    }

    boolean string(String s) {
        return text == null ? s == null : text.equals(s);
    }

    boolean at(Tensor t, long index) {
        return t.dtype() == DType.STRING ? string(t.string(index)) : number(t.getDouble(index));
    }
}
