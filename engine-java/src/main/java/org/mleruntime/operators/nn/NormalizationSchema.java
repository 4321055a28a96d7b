package org.mleruntime.operators.nn;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * BatchNormalization at inference (ONNX opset 9 and later: X [N, C, …], scale, B, mean and var [C];
 * {@code epsilon}; training mode refused) and LayerNormalization (opset 17: X, Scale and optional B
 * of X's shape from {@code axis} on, or broadcasting to it; outputs Y and optionally Mean and InvStdDev).
 */
final class NormalizationSchema {
    private NormalizationSchema() {}

    static List<ValueInfo> batchNormalization(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 5, 5, 1, 3);
        ValueInfo x = in.getFirst();
        floating(n, x);
        if (x.shape().rank() < 2) {
            throw error(n, "X must be [N, C, …], found " + x.shape());
        }
        if (n.intAttr("training_mode", 0) != 0 || n.outputs().size() != 1) {
            throw error(n, "only inference is supported: training_mode 0 and the one output Y");
        }
        for (ValueInfo p : in.subList(1, 5)) {
            sameDtype(n, x, p);
            if (!p.shape().equals(Shape.of(x.shape().dim(1)))) {
                throw error(n, "'" + p.name() + "' must be [" + x.shape().dim(1) + "], found " + p.shape());
            }
        }
        return List.of(out(n, x.dtype(), x.shape()));
    }

    static List<ValueInfo> layerNormalization(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 3, 1, 3);
        ValueInfo x = in.getFirst();
        floating(n, x);
        int rank = x.shape().rank();
        int from = axis(n, n.intAttr("axis", -1), rank);
        if (from == 0 && x.shape().isBatched()) {
            throw error(n, "cannot normalise across the batch axis");
        }
        long[] normalized = Arrays.copyOfRange(x.shape().dims(), from, rank);
        for (ValueInfo p : in.subList(1, in.size())) {
            sameDtype(n, x, p);
            if (!broadcastsTo(p.shape().dims(), normalized)) {
                throw error(n, "'" + p.name() + "' of shape " + p.shape() + " does not broadcast to the normalised axes "
                        + Arrays.toString(normalized));
            }
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(out(n, x.dtype(), x.shape())));
        // Mean and InvStdDev keep X's shape with the normalised axes as 1, in float32 (stash_type 1, the only one ONNX defines).
        long[] stats = x.shape().dims();
        String[] names = x.shape().symbols();
        for (int i = from; i < rank; i++) {
            stats[i] = 1;
            names[i] = null;
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            outputs.add(new ValueInfo(n.outputs().get(i), DType.FLOAT32, new Shape(stats, names)));
        }
        return outputs;
    }

    private static boolean broadcastsTo(long[] from, long[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 1; i <= from.length; i++) {
            long f = from[from.length - i];
            if (f != 1 && f != to[to.length - i]) {
                return false;
            }
        }
        return true;
    }
}
