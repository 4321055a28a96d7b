package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.columns;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * GatherColumns: picks columns of a matrix by index, for any dtype (strings included). It is how a
 * graph selects the columns one part of a model reads (scikit-learn's ColumnTransformer) or drops
 * the ones a transformer leaves out.
 */
public final class ColumnSchema {
    private ColumnSchema() {}

    static List<ValueInfo> gatherColumns(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        ValueInfo x = in.getFirst();
        long width = columns(n, x);
        long[] indices = n.intsAttr("indices");
        for (long index : indices) {
            if (index < 0 || index >= width) {
                throw error(n, "column index " + index + " is outside the input's " + width + " columns");
            }
        }
        return List.of(out(n, x.dtype(), Shape.of(x.shape().dim(0), indices.length)));
    }
}
