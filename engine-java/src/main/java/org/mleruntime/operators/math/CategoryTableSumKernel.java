package org.mleruntime.operators.math;

import static org.mleruntime.ir.Tensor.F64;
import static org.mleruntime.ir.Tensor.I64;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * {@code CategoryTableSum}: each feature's value is a category (truncated toward zero, as numpy's
 * cast to int does) that picks a row of that feature's table; the picked rows are added feature by
 * feature, from zero. CategoricalNB's joint log likelihood is this plus the class log priors. A
 * value that is not finite, negative or past the feature's categories is an error naming it.
 */
final class CategoryTableSumKernel implements Kernel {
    private final String name;
    private final MemorySegment tables;
    private final long[] offsets;
    private final int width;

    CategoryTableSumKernel(Node node, List<Tensor> constants) {
        this.name = node.name();
        Tensor t = constants.get(1);
        this.tables = t.data();
        this.width = Math.toIntExact(t.shape().dim(1));
        Tensor o = constants.get(2);
        this.offsets = new long[Math.toIntExact(o.elementCount())];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = o.data().getAtIndex(I64, i);
            if (offsets[i] < (i == 0 ? 0 : offsets[i - 1]) || offsets[i] > t.shape().dim(0)) {
                throw new InvalidModelException("node '" + name + "' (CategoryTableSum): offsets must rise from 0 to at most "
                        + t.shape().dim(0) + " table rows, offset " + i + " is " + offsets[i]);
            }
        }
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        MemorySegment y = outputs[0].data();
        int features = offsets.length - 1;
        long n = x.shape().dim(0);
        double[] acc = new double[width];
        for (long r = 0; r < n; r++) {
            java.util.Arrays.fill(acc, 0);
            for (int f = 0; f < features; f++) {
                double v = x.getDouble(r * features + f);
                long categories = offsets[f + 1] - offsets[f];
                if (!Double.isFinite(v) || (long) v < 0 || (long) v >= categories) {
                    throw new InvalidInputException("node '" + name + "': row " + r + " feature " + f + " is " + v
                            + ", not a category 0.." + (categories - 1) + " of that feature");
                }
                long row = (offsets[f] + (long) v) * width;
                for (int c = 0; c < width; c++) {
                    acc[c] += tables.getAtIndex(F64, row + c);
                }
            }
            MemorySegment.copy(acc, 0, y, F64, r * width * 8, width);
        }
    }
}
