package org.mleruntime.operators.preprocessing;

import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * PowerTransform with one λ per column, in the forms scipy evaluates them (expm1 and log1p, which
 * stay accurate near λ = 0): Yeo-Johnson as {@code scipy.stats.yeojohnson}, Box-Cox as
 * {@code scipy.special.boxcox}. Box-Cox of a value ≤ 0 is an error, as scikit-learn raises one.
 */
public final class PowerTransformKernel implements Kernel {
    /** numpy's float64 machine epsilon, the threshold scipy uses to treat λ as 0 or 2. */
    private static final double EPSILON = Math.ulp(1.0);
    /** scipy's boxcox switches formulas where λ·log(x) would overflow expm1. */
    private static final double EXPM1_LIMIT = 709.78;

    private final boolean boxCox;
    private final double[] lambdas;
    private final List<String> columnNames;

    public PowerTransformKernel(Node node, List<Tensor> constants) {
        boxCox = node.stringAttr("method", "").equals("box-cox");
        Tensor t = constants.get(1);
        lambdas = new double[Math.toIntExact(t.elementCount())];
        java.util.Arrays.setAll(lambdas, t::getDouble);
        columnNames = ColumnAttributes.names(node, lambdas.length);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        int features = lambdas.length;
        for (long i = 0; i < y.elementCount(); i++) {
            int j = (int) (i % features);
            double v = x.getDouble(i);
            if (boxCox && v <= 0) {
                throw new InvalidInputException(columnNames.get(j) + " has the value " + v
                        + "; the Box-Cox transformation applies to strictly positive values only");
            }
            y.setDouble(i, boxCox ? boxCox(v, lambdas[j]) : yeoJohnson(v, lambdas[j]));
        }
    }

    static double yeoJohnson(double x, double lambda) {
        if (x >= 0) {
            return Math.abs(lambda) < EPSILON ? Math.log1p(x) : Math.expm1(lambda * Math.log1p(x)) / lambda;
        }
        return Math.abs(lambda - 2) > EPSILON ? -Math.expm1((2 - lambda) * Math.log1p(-x)) / (2 - lambda) : -Math.log1p(-x);
    }

    static double boxCox(double x, double lambda) {
        if (Math.abs(lambda) < 1e-19) {
            return Math.log(x);
        }
        double scaled = lambda * Math.log(x);
        if (scaled < EXPM1_LIMIT) {
            return Math.expm1(scaled) / lambda;
        }
        return Math.signum(lambda) * Math.exp(scaled - Math.log(Math.abs(lambda))) - 1 / lambda;
    }
}
