package org.mleruntime.operators.preprocessing;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.columns;
import static org.mleruntime.ops.ShapeRules.constant;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.floating;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import java.util.Set;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Operators that expand each row into more features: Monomials (products of columns, as
 * scikit-learn's PolynomialFeatures) and SplineBasis (B-spline basis functions of each column, as
 * SplineTransformer).
 */
public final class ExpansionSchema {
    static final int KNOTS = 1;
    static final int COEFFICIENTS = 2;
    static final int BOUNDARY = 3;

    private ExpansionSchema() {}

    static List<ValueInfo> monomials(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 1, 1);
        ValueInfo x = in.getFirst();
        floating(n, x);
        long features = columns(n, x);
        long[] factors = n.intsAttr("factors");
        long[] previous = n.intsAttr("previous");
        long[] outputs = n.intsAttr("keep");
        if (factors.length != previous.length) {
            throw error(n, "factors and previous must have one entry per term, found " + factors.length + " and " + previous.length);
        }
        for (int t = 0; t < factors.length; t++) {
            if (factors[t] < -1 || factors[t] >= features) {
                throw error(n, "term " + t + " multiplies by column " + factors[t] + " of " + features);
            }
            if (previous[t] < -1 || previous[t] >= t) {
                throw error(n, "term " + t + " must build on an earlier term or none, found " + previous[t]);
            }
        }
        for (long o : outputs) {
            if (o < 0 || o >= factors.length) {
                throw error(n, "output term " + o + " is not one of the " + factors.length + " terms");
            }
        }
        return List.of(out(n, x.dtype(), Shape.of(x.shape().dim(0), outputs.length)));
    }

    static List<ValueInfo> splineBasis(Node n, List<ValueInfo> in, List<Tensor> c) {
        arity(n, in, 3, 7);
        ValueInfo x = ScalingSchema.float64Matrix(n, in.getFirst());
        long features = x.shape().dim(1);
        Tensor knots = constant(n, in, c, KNOTS, DType.FLOAT64, 2);
        Tensor coefficients = constant(n, in, c, COEFFICIENTS, DType.FLOAT64, 2);
        long degree = n.intAttr("degree", 3);
        long basis = knots.shape().dim(1) - degree - 1;
        if (knots.shape().dim(0) != features || degree < 0 || basis < 1) {
            throw error(n, "knots must be [" + features + ", T] with T > degree + 1, found " + knots.shape() + " for degree " + degree);
        }
        if (coefficients.shape().dim(0) != basis) {
            throw error(n, "coefficients must have one row per basis function (" + basis + "), found " + coefficients.shape());
        }
        long splines = coefficients.shape().dim(1);
        String extrapolation = ScalingSchema.oneOf(n, "extrapolation", "constant",
                Set.of("error", "constant", "linear", "continue", "periodic"));
        ScalingSchema.oneOf(n, "missing", "zeros", Set.of("zeros", "error"));
        boolean bounded = extrapolation.equals("constant") || extrapolation.equals("linear");
        if (in.size() != (bounded ? 7 : 3)) {
            throw error(n, "extrapolation '" + extrapolation + "' takes " + (bounded ? 7 : 3) + " inputs, found " + in.size());
        }
        if (bounded) {
            for (int i = BOUNDARY; i < BOUNDARY + 4; i++) {
                Tensor t = constant(n, in, c, i, DType.FLOAT64, 2);
                if (t.shape().dim(0) != features || t.shape().dim(1) != splines) {
                    throw error(n, "boundary input " + i + " must be [" + features + ", " + splines + "], found " + t.shape());
                }
            }
            long[] counts = n.intsAttr("boundary_counts");
            long[] knotIndices = n.hasAttr("boundary_knots") ? n.intsAttr("boundary_knots") : new long[0];
            if (counts.length != features || (knotIndices.length != 0 && knotIndices.length != features)) {
                throw error(n, "boundary_counts (and boundary_knots, when given) must hold one entry per column (" + features + ")");
            }
            for (long count : counts) {
                if (count < 0 || count > splines) {
                    throw error(n, "boundary_counts must lie in [0, " + splines + "], found " + count);
                }
            }
            for (long knot : knotIndices) {
                if (knot < 0 || 2 * knot + 1 >= knots.shape().dim(1)) {
                    throw error(n, "boundary_knots must index a knot t[d] with t[T − d − 1] after it, found " + knot);
                }
            }
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(x.shape().dim(0), features * splines)));
    }
}
