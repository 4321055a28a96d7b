package org.mleruntime.operators.preprocessing;

import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Bucketize: a value's bin is the number of its column's edges at or below it (numpy's
 * {@code searchsorted(edges, x, side="right")}), found by bisection. NaN has no bin and is an error.
 */
public final class BucketizeKernel implements Kernel {
    private final double[][] edges;
    private final List<String> columnNames;

    public BucketizeKernel(Node node, List<Tensor> constants) {
        Tensor all = constants.get(1);
        Tensor offsets = constants.get(2);
        int features = Math.toIntExact(offsets.elementCount() - 1);
        edges = new double[features][];
        columnNames = ColumnAttributes.names(node, features);
        for (int j = 0; j < features; j++) {
            long from = offsets.getLong(j);
            edges[j] = new double[Math.toIntExact(offsets.getLong(j + 1) - from)];
            for (int k = 0; k < edges[j].length; k++) {
                edges[j][k] = all.getDouble(from + k);
                if (Double.isNaN(edges[j][k]) || (k > 0 && edges[j][k] < edges[j][k - 1])) {
                    throw new InvalidModelException("Bucketize: the edges of " + columnNames.get(j) + " are not sorted numbers");
                }
            }
        }
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        int features = edges.length;
        long count = y.elementCount();
        for (long i = 0; i < count; i++) {
            int j = (int) (i % features);
            double v = x.getDouble(i);
            if (Double.isNaN(v)) {
                throw new InvalidInputException(columnNames.get(j) + " has a missing value (NaN), which cannot be binned");
            }
            y.setDouble(i, binOf(edges[j], v));
        }
    }

    /** The number of edges ≤ v. */
    static int binOf(double[] sorted, double v) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= v) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
