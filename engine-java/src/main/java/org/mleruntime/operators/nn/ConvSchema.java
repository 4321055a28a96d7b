package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.OutputActivation;

/**
 * Conv (ONNX opset 11 and later): X [N, C, D1…Dr] (r = 1 to 3), W [M, C/group, k1…kr], optional
 * B [M]; Y [N, M, O1…Or] by {@link WindowGeometry}. float32, as the frameworks compute it.
 */
final class ConvSchema {
    private ConvSchema() {}

    static List<ValueInfo> conv(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 3);
        ValueInfo x = in.get(0);
        ValueInfo w = in.get(1);
        float32(n, in);
        Shape xs = x.shape();
        Shape ws = w.shape();
        if (xs.rank() < 3 || xs.rank() > 5) {
            throw error(n, "X must be [N, C, D1…Dr] with 1 to 3 spatial axes, found " + xs);
        }
        if (ws.rank() != xs.rank() || ws.isBatched()) {
            throw error(n, "W must be [M, C/group, k1…kr] of rank " + xs.rank() + ", found " + ws);
        }
        long group = n.intAttr("group", 1);
        long channels = xs.dim(1);
        long maps = ws.dim(0);
        if (group < 1 || channels % group != 0 || maps % group != 0 || ws.dim(1) * group != channels) {
            throw error(n, "group " + group + " does not divide X's " + channels + " channels and W's " + maps
                    + " maps with W's " + ws.dim(1) + " channels per group");
        }
        long[] kernel = Arrays.copyOfRange(ws.dims(), 2, ws.rank());
        if (n.hasAttr("kernel_shape") && !Arrays.equals(n.intsAttr("kernel_shape"), kernel)) {
            throw error(n, "kernel_shape " + Arrays.toString(n.intsAttr("kernel_shape")) + " differs from W's " + Arrays.toString(kernel));
        }
        if (in.size() == 3 && !in.get(2).shape().equals(Shape.of(maps))) {
            throw error(n, "B must be [" + maps + "], found " + in.get(2).shape());
        }
        String activation = n.stringAttr("activation", "none");
        if (!activation.equals("none") && !OutputActivation.KINDS.contains(activation)) {
            throw error(n, "activation must be one of " + OutputActivation.KINDS + ", found '" + activation + "'");
        }
        WindowGeometry g = WindowGeometry.of(n, spatial(xs), kernel, false);
        return List.of(out(n, DType.FLOAT32, withSpatial(xs, maps, g.output())));
    }

    static void float32(Node n, List<ValueInfo> in) {
        for (ValueInfo v : in) {
            if (v.dtype() != DType.FLOAT32) {
                throw error(n, "computes in float32; input '" + v.name() + "' is " + v.dtype().label());
            }
        }
    }

    /**
     * A size that any window fits, standing for a symbolic spatial axis (a sequence of any length)
     * while a shape rule checks the window's attributes; that axis's output is symbolic, and the
     * real size is checked when a run's shapes are planned.
     */
    private static final long ANY_LENGTH = 1L << 40;

    /** X's spatial sizes, a symbolic one as a size any window fits (see {@link #withSpatial}). */
    static long[] spatial(Shape s) {
        long[] sizes = Arrays.copyOfRange(s.dims(), 2, s.rank());
        for (int i = 0; i < sizes.length; i++) {
            if (s.isSymbolic(2 + i)) {
                sizes[i] = ANY_LENGTH;
            }
        }
        return sizes;
    }

    /** [N, channels, spatial…] with N (and its name) as in {@code s}; an axis symbolic in {@code s} stays symbolic, its size unknown. */
    static Shape withSpatial(Shape s, long channels, long[] spatial) {
        long[] d = new long[2 + spatial.length];
        String[] names = new String[d.length];
        d[0] = s.dim(0);
        names[0] = s.isSymbolic(0) ? s.symbol(0) : null;
        d[1] = channels;
        names[1] = channels < 0 ? Shape.UNKNOWN : null;
        for (int i = 0; i < spatial.length; i++) {
            boolean symbolic = s.isSymbolic(2 + i);
            d[2 + i] = symbolic ? Shape.BATCH : spatial[i];
            names[2 + i] = symbolic ? Shape.UNKNOWN : null;
        }
        return new Shape(d, names);
    }
}
