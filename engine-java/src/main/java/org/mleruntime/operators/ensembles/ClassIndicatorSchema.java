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
 * The ClassIndicator operator: {@code Y[i, k] = on} where {@code labels[i]} equals
 * {@code classes[k]}, else {@code off}, with {@code values = [off, on]}. A vote of one estimator in
 * an ensemble (hard voting, bagging without probabilities, AdaBoost's SAMME) is such a row, and the
 * labels may be of any dtype, strings included.
 */
public final class ClassIndicatorSchema {
    private ClassIndicatorSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        ShapeRules.arity(n, in, 3, 3);
        ValueInfo labels = in.get(0);
        ValueInfo classes = in.get(1);
        ValueInfo values = in.get(2);
        if (labels.shape().rank() != 1) {
            throw error(n, "labels must have rank 1, found shape " + labels.shape());
        }
        if (constants.get(1) == null || classes.shape().rank() != 1) {
            throw error(n, "classes must be a rank-1 constant");
        }
        ShapeRules.sameDtype(n, labels, classes);
        if (constants.get(2) == null || values.dtype() != DType.FLOAT64 || !values.shape().equals(Shape.of(2))) {
            throw error(n, "values must be a float64 constant [off, on] of shape [2], found " + values.dtype().label() + values.shape());
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(labels.shape().dim(0), classes.shape().dim(0))));
    }
}
