package org.mleruntime.operators.math;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * {@code CategoryTableSum(X, tables, offsets)}: X [N, F] of category numbers, tables float64 [R, C]
 * holding each feature's rows one after another, offsets int64 [F + 1] where feature f's rows start;
 * output float64 [N, C]. docs/OPERATORS.md defines it.
 */
public final class CategoryTableSumSchema {
    private CategoryTableSumSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        ValueInfo x = in.get(0);
        floating(n, x);
        rank(n, x, 2);
        ValueInfo tables = in.get(1);
        ValueInfo offsets = in.get(2);
        if (c.get(1) == null || c.get(2) == null) {
            throw error(n, "tables and offsets must be constants");
        }
        if (tables.dtype() != DType.FLOAT64 || tables.shape().rank() != 2) {
            throw error(n, "tables must be float64 [rows, columns], got " + tables.dtype().label() + tables.shape());
        }
        if (offsets.dtype() != DType.INT64 || !offsets.shape().equals(Shape.of(x.shape().dim(1) + 1))) {
            throw error(n, "offsets must be int64 [" + (x.shape().dim(1) + 1) + "] for " + x.shape().dim(1) + " features, got "
                    + offsets.dtype().label() + offsets.shape());
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(x.shape().dim(0), tables.shape().dim(1))));
    }
}
