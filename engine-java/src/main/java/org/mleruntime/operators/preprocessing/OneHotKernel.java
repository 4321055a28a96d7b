package org.mleruntime.operators.preprocessing;

import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/** OneHot: each row's block of indicator columns is cleared, then the coded column of each feature set to 1. */
public final class OneHotKernel implements Kernel {
    private final long[] sizes;
    private final long[] starts;
    private final long width;

    public OneHotKernel(Node node) {
        sizes = node.intsAttr("sizes");
        starts = new long[sizes.length];
        long total = 0;
        for (int j = 0; j < sizes.length; j++) {
            starts[j] = total;
            total += sizes[j];
        }
        width = total;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor codes = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        int features = sizes.length;
        for (long r = 0; r < rows; r++) {
            long base = r * width;
            for (long k = 0; k < width; k++) {
                y.setDouble(base + k, 0.0);
            }
            for (int j = 0; j < features; j++) {
                double code = codes.getDouble(r * features + j);
                if (Double.isNaN(code) || code < 0) {
                    continue;
                }
                if (code != Math.rint(code) || code >= sizes[j]) {
                    throw new InvalidInputException("OneHot: code " + code + " of column " + j + " is not an index below its "
                            + sizes[j] + " categories");
                }
                y.setDouble(base + starts[j] + (long) code, 1.0);
            }
        }
    }
}
