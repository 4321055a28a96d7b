package org.mleruntime.operators.preprocessing;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.columns;
import static org.mleruntime.ops.ShapeRules.constant;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Categorical encodings: CategoryMap (a value of a column → the codes its category stands for, for
 * strings or numbers), OneHot (codes → indicator columns) and Bucketize (numbers → the index of
 * their bin). docs/OPERATORS.md defines them; this class checks their inputs and attributes,
 * including the per-column tables, which cost O(columns) to check.
 */
public final class EncoderSchema {
    static final int X = 0;
    static final int KEYS = 1;
    static final int CODES = 2;
    static final int OFFSETS = 3;

    private EncoderSchema() {}

    static List<ValueInfo> categoryMap(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 4, 4);
        ValueInfo x = in.get(X);
        long features = columns(n, x);
        DType keyType = x.dtype() == DType.STRING ? DType.STRING : DType.FLOAT64;
        Tensor keys = constant(n, in, c, KEYS, keyType, 1);
        Tensor codes = constant(n, in, c, CODES, DType.FLOAT64, 1);
        Tensor offsets = constant(n, in, c, OFFSETS, DType.INT64, 1);
        long width = n.intAttr("width", 1);
        if (width < 1) {
            throw error(n, "width must be at least 1, found " + width);
        }
        long[] bounds = offsets(n, offsets, features, keys.elementCount());
        if (codes.elementCount() != keys.elementCount() * width) {
            throw error(n, "codes must hold width × keys = " + keys.elementCount() * width + " values, found " + codes.elementCount());
        }
        String onUnknown = n.stringAttr("on_unknown", "error");
        if (onUnknown.equals("code")) {
            if (n.floatsAttr("unknown_codes", null).length != features * width) {
                throw error(n, "unknown_codes must hold width × columns = " + features * width + " values");
            }
        } else if (!onUnknown.equals("error")) {
            throw error(n, "on_unknown must be 'error' or 'code', found '" + onUnknown + "'");
        }
        for (String key : java.util.List.of("missing_keys", "none_keys")) {
            if (!n.hasAttr(key)) {
                continue;
            }
            long[] missing = n.intsAttr(key);
            if (missing.length != features) {
                throw error(n, key + " must hold one entry per column (" + features + "), found " + missing.length);
            }
            for (int j = 0; j < features; j++) {
                if (missing[j] < -1 || missing[j] >= bounds[j + 1] - bounds[j]) {
                    throw error(n, key + "[" + j + "] = " + missing[j] + " is not -1 or a key of column " + j);
                }
            }
        }
        columnNames(n, features);
        return List.of(out(n, DType.FLOAT64, Shape.of(x.shape().dim(0), features * width)));
    }

    static List<ValueInfo> oneHot(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        ValueInfo codes = in.getFirst();
        floating(n, codes);
        long features = columns(n, codes);
        long[] sizes = n.intsAttr("sizes");
        if (sizes.length != features) {
            throw error(n, "sizes must hold one entry per column (" + features + "), found " + sizes.length);
        }
        long total = 0;
        for (long size : sizes) {
            if (size < 0) {
                throw error(n, "sizes must not be negative");
            }
            total = Math.addExact(total, size);
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(codes.shape().dim(0), total)));
    }

    static List<ValueInfo> bucketize(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        ValueInfo x = in.get(X);
        floating(n, x);
        long features = columns(n, x);
        Tensor edges = constant(n, in, c, 1, DType.FLOAT64, 1);
        offsets(n, constant(n, in, c, 2, DType.INT64, 1), features, edges.elementCount());
        columnNames(n, features);
        return List.of(out(n, DType.FLOAT64, x.shape()));
    }

    /** Checks that {@code offsets} splits {@code total} entries into {@code features} consecutive runs; returns them. */
    static long[] offsets(Node n, Tensor offsets, long features, long total) {
        if (offsets.elementCount() != features + 1) {
            throw error(n, "offsets must hold columns + 1 = " + (features + 1) + " entries, found " + offsets.elementCount());
        }
        long[] bounds = new long[Math.toIntExact(features + 1)];
        for (int j = 0; j <= features; j++) {
            bounds[j] = offsets.getLong(j);
            if ((j == 0 && bounds[0] != 0) || (j > 0 && bounds[j] < bounds[j - 1])) {
                throw error(n, "offsets must start at 0 and never decrease");
            }
        }
        if (bounds[bounds.length - 1] != total) {
            throw error(n, "offsets end at " + bounds[bounds.length - 1] + " but there are " + total + " entries");
        }
        return bounds;
    }

    static void columnNames(Node n, long features) {
        if (n.hasAttr("column_names") && n.stringsAttr("column_names", null).size() != features) {
            throw error(n, "column_names must hold one name per column (" + features + ")");
        }
    }
}
