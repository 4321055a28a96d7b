package org.mleruntime.operators.linear;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * The operators of quantized weights (docs/OPERATORS.md, "Quantized weights"): {@code Dequantize}
 * turns float16 or int8 values back into floats, {@code QGemm} multiplies by int8 weights in place.
 */
public final class QuantizationSchemas {
    private QuantizationSchemas() {}

    /** Dequantize(x: float16; to) or Dequantize(x: int8, scale; axis): y = x, or y = x · scale along the axis. */
    static List<ValueInfo> dequantize(Node n, List<ValueInfo> in, List<Tensor> constants) {
        arity(n, in, 1, 2);
        ValueInfo x = in.getFirst();
        if (x.dtype() == DType.FLOAT16) {
            if (in.size() != 1) {
                throw error(n, "float16 input takes no scale");
            }
            DType to = switch (n.stringAttr("to", "")) {
                case "float32" -> DType.FLOAT32;
                case "float64" -> DType.FLOAT64;
                default -> throw error(n, "attribute to must be 'float32' or 'float64', found '" + n.stringAttr("to", "") + "'");
            };
            return List.of(out(n, to, x.shape()));
        }
        if (x.dtype() != DType.INT8) {
            throw error(n, "input '" + x.name() + "' must be float16 or int8, found " + x.dtype().label());
        }
        if (in.size() != 2) {
            throw error(n, "int8 input needs a scale input");
        }
        ValueInfo scale = in.get(1);
        floating(n, scale);
        rank(n, scale, 1);
        int axis = axis(n, n.intAttr("axis", 0), x.shape().rank());
        if (x.shape().dim(axis) != scale.shape().dim(0)) {
            throw error(n, "scale has " + scale.shape().dim(0) + " entries for " + x.shape().dim(axis) + " channels along axis " + axis);
        }
        return List.of(out(n, scale.dtype(), x.shape()));
    }

    /** QGemm(A, B: int8 [M, K], scale [M], C?): Y = (A · Bᵀ) · scale + C, with B a constant. */
    static List<ValueInfo> qgemm(Node n, List<ValueInfo> in, List<Tensor> constants) {
        arity(n, in, 3, 4);
        ValueInfo a = in.get(0);
        ValueInfo b = in.get(1);
        ValueInfo scale = in.get(2);
        floating(n, a);
        rank(n, a, 2);
        rank(n, b, 2);
        if (b.dtype() != DType.INT8 || constants.get(1) == null) {
            throw error(n, "B must be an int8 constant, found " + b.dtype().label());
        }
        sameDtype(n, a, scale);
        rank(n, scale, 1);
        if (constants.get(2) == null) {
            throw error(n, "scale must be a constant");
        }
        long m = b.shape().dim(0);
        if (a.shape().dim(1) != b.shape().dim(1)) {
            throw error(n, "A has " + a.shape().dim(1) + " columns but B has " + b.shape().dim(1));
        }
        if (scale.shape().dim(0) != m) {
            throw error(n, "scale has " + scale.shape().dim(0) + " entries for " + m + " output columns");
        }
        if (in.size() == 4) {
            ValueInfo bias = in.get(3);
            sameDtype(n, a, bias);
            Shape s = bias.shape();
            if (!(s.rank() == 0 || (s.rank() == 1 && (s.dim(0) == m || s.dim(0) == 1)))) {
                throw error(n, "bias C of shape " + s + " does not broadcast to [" + m + "]");
            }
        }
        return List.of(out(n, a.dtype(), Shape.of(a.shape().dim(0), m)));
    }
}
