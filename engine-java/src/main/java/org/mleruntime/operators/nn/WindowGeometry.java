package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.error;

import java.util.Arrays;
import org.mleruntime.ir.Node;

/**
 * Where a sliding window (a convolution's kernel, a pooling window) falls over the spatial axes of an
 * input [N, C, D1, …, Dr], by ONNX's rules for {@code kernel_shape}, {@code strides},
 * {@code dilations}, {@code pads} (all begins, then all ends), {@code auto_pad} (NOTSET, VALID,
 * SAME_UPPER, SAME_LOWER) and {@code ceil_mode}. The shape rule and the kernel build the same
 * geometry from the same node, so they cannot disagree on the output's size.
 *
 * @param input the input's spatial sizes
 * @param kernel the window's size per spatial axis
 * @param output the output's spatial sizes
 */
record WindowGeometry(long[] input, long[] kernel, long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd, long[] output) {
    /**
     * @param spatial the input's spatial sizes
     * @param kernel the window's size, from the weights or {@code kernel_shape}
     * @param ceilMode whether a partial last window counts (pooling's {@code ceil_mode})
     */
    static WindowGeometry of(Node node, long[] spatial, long[] kernel, boolean ceilMode) {
        int r = spatial.length;
        if (kernel.length != r) {
            throw error(node, "the window has " + kernel.length + " axes but the input has " + r + " spatial axes");
        }
        long[] strides = perAxis(node, "strides", r, 1);
        long[] dilations = perAxis(node, "dilations", r, 1);
        long[] begin = new long[r];
        long[] end = new long[r];
        long[] output = new long[r];
        String autoPad = node.stringAttr("auto_pad", "NOTSET");
        if (autoPad.equals("NOTSET")) {
            long[] pads = node.hasAttr("pads") ? node.intsAttr("pads") : new long[2 * r];
            if (pads.length != 2 * r) {
                throw error(node, "pads needs " + 2 * r + " values (begins then ends), found " + pads.length);
            }
            begin = Arrays.copyOfRange(pads, 0, r);
            end = Arrays.copyOfRange(pads, r, 2 * r);
        } else if (!autoPad.equals("VALID") && !autoPad.equals("SAME_UPPER") && !autoPad.equals("SAME_LOWER")) {
            throw error(node, "auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, found '" + autoPad + "'");
        }
        for (int i = 0; i < r; i++) {
            if (kernel[i] < 1 || begin[i] < 0 || end[i] < 0) {
                throw error(node, "axis " + i + " has window " + kernel[i] + " and pads " + begin[i] + ", " + end[i]);
            }
            long extent = Math.addExact(Math.multiplyExact(dilations[i], kernel[i] - 1), 1);
            if (autoPad.startsWith("SAME")) {
                output[i] = ceilDiv(spatial[i], strides[i]);
                long total = Math.max(0, (output[i] - 1) * strides[i] + extent - spatial[i]);
                begin[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
                continue;
            }
            long span = spatial[i] + begin[i] + end[i] - extent;
            if (span < 0) {
                throw error(node, "axis " + i + ": a window spanning " + extent + " does not fit in " + spatial[i] + " padded by "
                        + begin[i] + " and " + end[i]);
            }
            output[i] = (ceilMode ? ceilDiv(span, strides[i]) : span / strides[i]) + 1;
            // ONNX (and PyTorch): with ceil_mode a window may not start in the end padding.
            if (ceilMode && (output[i] - 1) * strides[i] >= spatial[i] + begin[i]) {
                output[i]--;
            }
        }
        return new WindowGeometry(spatial.clone(), kernel.clone(), strides, dilations, begin, end, output);
    }

    private static long[] perAxis(Node node, String key, int rank, long fallback) {
        if (!node.hasAttr(key)) {
            long[] values = new long[rank];
            Arrays.fill(values, fallback);
            return values;
        }
        long[] values = node.intsAttr(key);
        if (values.length != rank) {
            throw error(node, key + " needs " + rank + " values, found " + values.length);
        }
        for (long v : values) {
            if (v < 1) {
                throw error(node, key + " must be positive, found " + Arrays.toString(values));
            }
        }
        return values;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    int rank() {
        return input.length;
    }

    /** This geometry over three spatial axes, leading ones of size 1 (no padding), so one loop nest serves 1 to 3 axes. */
    WindowGeometry inThreeAxes() {
        return new WindowGeometry(lead(input, 1), lead(kernel, 1), lead(strides, 1), lead(dilations, 1), lead(padsBegin, 0), lead(padsEnd, 0),
                lead(output, 1));
    }

    private static long[] lead(long[] values, long fill) {
        long[] out = new long[3];
        Arrays.fill(out, fill);
        System.arraycopy(values, 0, out, 3 - values.length, values.length);
        return out;
    }

    long inputSize() {
        return product(input);
    }

    long outputSize() {
        return product(output);
    }

    long kernelSize() {
        return product(kernel);
    }

    private static long product(long[] values) {
        long n = 1;
        for (long v : values) {
            n = Math.multiplyExact(n, v);
        }
        return n;
    }
}
