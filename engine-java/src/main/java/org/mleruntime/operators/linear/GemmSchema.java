package org.mleruntime.operators.linear;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** Gemm ({@code A·B + C}, B optionally transposed) and MatMul, on matrices whose rows may be the batch. */
final class GemmSchema {
    private GemmSchema() {}

    static List<ValueInfo> gemm(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 3);
        ValueInfo a = in.get(0);
        ValueInfo b = in.get(1);
        floating(n, a);
        sameDtype(n, a, b);
        rank(n, a, 2);
        rank(n, b, 2);
        boolean transB = n.intAttr("transB", 0) != 0;
        long k = transB ? b.shape().dim(1) : b.shape().dim(0);
        long m = transB ? b.shape().dim(0) : b.shape().dim(1);
        if (a.shape().dim(1) != k) {
            throw error(n, "A has " + a.shape().dim(1) + " columns but B" + (transB ? "ᵀ" : "") + " has " + k + " rows");
        }
        if (b.shape().isBatched()) {
            throw error(n, "B must not have the batch dimension");
        }
        if (in.size() == 3) {
            ValueInfo bias = in.get(2);
            sameDtype(n, a, bias);
            Shape s = bias.shape();
            boolean ok = s.rank() == 0 || (s.rank() == 1 && (s.dim(0) == m || s.dim(0) == 1))
                    || (s.rank() == 2 && s.dim(0) == 1 && (s.dim(1) == m || s.dim(1) == 1));
            if (!ok) {
                throw error(n, "bias C of shape " + s + " does not broadcast to [" + m + "]");
            }
        }
        return List.of(out(n, a.dtype(), Shape.of(a.shape().dim(0), m)));
    }

    static List<ValueInfo> matMul(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        ValueInfo a = in.get(0);
        ValueInfo b = in.get(1);
        floating(n, a);
        sameDtype(n, a, b);
        rank(n, a, 2);
        rank(n, b, 2);
        if (a.shape().dim(1) != b.shape().dim(0) || b.shape().isBatched()) {
            throw error(n, "cannot multiply " + a.shape() + " by " + b.shape());
        }
        return List.of(out(n, a.dtype(), Shape.of(a.shape().dim(0), b.shape().dim(1))));
    }
}
