package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * MaxPool and AveragePool (ONNX opset 11 and later; {@code kernel_shape} required, windows by
 * {@link WindowGeometry}), GlobalMaxPool and GlobalAveragePool: X [N, C, D1…Dr] (r = 1 to 3) to
 * [N, C, O1…Or], or [N, C, 1…1] for the global ones. Only MaxPool's first output (no Indices).
 */
final class PoolSchema {
    private PoolSchema() {}

    static List<ValueInfo> pool(Node n, List<ValueInfo> in, List<Tensor> c) {
        Shape xs = input(n, in);
        if (!n.hasAttr("kernel_shape")) {
            throw error(n, "kernel_shape is required");
        }
        if (n.outputs().size() != 1) {
            throw error(n, "only the pooled values are computed, not MaxPool's Indices output");
        }
        if (n.hasAttr("storage_order") && n.intAttr("storage_order", 0) != 0) {
            throw error(n, "storage_order applies to the Indices output, which is not computed");
        }
        WindowGeometry g = window(n, xs);
        return List.of(out(n, in.getFirst().dtype(), ConvSchema.withSpatial(xs, xs.dim(1), g.output())));
    }

    static List<ValueInfo> global(Node n, List<ValueInfo> in, List<Tensor> c) {
        Shape xs = input(n, in);
        arity(n, in, 1, 1);
        long[] dims = xs.dims().clone();
        String[] names = new String[dims.length];
        Arrays.fill(dims, 2, dims.length, 1);
        for (int axis = 0; axis < 2; axis++) {
            names[axis] = xs.isSymbolic(axis) ? xs.symbol(axis) : null;
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims, names)));
    }

    static WindowGeometry window(Node n, Shape xs) {
        return WindowGeometry.of(n, ConvSchema.spatial(xs), n.intsAttr("kernel_shape"), n.intAttr("ceil_mode", 0) != 0);
    }

    private static Shape input(Node n, List<ValueInfo> in) {
        arity(n, in, 1, 1, 1, 2);
        floating(n, in.getFirst());
        Shape xs = in.getFirst().shape();
        if (xs.rank() < 3 || xs.rank() > 5) {
            throw error(n, "X must be [N, C, D1…Dr] with 1 to 3 spatial axes, found " + xs);
        }
        return xs;
    }
}
