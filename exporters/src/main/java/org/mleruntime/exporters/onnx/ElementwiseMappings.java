package org.mleruntime.exporters.onnx;

import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.ValueInfo;

/**
 * Element-wise operators: arithmetic with numpy broadcasting, comparisons, functions of one
 * value, Clip and Cast. Their engine namesakes have ONNX's meaning; what differs is only where
 * ONNX takes an input the engine takes otherwise (Clip's optional bounds, Pow's exponent dtype,
 * Cast's target as a type code).
 */
final class ElementwiseMappings {
    private ElementwiseMappings() {}

    /** Pow: ONNX lets the exponent have another numeric type; the engine wants the base's. */
    static void pow(OnnxNode n, GraphTranslation g) {
        ValueInfo base = g.type(n, n.input(0));
        String exponent = inDtype(n, g, n.input(1), base.dtype());
        g.emit(n, "Pow", List.of(n.input(0), exponent), output(n));
    }

    /** Clip: bounds from attributes before operator set 11, optional inputs after; a bound left out clips nothing. */
    static void clip(OnnxNode n, GraphTranslation g) {
        ValueInfo x = g.type(n, n.input(0));
        String low;
        String high;
        if (g.opset() < 11) {
            // Before 11 a bound left out is the dtype's lowest or highest finite value.
            double max = x.dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
            double lowValue = n.attributes().containsKey("min") ? n.floatAttr("min", 0) : -max;
            double highValue = n.attributes().containsKey("max") ? n.floatAttr("max", 0) : max;
            low = g.constant(n.name() + "_min", ConstantTensors.scalar(x.dtype(), lowValue));
            high = g.constant(n.name() + "_max", ConstantTensors.scalar(x.dtype(), highValue));
        } else {
            low = bound(n, g, 1, x.dtype(), Double.NEGATIVE_INFINITY);
            high = bound(n, g, 2, x.dtype(), Double.POSITIVE_INFINITY);
        }
        g.emit(n, "Clip", List.of(n.input(0), low, high), output(n));
    }

    private static String bound(OnnxNode n, GraphTranslation g, int index, DType dtype, double none) {
        String name = n.input(index);
        if (name.isEmpty()) {
            return g.constant(n.name() + (index == 1 ? "_min" : "_max"), ConstantTensors.scalar(dtype, none));
        }
        return inDtype(n, g, name, dtype);
    }

    /** Cast: ONNX names the target by its type code; the engine by its dtype label. */
    static void cast(OnnxNode n, GraphTranslation g) {
        long to = n.intAttr("to", -1);
        DType target = OnnxTypes.valueDtype(Math.toIntExact(to), "the target of node '" + n.name() + "' (Cast)");
        g.emit(n, "Cast", n.inputs(), Map.of("to", new Attribute.Str(target.label())), output(n));
    }

    /** {@code name} as a value of {@code dtype}: itself, a converted constant, or the output of a Cast node. */
    private static String inDtype(OnnxNode n, GraphTranslation g, String name, DType dtype) {
        ValueInfo v = g.type(n, name);
        if (v.dtype() == dtype) {
            return name;
        }
        if (g.constant(name) != null) {
            return g.constant(name + "_" + dtype.label(), ConstantTensors.cast(g.constant(name), dtype));
        }
        return g.emit(n, "Cast", List.of(name), Map.of("to", new Attribute.Str(dtype.label())), null);
    }

    /** The node's one output; extra outputs ONNX allows but the engine has no counterpart for are errors. */
    static String output(OnnxNode n) {
        if (n.outputs().isEmpty() || n.outputs().getFirst().isEmpty()) {
            throw n.error("has no output");
        }
        for (String extra : n.outputs().subList(1, n.outputs().size())) {
            if (!extra.isEmpty()) {
                throw n.error("its output '" + extra + "' has no counterpart in the engine; only the first output is supported");
            }
        }
        return n.outputs().getFirst();
    }
}
