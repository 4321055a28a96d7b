package org.mleruntime.operators.preprocessing;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Impute: every missing value (see {@link MissingValue}) replaced by its column's fill value, the
 * rest copied; float64 rows are read and written in place, the fill values held in an array.
 */
public final class ImputeKernel implements Kernel {
    private final MissingValue missing;
    private final double[] numbers;
    private final String[] strings;

    public ImputeKernel(Node node, List<Tensor> constants) {
        missing = MissingValue.of(node);
        Tensor fill = constants.get(1);
        int features = Math.toIntExact(fill.elementCount());
        numbers = new double[fill.dtype() == DType.STRING ? 0 : features];
        strings = new String[fill.dtype() == DType.STRING ? features : 0];
        for (int j = 0; j < numbers.length; j++) {
            numbers[j] = fill.getDouble(j);
        }
        for (int j = 0; j < strings.length; j++) {
            strings[j] = fill.string(j);
        }
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        int features = Math.max(numbers.length, strings.length);
        if (x.dtype() == DType.FLOAT64) {
            MemorySegment from = x.data();
            MemorySegment to = y.data();
            for (long r = 0, i = 0; r < rows; r++) {
                for (int j = 0; j < features; j++, i++) {
                    double v = from.getAtIndex(Tensor.F64, i);
                    to.setAtIndex(Tensor.F64, i, missing.number(v) ? numbers[j] : v);
                }
            }
            return;
        }
        for (long r = 0, i = 0; r < rows; r++) {
            for (int j = 0; j < features; j++, i++) {
                if (x.dtype() == DType.STRING) {
                    String s = x.string(i);
                    y.setString(i, missing.string(s) ? strings[j] : s);
                } else {
                    double v = x.getDouble(i);
                    y.setDouble(i, missing.number(v) ? numbers[j] : v);
                }
            }
        }
    }
}
