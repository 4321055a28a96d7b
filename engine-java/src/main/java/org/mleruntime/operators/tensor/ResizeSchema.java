package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.knownInts;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.unknown;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Resize (ONNX opset 11 and later) with {@code mode} nearest or linear (n-linear over every resized
 * axis): inputs X, roi (unused by the supported coordinate modes), scales (float32) or sizes
 * (int64), known when the model is planned. Coordinate modes half_pixel (the default),
 * pytorch_half_pixel, half_pixel_symmetric, align_corners and asymmetric; nearest modes
 * round_prefer_floor (the default), round_prefer_ceil, floor and ceil. Cubic, antialiasing,
 * tf_crop_and_resize and {@code axes} are refused by name.
 *
 * @param scales the scale per axis, as given or implied by the sizes
 */
record ResizeSchema(long[] input, long[] output, double[] scales) {
    static List<ValueInfo> resize(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 4);
        floating(n, in.getFirst());
        String mode = n.stringAttr("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear")) {
            throw error(n, "mode '" + mode + "' is not supported; nearest and linear are");
        }
        String coordinates = n.stringAttr("coordinate_transformation_mode", "half_pixel");
        if (!List.of("half_pixel", "pytorch_half_pixel", "half_pixel_symmetric", "align_corners", "asymmetric").contains(coordinates)) {
            throw error(n, "coordinate_transformation_mode '" + coordinates + "' is not supported");
        }
        if (n.intAttr("antialias", 0) != 0 || n.hasAttr("axes") || !n.stringAttr("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            throw error(n, "antialias, axes and keep_aspect_ratio_policy are not supported");
        }
        Shape s = in.getFirst().shape();
        ResizeSchema r = of(n, in, c, s.dims());
        if (r == null) {
            return List.of(out(n, in.getFirst().dtype(), unknown(s.rank())));
        }
        long[] dims = r.output();
        String[] names = s.symbols();
        for (int a = 0; a < dims.length; a++) {
            if (s.isSymbolic(a) && r.scales()[a] == 1) {
                dims[a] = Shape.BATCH;
            } else if (s.isSymbolic(a)) {
                return List.of(out(n, in.getFirst().dtype(), unknown(s.rank())));
            } else {
                names[a] = null;
            }
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims, names)));
    }

    /** The geometry, or null while scales and sizes are not known. */
    static ResizeSchema of(Node n, List<ValueInfo> in, List<Tensor> c, long[] input) {
        int rank = input.length;
        Tensor scalesValue = in.size() > 2 && in.get(2) != null ? c.get(2) : null;
        long[] sizes = in.size() > 3 && in.get(3) != null ? knownInts(n, in, c, 3) : null;
        boolean scalesGiven = in.size() > 2 && in.get(2) != null && in.get(2).shape().rank() == 1 && in.get(2).shape().dim(0) > 0;
        if (scalesGiven && scalesValue == null || in.size() > 3 && in.get(3) != null && sizes == null) {
            return null;
        }
        long[] output = new long[rank];
        double[] scales = new double[rank];
        if (sizes != null) {
            if (sizes.length != rank) {
                throw error(n, "sizes needs " + rank + " values, found " + sizes.length);
            }
            for (int a = 0; a < rank; a++) {
                output[a] = sizes[a];
                scales[a] = input[a] <= 0 ? 1 : (double) sizes[a] / input[a];
            }
        } else if (scalesValue != null && scalesValue.elementCount() > 0) {
            if (scalesValue.elementCount() != rank) {
                throw error(n, "scales needs " + rank + " values, found " + scalesValue.elementCount());
            }
            for (int a = 0; a < rank; a++) {
                scales[a] = scalesValue.getDouble(a);
                if (!(scales[a] > 0)) {
                    throw error(n, "scale " + scales[a] + " of axis " + a + " is not positive");
                }
                output[a] = input[a] < 0 ? input[a] : (long) Math.floor(input[a] * scales[a]);
            }
        } else {
            throw error(n, "needs scales or sizes");
        }
        return new ResizeSchema(input, output, scales);
    }
}
