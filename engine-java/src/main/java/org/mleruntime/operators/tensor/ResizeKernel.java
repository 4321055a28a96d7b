package org.mleruntime.operators.tensor;

import java.util.Arrays;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Resize: for each output position, the input coordinate on each axis by the coordinate mode, then
 * the nearest input element or the n-linear blend of the two neighbours on every axis (computed in
 * double, rounded to the output's dtype).
 */
final class ResizeKernel implements Kernel {
    private final Node node;
    private final boolean linear;
    private final String coordinates;
    private final String nearest;

    ResizeKernel(Node node) {
        this.node = node;
        this.linear = node.stringAttr("mode", "nearest").equals("linear");
        this.coordinates = node.stringAttr("coordinate_transformation_mode", "half_pixel");
        this.nearest = node.stringAttr("nearest_mode", "round_prefer_floor");
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor y = out[0];
        ResizeSchema g = ResizeSchema.of(node, LayoutKernels.types(in), Arrays.asList(in), x.shape().dims());
        int rank = g.input().length;
        long[] strides = LayoutKernels.strides(x.shape());
        long[] index = new long[rank];
        long[] low = new long[rank];
        double[] weight = new double[rank];
        for (long o = 0; o < y.elementCount(); o++) {
            for (int a = 0; a < rank; a++) {
                double source = source(index[a], g.input()[a], g.output()[a], g.scales()[a]);
                if (linear) {
                    double clamped = Math.clamp(source, 0, g.input()[a] - 1);
                    low[a] = (long) Math.floor(clamped);
                    weight[a] = clamped - low[a];
                } else {
                    low[a] = Math.clamp(round(source), 0, g.input()[a] - 1);
                }
            }
            y.setDouble(o, linear ? blend(x, strides, low, weight, g.input()) : x.getDouble(offset(low, strides)));
            for (int a = rank - 1; a >= 0 && ++index[a] == g.output()[a]; a--) {
                index[a] = 0;
            }
        }
    }

    private double source(long i, long inSize, long outSize, double scale) {
        return switch (coordinates) {
            case "asymmetric" -> i / scale;
            // ONNX's reference divides by the output length before rounding down (in·scale), not the integer size.
            case "align_corners" -> inSize * scale <= 1 ? 0 : i * (double) (inSize - 1) / (inSize * scale - 1);
            case "pytorch_half_pixel" -> outSize > 1 ? (i + 0.5) / scale - 0.5 : 0;
            case "half_pixel_symmetric" -> {
                double adjustment = outSize / (scale * inSize);
                double center = inSize / 2.0;
                double offset = center * (1 - adjustment);
                yield offset + (i + 0.5) / scale - 0.5;
            }
            default -> (i + 0.5) / scale - 0.5;
        };
    }

    private long round(double v) {
        return switch (nearest) {
            case "floor" -> (long) Math.floor(v);
            case "ceil" -> (long) Math.ceil(v);
            case "round_prefer_ceil" -> (long) Math.floor(v + 0.5);
            default -> v == Math.floor(v) + 0.5 ? (long) Math.floor(v) : Math.round(v);
        };
    }

    private static long offset(long[] index, long[] strides) {
        long o = 0;
        for (int a = 0; a < index.length; a++) {
            o += index[a] * strides[a];
        }
        return o;
    }

    /** The n-linear blend of the 2ʳ corners around the point (low + weight). */
    private static double blend(Tensor x, long[] strides, long[] low, double[] weight, long[] size) {
        int rank = low.length;
        double sum = 0;
        for (int corner = 0; corner < 1 << rank; corner++) {
            double w = 1;
            long o = 0;
            for (int a = 0; a < rank; a++) {
                boolean high = (corner >> a & 1) == 1;
                w *= high ? weight[a] : 1 - weight[a];
                o += Math.min(low[a] + (high ? 1 : 0), size[a] - 1) * strides[a];
            }
            if (w != 0) {
                sum += w * x.getDouble(o);
            }
        }
        return sum;
    }
}
