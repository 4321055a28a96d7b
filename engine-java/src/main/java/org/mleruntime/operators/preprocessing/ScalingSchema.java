package org.mleruntime.operators.preprocessing;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.broadcast;
import static org.mleruntime.ops.ShapeRules.columns;
import static org.mleruntime.ops.ShapeRules.constant;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.sameDtype;

import java.util.List;
import java.util.Set;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Numeric feature transforms that keep the shape of their input: Clip, the element-wise functions
 * Log1p, Expm1 and Sqrt, Normalizer (each row divided by its norm), PowerTransform (Yeo-Johnson and
 * Box-Cox per column) and QuantileTransform (each column mapped through its quantiles).
 */
public final class ScalingSchema {
    private ScalingSchema() {}



    static List<ValueInfo> scaler(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        ValueInfo x = in.get(0);
        floating(n, x);
        for (int i = 1; i < 3; i++) {
            sameDtype(n, x, in.get(i));
            broadcast(n, x.shape(), in.get(i).shape());
        }
        String mode = n.stringAttr("mode", "");
        if (!mode.equals("sub_div") && !mode.equals("mul_add")) {
            throw error(n, "attribute mode must be 'sub_div' or 'mul_add', found '" + mode + "'");
        }
        return List.of(out(n, x.dtype(), x.shape()));
    }

    static List<ValueInfo> normalizer(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        ValueInfo x = in.getFirst();
        floating(n, x);
        columns(n, x);
        oneOf(n, "norm", "l2", Set.of("l1", "l2", "max"));
        return List.of(out(n, x.dtype(), x.shape()));
    }

    static List<ValueInfo> powerTransform(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 2, 2);
        ValueInfo x = float64Matrix(n, in.getFirst());
        perColumn(n, constant(n, in, c, 1, DType.FLOAT64, 1), x, "lambdas");
        oneOf(n, "method", null, Set.of("yeo-johnson", "box-cox"));
        EncoderSchema.columnNames(n, x.shape().dim(1));
        return List.of(out(n, DType.FLOAT64, x.shape()));
    }

    static List<ValueInfo> quantileTransform(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 3);
        ValueInfo x = float64Matrix(n, in.getFirst());
        Tensor quantiles = constant(n, in, c, 1, DType.FLOAT64, 2);
        Tensor references = constant(n, in, c, 2, DType.FLOAT64, 1);
        if (quantiles.shape().dim(1) != x.shape().dim(1) || quantiles.shape().dim(0) != references.elementCount()
                || references.elementCount() < 1) {
            throw error(n, "quantiles must be [Q, " + x.shape().dim(1) + "] and references [Q] with Q ≥ 1, found "
                    + quantiles.shape() + " and " + references.shape());
        }
        if (oneOf(n, "output", "uniform", Set.of("uniform", "normal")).equals("normal")) {
            for (String bound : List.of("clip_min", "clip_max")) {
                if (!n.hasAttr(bound)) {
                    throw error(n, "a normal output needs the attribute " + bound);
                }
                n.floatAttr(bound, 0);
            }
        }
        return List.of(out(n, DType.FLOAT64, x.shape()));
    }

    static ValueInfo float64Matrix(Node n, ValueInfo x) {
        columns(n, x);
        if (x.dtype() != DType.FLOAT64) {
            throw error(n, "input '" + x.name() + "' must be float64, found " + x.dtype().label());
        }
        return x;
    }

    static void perColumn(Node n, Tensor t, ValueInfo x, String what) {
        if (t.elementCount() != x.shape().dim(1)) {
            throw error(n, what + " must hold one value per column (" + x.shape().dim(1) + "), found " + t.elementCount());
        }
    }

    /** The string attribute {@code key} (or its default; null: required), checked against the allowed values. */
    static String oneOf(Node n, String key, String defaultValue, Set<String> allowed) {
        String value = n.stringAttr(key, defaultValue);
        if (value == null || !allowed.contains(value)) {
            throw error(n, "attribute " + key + " must be one of " + allowed.stream().sorted().toList() + ", found " + value);
        }
        return value;
    }
}
