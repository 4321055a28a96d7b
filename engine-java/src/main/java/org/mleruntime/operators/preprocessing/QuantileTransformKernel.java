package org.mleruntime.operators.preprocessing;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * QuantileTransform, step for step as scikit-learn's {@code QuantileTransformer._transform_col}:
 * the mean of numpy's {@code interp} through the quantiles ascending and (negated) descending, the
 * bounds set exactly, then for a normal output {@code norm.ppf} clipped to [clip_min, clip_max].
 */
public final class QuantileTransformKernel implements Kernel {
    /** scikit-learn's BOUNDS_THRESHOLD. */
    private static final double BOUNDS = 1e-7;

    private final double[][] ascending;
    private final double[][] descending;
    private final double[] references;
    private final double[] negatedReversed;
    private final boolean normal;
    private final double clipMin;
    private final double clipMax;

    public QuantileTransformKernel(Node node, List<Tensor> constants) {
        Tensor quantiles = constants.get(1);
        Tensor refs = constants.get(2);
        int q = Math.toIntExact(quantiles.shape().dim(0));
        int features = Math.toIntExact(quantiles.shape().dim(1));
        ascending = new double[features][q];
        descending = new double[features][q];
        references = new double[q];
        negatedReversed = new double[q];
        for (int k = 0; k < q; k++) {
            references[k] = refs.getDouble(k);
            negatedReversed[q - 1 - k] = -references[k];
            for (int j = 0; j < features; j++) {
                ascending[j][k] = quantiles.getDouble((long) k * features + j);
                descending[j][q - 1 - k] = -ascending[j][k];
            }
        }
        normal = node.stringAttr("output", "uniform").equals("normal");
        clipMin = node.floatAttr("clip_min", Double.NEGATIVE_INFINITY);
        clipMax = node.floatAttr("clip_max", Double.POSITIVE_INFINITY);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        int features = ascending.length;
        for (long i = 0; i < y.elementCount(); i++) {
            int j = (int) (i % features);
            y.setDouble(i, transform(x.getDouble(i), ascending[j], descending[j]));
        }
    }

    private double transform(double x, double[] quantiles, double[] negated) {
        double low = quantiles[0];
        double high = quantiles[quantiles.length - 1];
        boolean lower = normal ? x - BOUNDS < low : x == low;
        boolean upper = normal ? x + BOUNDS > high : x == high;
        double y = Double.isNaN(x) ? x : 0.5 * (interp(x, quantiles, references) - interp(-x, negated, negatedReversed));
        if (upper) {
            y = 1;
        }
        if (lower) {
            y = 0;
        }
        if (!normal) {
            return y;
        }
        return Math.min(Math.max(NormalQuantile.ppf(y), clipMin), clipMax);
    }

    /** numpy's {@code interp(x, xp, fp)} for a non-NaN x and ascending xp, with its edge cases. */
    static double interp(double x, double[] xp, double[] fp) {
        int n = xp.length;
        if (n == 1) {
            return fp[0];
        }
        if (x < xp[0]) {
            return fp[0];
        }
        if (x > xp[n - 1]) {
            return fp[n - 1];
        }
        int j = BucketizeKernel.binOf(xp, x) - 1;
        if (j == n - 1 || xp[j] == x) {
            return fp[j];
        }
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        double y = slope * (x - xp[j]) + fp[j];
        if (Double.isNaN(y)) {
            y = slope * (x - xp[j + 1]) + fp[j + 1];
            if (Double.isNaN(y) && fp[j] == fp[j + 1]) {
                y = fp[j];
            }
        }
        return y;
    }
}
