package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * ConvTranspose (ONNX opset 11 and later): X [N, C, D1…Dr], W [C, M/group, k1…kr], optional B [M];
 * each output size {@code stride·(D − 1) + output_padding + dilation·(k − 1) + 1 − begin − end}, or
 * {@code output_shape} with the padding it implies split as ONNX says (the odd one at the end for
 * SAME_UPPER, at the start otherwise).
 *
 * @param pads the begins then the ends of each spatial axis, as the kernel applies them
 */
record ConvTransposeSchema(long[] input, long[] kernel, long[] strides, long[] dilations, long[] pads, long[] output) {
    static List<ValueInfo> convTranspose(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 3);
        ConvSchema.float32(n, in);
        Shape xs = in.get(0).shape();
        Shape ws = in.get(1).shape();
        if (xs.rank() < 3 || xs.rank() > 5 || ws.rank() != xs.rank()) {
            throw error(n, "X must be [N, C, D1…Dr] with 1 to 3 spatial axes and W of the same rank, found " + xs + " and " + ws);
        }
        long group = n.intAttr("group", 1);
        if (group < 1 || ws.dim(0) != xs.dim(1) || xs.dim(1) % group != 0) {
            throw error(n, "W's " + ws.dim(0) + " input channels do not match X's " + xs.dim(1) + " in " + group + " groups");
        }
        long maps = ws.dim(1) * group;
        if (in.size() == 3 && !in.get(2).shape().equals(Shape.of(maps))) {
            throw error(n, "B must be [" + maps + "], found " + in.get(2).shape());
        }
        ConvTransposeSchema g = of(n, ConvSchema.spatial(xs), ConvSchema.spatial(ws));
        return List.of(new ValueInfo(n.outputs().getFirst(), DType.FLOAT32, ConvSchema.withSpatial(xs, maps, g.output())));
    }

    static ConvTransposeSchema of(Node n, long[] input, long[] kernel) {
        int r = input.length;
        long[] strides = ints(n, "strides", r, 1);
        long[] dilations = ints(n, "dilations", r, 1);
        long[] outputPadding = ints(n, "output_padding", r, 0);
        long[] pads = n.hasAttr("pads") ? n.intsAttr("pads") : new long[2 * r];
        if (pads.length != 2 * r) {
            throw error(n, "pads needs " + 2 * r + " values, found " + pads.length);
        }
        long[] output = new long[r];
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        for (int i = 0; i < r; i++) {
            long full = Math.addExact(Math.multiplyExact(strides[i], input[i] - 1), outputPadding[i] + dilations[i] * (kernel[i] - 1) + 1);
            if (n.hasAttr("output_shape")) {
                long[] wanted = n.intsAttr("output_shape");
                long target = wanted[wanted.length - r + i];
                long total = full - target;
                // A larger output than the transposed convolution covers gets the extra positions at the end, as zeros and bias.
                pads[i] = total < 0 ? 0 : autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                pads[r + i] = total - pads[i];
            } else if (autoPad.startsWith("SAME")) {
                long target = input[i] * strides[i];
                long total = Math.max(0, full - target);
                pads[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                pads[r + i] = total - pads[i];
            }
            output[i] = full - pads[i] - pads[r + i];
            if (output[i] < 0 || input[i] < 0) {
                throw error(n, "axis " + i + " would have a negative size");
            }
        }
        return new ConvTransposeSchema(input, kernel, strides, dilations, pads, output);
    }

    private static long[] ints(Node n, String key, int rank, long fallback) {
        if (!n.hasAttr(key)) {
            long[] v = new long[rank];
            Arrays.fill(v, fallback);
            return v;
        }
        long[] v = n.intsAttr(key);
        if (v.length != rank) {
            throw error(n, key + " needs " + rank + " values, found " + v.length);
        }
        return v;
    }
}
