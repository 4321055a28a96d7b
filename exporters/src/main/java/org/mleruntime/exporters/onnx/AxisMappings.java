package org.mleruntime.exporters.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** ArgMax, which the engine computes on the last axis only (another axis is an error naming it), with ONNX's keepdims. */
final class AxisMappings {
    private AxisMappings() {}

    /**
     * The axes of a reduction, Squeeze or Unsqueeze: the attribute before operator set {@code
     * inputSince}, the constant second input from it on; null when absent.
     */
    static long[] axes(OnnxNode n, GraphTranslation g, long inputSince) {
        if (g.opset() < inputSince) {
            return n.intsAttr("axes");
        }
        if (n.input(1).isEmpty()) {
            return null;
        }
        Tensor value = g.constant(n.input(1));
        if (value == null) {
            throw n.error("its axes '" + n.input(1) + "' are computed by the graph; the importer needs constant axes");
        }
        return ConstantTensors.longs(value);
    }

    static void argMax(OnnxNode n, GraphTranslation g) {
        ValueInfo x = g.type(n, n.input(0));
        if (n.intAttr("select_last_index", 0) != 0) {
            throw n.error("select_last_index=1 is not supported; the engine returns the first index of the maximum");
        }
        lastOnly(n, new long[] {n.intAttr("axis", 0)}, x.shape());
        g.emit(n, "ArgMax", List.of(n.input(0)), Map.of("axis", new Attribute.Int(-1),
                "keepdims", new Attribute.Int(n.intAttr("keepdims", 1) != 0 ? 1 : 0)), ElementwiseMappings.output(n));
    }

    private static void lastOnly(OnnxNode n, long[] axes, Shape shape) {
        int rank = shape.rank();
        if (axes.length != 1 || n.axis(axes[0], rank) != rank - 1) {
            throw n.error("reduces axes " + Arrays.toString(axes) + " of " + shape + "; the engine reduces the last axis only");
        }
    }
}
