package org.mleruntime.operators.ensembles;

import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.ShapeRules;

/**
 * The WeightedMedian operator: per row of {@code values} [N, M], the weighted median of its M
 * entries with the constant {@code weights} [M], as scikit-learn's AdaBoostRegressor takes it over
 * its estimators' predictions: the smallest value at which the cumulative weight, in ascending order
 * of the values, reaches half the total.
 */
public final class WeightedMedianSchema {
    private WeightedMedianSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        ShapeRules.arity(n, in, 2, 2);
        ValueInfo values = in.get(0);
        ValueInfo weights = in.get(1);
        ShapeRules.rank(n, values, 2);
        if (values.dtype() != DType.FLOAT64) {
            throw error(n, "values must be float64, found " + values.dtype().label());
        }
        long m = values.shape().dim(1);
        if (m == 0) {
            throw error(n, "values must have at least one column");
        }
        if (constants.get(1) == null || weights.dtype() != DType.FLOAT64 || !weights.shape().equals(Shape.of(m))) {
            throw error(n, "weights must be a float64 constant of shape [" + m + "], found " + weights.dtype().label() + weights.shape());
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(values.shape().dim(0))));
    }
}
