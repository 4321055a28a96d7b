package org.mleruntime.exporters.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Operators along one axis, which the engine computes on the last axis only: Softmax, ReduceSum
 * and ArgMax. Another axis is an error naming it, except where a reshape makes it the last
 * (Softmax before operator set 13 works on the input flattened from its axis on).
 */
final class AxisMappings {
    private AxisMappings() {}

    static void softmax(OnnxNode n, GraphTranslation g) {
        ValueInfo x = g.type(n, n.input(0));
        int rank = x.shape().rank();
        boolean coerced = g.opset() < 13;
        int axis = n.axis(n.intAttr("axis", coerced ? 1 : -1), rank);
        String out = ElementwiseMappings.output(n);
        if (axis == rank - 1) {
            g.emit(n, "Softmax", List.of(n.input(0)), out);
            return;
        }
        if (!coerced) {
            throw n.error("axis " + axis + " of " + x.shape() + " is not the last; the engine computes softmax over the last axis");
        }
        if (axis == 0 && x.shape().isBatched()) {
            throw n.error("axis 0 of " + x.shape() + " would take the softmax across the batch");
        }
        // Before operator set 13 the softmax runs over everything from the axis on: the same as
        // over the last axis of the input with those dimensions merged into one.
        long[] merged = Arrays.copyOf(x.shape().dims(), axis + 1);
        merged[axis] = 1;
        for (int i = axis; i < rank; i++) {
            merged[axis] = Math.multiplyExact(merged[axis], x.shape().dim(i));
        }
        String flat = g.emit(n, "Reshape", List.of(n.input(0)), Map.of("shape", new Attribute.Ints(merged)), null);
        String soft = g.emit(n, "Softmax", List.of(flat), null);
        g.emit(n, "Reshape", List.of(soft), Map.of("shape", new Attribute.Ints(x.shape().dims())), out);
    }

    /** ReduceSum over the last axis: axes from an attribute before operator set 13, from a constant input after. */
    static void reduceSum(OnnxNode n, GraphTranslation g) {
        lastAxisSum(n, g, 13, ElementwiseMappings.output(n));
    }

    /** ReduceMean over the last axis (axes an input from operator set 18): the sum divided by the axis's length. */
    static void reduceMean(OnnxNode n, GraphTranslation g) {
        ValueInfo x = g.type(n, n.input(0));
        String sum = lastAxisSum(n, g, 18, null);
        String count = g.constant(n.name() + "_count", ConstantTensors.scalar(x.dtype(), x.shape().dim(x.shape().rank() - 1)));
        g.emit(n, "Div", List.of(sum, count), ElementwiseMappings.output(n));
    }

    private static String lastAxisSum(OnnxNode n, GraphTranslation g, long axesInputSince, String output) {
        ValueInfo x = g.type(n, n.input(0));
        long[] axes = axes(n, g, axesInputSince);
        if (axes == null || axes.length == 0) {
            throw n.error(n.intAttr("noop_with_empty_axes", 0) != 0 ? "reduces no axis, which has no engine counterpart"
                    : "reduces every axis, the batch included; the engine reduces the last axis only");
        }
        lastOnly(n, axes, x.shape());
        return g.emit(n, "ReduceSum", List.of(n.input(0)), Map.of("axis", new Attribute.Int(-1),
                "keepdims", new Attribute.Int(n.intAttr("keepdims", 1) != 0 ? 1 : 0)), output);
    }

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

    /**
     * LayerNormalization over the last axis, as ONNX defines it: (x − mean) / sqrt(variance +
     * epsilon) · scale + bias, mean and variance over the axis.
     */
    static void layerNormalization(OnnxNode n, GraphTranslation g) {
        ValueInfo x = g.type(n, n.input(0));
        int rank = x.shape().rank();
        if (n.axis(n.intAttr("axis", -1), rank) != rank - 1) {
            throw n.error("normalizes from axis " + n.intAttr("axis", -1) + " of " + x.shape() + "; the engine reduces the last axis only");
        }
        String out = ElementwiseMappings.output(n);
        String count = g.constant(n.name() + "_count", ConstantTensors.scalar(x.dtype(), x.shape().dim(rank - 1)));
        Map<String, Attribute> lastAxis = Map.of("axis", new Attribute.Int(-1), "keepdims", new Attribute.Int(1));
        String mean = g.emit(n, "Div", List.of(g.emit(n, "ReduceSum", List.of(n.input(0)), lastAxis, null), count), null);
        String centred = g.emit(n, "Sub", List.of(n.input(0), mean), null);
        String squares = g.emit(n, "Mul", List.of(centred, centred), null);
        String variance = g.emit(n, "Div", List.of(g.emit(n, "ReduceSum", List.of(squares), lastAxis, null), count), null);
        String epsilon = g.constant(n.name() + "_epsilon", ConstantTensors.scalar(x.dtype(), n.floatAttr("epsilon", 1e-5f)));
        String deviation = g.emit(n, "Sqrt", List.of(g.emit(n, "Add", List.of(variance, epsilon), null)), null);
        String scaled = g.emit(n, "Mul", List.of(g.emit(n, "Div", List.of(centred, deviation), null), n.input(1)),
                n.input(2).isEmpty() ? out : null);
        if (!n.input(2).isEmpty()) {
            g.emit(n, "Add", List.of(scaled, n.input(2)), out);
        }
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
