package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.knownInts;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.unknown;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Pad (ONNX opset 13 and later: {@code pads} as int64 input 1, all begins then all ends, negative
 * to crop; optional constant value input 2 and axes input 3; {@code mode} constant, reflect, edge
 * or wrap) and Trilu (the lower or, with {@code upper}, upper triangle of the last two axes, from
 * diagonal k of int64 input 1).
 */
final class PaddingSchema {
    private PaddingSchema() {}

    static List<ValueInfo> pad(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 4);
        Shape s = in.getFirst().shape();
        String mode = n.stringAttr("mode", "constant");
        if (!List.of("constant", "reflect", "edge", "wrap").contains(mode)) {
            throw error(n, "mode must be constant, reflect, edge or wrap, found '" + mode + "'");
        }
        long[][] pads = pads(n, in, c, s.rank());
        if (pads == null) {
            return List.of(out(n, in.getFirst().dtype(), unknown(s.rank())));
        }
        long[] dims = s.dims();
        String[] names = s.symbols();
        for (int a = 0; a < s.rank(); a++) {
            if (pads[0][a] == 0 && pads[1][a] == 0) {
                continue;
            }
            if (s.isSymbolic(a)) {
                names[a] = Shape.UNKNOWN;
                continue;
            }
            dims[a] = s.dim(a) + pads[0][a] + pads[1][a];
            if (dims[a] < 0) {
                throw error(n, "pads crop axis " + a + " of size " + s.dim(a) + " below nothing");
            }
            if (!mode.equals("constant") && s.dim(a) == 0) {
                throw error(n, mode + " padding of an empty axis " + a);
            }
        }
        return List.of(out(n, in.getFirst().dtype(), new Shape(dims, names)));
    }

    /** The begins and ends per axis, or null while input 1 (or 3) is not known. */
    static long[][] pads(Node n, List<ValueInfo> in, List<Tensor> c, int rank) {
        long[] flat = n.hasAttr("pads") ? n.intsAttr("pads") : knownInts(n, in, c, 1);
        if (flat == null) {
            return null;
        }
        long[] axes;
        if (in.size() > 3 && in.get(3) != null) {
            axes = knownInts(n, in, c, 3);
            if (axes == null) {
                return null;
            }
        } else {
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        if (flat.length != 2 * axes.length) {
            throw error(n, "pads needs " + 2 * axes.length + " values (begins then ends), found " + flat.length);
        }
        long[][] pads = new long[2][rank];
        for (int i = 0; i < axes.length; i++) {
            int a = axis(n, axes[i], rank);
            pads[0][a] = flat[i];
            pads[1][a] = flat[axes.length + i];
        }
        return pads;
    }

    static List<ValueInfo> trilu(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 2);
        Shape s = in.getFirst().shape();
        if (s.rank() < 2) {
            throw error(n, "needs at least two axes, found " + s);
        }
        return List.of(out(n, in.getFirst().dtype(), s));
    }
}
