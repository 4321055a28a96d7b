package org.mleruntime.exporters.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Gemm and MatMul onto the engine's matrix products of rank-2 values. Gemm's scale factors are
 * folded into constant weights and bias where they are constants, else applied by Mul nodes;
 * transB is the engine's own attribute; transA would move the batch off the rows and is refused.
 */
final class LinearMappings {
    private LinearMappings() {}

    static void gemm(OnnxNode n, GraphTranslation g) {
        if (g.type(n, n.input(0)).dtype() == DType.FLOAT32) {
            // The engine's float32 Gemm is ONNX's, transA, alpha and beta included.
            NativeMappings.same(n, g);
            return;
        }
        if (n.intAttr("transA", 0) != 0) {
            throw n.error("transA=1 would put the batch dimension of A on the columns; only transA=0 is supported");
        }
        double alpha = n.floatAttr("alpha", 1f);
        double beta = n.floatAttr("beta", 1f);
        ValueInfo a = g.type(n, n.input(0));
        String b = n.input(1);
        boolean scaleAfter = false;
        if (alpha != 1) {
            Tensor weights = g.constant(b);
            if (weights != null) {
                b = g.constant(b + "_alpha", ConstantTensors.scaled(weights, alpha));
            } else {
                scaleAfter = true;
            }
        }
        String c = n.input(2);
        if (!c.isEmpty() && beta != 1) {
            c = scaledBy(n, g, c, beta, a);
        }
        List<String> in = new ArrayList<>(List.of(n.input(0), b));
        boolean biasInGemm = !c.isEmpty() && !scaleAfter && isGemmBias(g.type(n, c).shape(), g.type(n, n.input(1)).shape(),
                n.intAttr("transB", 0) != 0);
        if (biasInGemm) {
            in.add(c);
        }
        Map<String, Attribute> attributes = Map.of("transB", new Attribute.Int(n.intAttr("transB", 0) != 0 ? 1 : 0));
        String out = ElementwiseMappings.output(n);
        boolean addAfter = !c.isEmpty() && !biasInGemm;
        String product = g.emit(n, "Gemm", in, attributes, scaleAfter || addAfter ? null : out);
        if (scaleAfter) {
            String factor = g.constant(n.name() + "_alpha", ConstantTensors.scalar(a.dtype(), alpha));
            product = g.emit(n, "Mul", List.of(product, factor), addAfter ? null : out);
        }
        if (addAfter) {
            g.emit(n, "Add", List.of(product, c), out);
        }
    }

    /** {@code c} times {@code factor}: a scaled constant when {@code c} is one, else the output of a Mul node. */
    private static String scaledBy(OnnxNode n, GraphTranslation g, String c, double factor, ValueInfo like) {
        Tensor value = g.constant(c);
        if (value != null) {
            return g.constant(c + "_beta", ConstantTensors.scaled(value, factor));
        }
        String f = g.constant(n.name() + "_beta", ConstantTensors.scalar(like.dtype(), factor));
        return g.emit(n, "Mul", List.of(c, f), null);
    }

    /** Whether the engine's Gemm takes {@code c} as its bias: a scalar, or one value per output column (or one for all). */
    private static boolean isGemmBias(Shape c, Shape b, boolean transB) {
        long m = b.rank() == 2 ? b.dim(transB ? 0 : 1) : -2;
        return c.rank() == 0 || (c.rank() == 1 && (c.dim(0) == m || c.dim(0) == 1))
                || (c.rank() == 2 && c.dim(0) == 1 && (c.dim(1) == m || c.dim(1) == 1));
    }

}
