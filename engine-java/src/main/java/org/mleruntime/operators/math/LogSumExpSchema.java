package org.mleruntime.operators.math;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * {@code LogSumExp} (a reduction of the last axis, kept as a column) and {@code LogSoftmax} (same
 * shape), both on float64 values of rank 2. docs/OPERATORS.md gives their arithmetic.
 */
public final class LogSumExpSchema {
    private LogSumExpSchema() {}

    static List<ValueInfo> logSumExp(Node n, List<ValueInfo> in, List<Tensor> c) {
        Shape s = check(n, in);
        return List.of(out(n, DType.FLOAT64, Shape.of(s.dim(0), 1)));
    }

    static List<ValueInfo> logSoftmax(Node n, List<ValueInfo> in, List<Tensor> c) {
        return List.of(out(n, DType.FLOAT64, check(n, in)));
    }

    private static Shape check(Node n, List<ValueInfo> in) {
        arity(n, in, 1, 1);
        ValueInfo x = in.getFirst();
        if (x.dtype() != DType.FLOAT64 || x.shape().rank() != 2) {
            throw error(n, "input must be float64 of rank 2, got " + x.dtype().label() + x.shape());
        }
        return x.shape();
    }
}
