package org.mleruntime.operators.ensembles;

import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Per row: the entries sorted ascending (NaN last, equal entries in column order, as a stable sort
 * orders them), their weights summed in that order, and the first entry whose running sum is at
 * least half the row's total, the total being the last running sum, as scikit-learn computes it.
 * The sort is a merge sort of column indices into buffers allocated once per call.
 */
public final class WeightedMedianKernel implements Kernel {
    private final double[] weights;

    public WeightedMedianKernel(Tensor weights) {
        this.weights = new double[Math.toIntExact(weights.elementCount())];
        for (int j = 0; j < this.weights.length; j++) {
            this.weights[j] = weights.getDouble(j);
        }
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor values = in[0];
        Tensor y = out[0];
        int m = weights.length;
        long rows = y.elementCount();
        int[] order = new int[m];
        int[] buffer = new int[m];
        double[] row = new double[m];
        double[] cumulative = new double[m];
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < m; j++) {
                row[j] = values.getDouble(r * m + j);
                order[j] = j;
            }
            sort(row, order, buffer, 0, m);
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += weights[order[j]];
                cumulative[j] = sum;
            }
            double half = 0.5 * sum;
            // argmax of "cumulative >= half": the first such position, or 0 when there is none.
            int median = 0;
            for (int j = 0; j < m; j++) {
                if (cumulative[j] >= half) {
                    median = j;
                    break;
                }
            }
            y.setDouble(r, row[order[median]]);
        }
    }

    /** Sorts {@code order[from, to)} by the values they index: ascending, stable, NaN last. */
    private static void sort(double[] row, int[] order, int[] buffer, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int middle = (from + to) >>> 1;
        sort(row, order, buffer, from, middle);
        sort(row, order, buffer, middle, to);
        if (!greater(row[order[middle - 1]], row[order[middle]])) {
            return;
        }
        System.arraycopy(order, from, buffer, from, to - from);
        int left = from;
        int right = middle;
        for (int k = from; k < to; k++) {
            if (right >= to || (left < middle && !greater(row[buffer[left]], row[buffer[right]]))) {
                order[k] = buffer[left++];
            } else {
                order[k] = buffer[right++];
            }
        }
    }

    private static boolean greater(double a, double b) {
        return Double.isNaN(a) ? !Double.isNaN(b) : a > b;
    }
}
