package org.mleruntime.operators.math;

import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * {@code LogSumExp} and {@code LogSoftmax} over the last axis, each in the arithmetic of the code it
 * reproduces. LogSumExp is scikit-learn's {@code _logsumexp} (after scipy's): the maximum m, the
 * count c of elements equal to it, s = Σ exp(x − m) over the other elements (m shifted to 0 when
 * infinite), s / c unless s is 0, and log1p(s) + log(c) + m. LogSoftmax is
 * {@code (x − max) − log(Σ exp(x − max))}, as QuadraticDiscriminantAnalysis and NearestCentroid
 * compute their log probabilities.
 */
final class LogSumExpKernel {
    private LogSumExpKernel() {}

    /** The row's maximum; a NaN wins, as numpy's max. */
    private static double rowMax(Tensor x, long base, long cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (long j = 0; j < cols; j++) {
            double v = x.getDouble(base + j);
            if (Double.isNaN(v)) {
                return v;
            }
            max = v > max ? v : max;
        }
        return max;
    }

    static Kernel logSumExp() {
        return (in, out) -> {
            Tensor x = in[0];
            long cols = x.shape().dim(x.shape().rank() - 1);
            long rows = out[0].elementCount();
            for (long r = 0; r < rows; r++) {
                long base = r * cols;
                double max = rowMax(x, base, cols);
                double atMax = 0;
                double sum = 0;
                double shift = Double.isFinite(max) ? max : 0;
                for (long j = 0; j < cols; j++) {
                    double v = x.getDouble(base + j);
                    if (v == max) {
                        atMax++;
                    } else {
                        sum += Math.exp(v - shift);
                    }
                }
                if (sum != 0) {
                    sum /= atMax;
                }
                out[0].setDouble(r, Math.log1p(sum) + Math.log(atMax) + max);
            }
        };
    }

    static Kernel logSoftmax() {
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            long cols = x.shape().dim(x.shape().rank() - 1);
            long rows = cols == 0 ? 0 : x.elementCount() / cols;
            for (long r = 0; r < rows; r++) {
                long base = r * cols;
                double max = rowMax(x, base, cols);
                double sum = 0;
                for (long j = 0; j < cols; j++) {
                    double shifted = x.getDouble(base + j) - max;
                    y.setDouble(base + j, shifted);
                    sum += Math.exp(shifted);
                }
                double log = Math.log(sum);
                for (long j = 0; j < cols; j++) {
                    y.setDouble(base + j, y.getDouble(base + j) - log);
                }
            }
        };
    }
}
