package org.mleruntime.kernels;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** Impute: every missing value (see {@link MissingValue}) replaced by its column's fill value, the rest copied. */
public final class ImputeKernel implements Kernel {
    private final MissingValue missing;

    public ImputeKernel(Node node, List<ValueInfo> inputs) {
        missing = MissingValue.of(node, inputs.getFirst().dtype());
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor fill = inputs[1];
        Tensor y = outputs[0];
        int features = Math.toIntExact(fill.elementCount());
        long count = y.elementCount();
        boolean strings = x.dtype() == DType.STRING;
        for (long i = 0; i < count; i++) {
            long j = i % features;
            boolean replace = missing.at(x, i);
            if (strings) {
                y.setString(i, replace ? fill.string(j) : x.string(i));
            } else {
                y.setDouble(i, replace ? fill.getDouble(j) : x.getDouble(i));
            }
        }
    }
}
