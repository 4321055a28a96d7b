package org.mleruntime.operators.linear;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.broadcast;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;
import static org.mleruntime.ops.ShapeRules.sameDtype;
import static org.mleruntime.ops.ShapeRules.sameSize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.OutputActivation;

/** Gemm ({@code α·A·B + β·C}, A and B optionally transposed) and MatMul, on matrices whose rows may be the batch. */
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
        boolean transA = n.intAttr("transA", 0) != 0;
        boolean transB = n.intAttr("transB", 0) != 0;
        boolean plain = !transA && n.floatAttr("alpha", 1) == 1 && n.floatAttr("beta", 1) == 1;
        if (a.dtype() != DType.FLOAT32 && !plain) {
            throw error(n, "transA, alpha and beta are supported in float32, the deep-learning dtype; this Gemm is " + a.dtype().label());
        }
        String activation = n.stringAttr("activation", "none");
        if (!activation.equals("none") && (a.dtype() != DType.FLOAT32 || !OutputActivation.KINDS.contains(activation))) {
            throw error(n, "activation must be one of " + OutputActivation.KINDS + ", on a float32 Gemm; found '" + activation + "' on " + a.dtype().label());
        }
        long k = transB ? b.shape().dim(1) : b.shape().dim(0);
        long m = transB ? b.shape().dim(0) : b.shape().dim(1);
        sameSize(n, transA ? a.shape().dim(0) : a.shape().dim(1), k, "A" + (transA ? "ᵀ" : "") + "'s columns against B" + (transB ? "ᵀ" : "") + "'s rows");
        if (b.shape().isBatched() || (transA && a.shape().isBatched())) {
            throw error(n, "the batch dimension must be A's rows");
        }
        Shape y = transA ? Shape.of(a.shape().dim(1), m) : a.shape().withDim(1, m, null);
        if (in.size() == 3) {
            ValueInfo bias = in.get(2);
            sameDtype(n, a, bias);
            Shape s = bias.shape();
            boolean row = s.rank() == 0 || (s.rank() == 1 && (s.dim(0) == m || s.dim(0) == 1))
                    || (s.rank() == 2 && s.dim(0) == 1 && (s.dim(1) == m || s.dim(1) == 1));
            if (a.dtype() == DType.FLOAT32 && !row) {
                broadcast(n, y, s);
            } else if (!row) {
                throw error(n, "bias C of shape " + s + " does not broadcast to [" + m + "]");
            }
        }
        return List.of(out(n, a.dtype(), y));
    }

    /**
     * MatMul with numpy's rules: the last two axes multiplied, the axes before them broadcast; a
     * vector A is a row and a vector B a column, their axis removed from the result.
     */
    static List<ValueInfo> matMul(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        ValueInfo a = in.get(0);
        ValueInfo b = in.get(1);
        floating(n, a);
        sameDtype(n, a, b);
        Shape sa = a.shape();
        Shape sb = b.shape();
        if (sa.rank() == 0 || sb.rank() == 0) {
            throw error(n, "cannot multiply a scalar");
        }
        if (a.dtype() != DType.FLOAT32 && (sa.rank() != 2 || sb.rank() != 2 || sb.isBatched())) {
            throw error(n, "float64 MatMul multiplies a matrix by a constant matrix; batched products are float32");
        }
        Shape ma = sa.rank() == 1 ? Shape.of(1, sa.dim(0)) : sa;
        Shape mb = sb.rank() == 1 ? new Shape(new long[] {sb.dim(0), 1}, new String[] {sb.symbol(0), null}) : sb;
        sameSize(n, ma.dim(ma.rank() - 1), mb.dim(mb.rank() - 2), "cannot multiply " + sa + " by " + sb);
        Shape batch = broadcast(n, leading(ma), leading(mb));
        List<Long> dims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < batch.rank(); i++) {
            dims.add(batch.dim(i));
            names.add(batch.symbol(i));
        }
        if (sa.rank() > 1) {
            dims.add(ma.dim(ma.rank() - 2));
            names.add(ma.symbol(ma.rank() - 2));
        }
        if (sb.rank() > 1) {
            dims.add(mb.dim(mb.rank() - 1));
            names.add(mb.symbol(mb.rank() - 1));
        }
        return List.of(out(n, a.dtype(), new Shape(dims.stream().mapToLong(Long::longValue).toArray(), names.toArray(String[]::new))));
    }

    /** The axes before a matrix's last two. */
    static Shape leading(Shape s) {
        return new Shape(Arrays.copyOf(s.dims(), s.rank() - 2), Arrays.copyOf(s.symbols(), s.rank() - 2));
    }
}
