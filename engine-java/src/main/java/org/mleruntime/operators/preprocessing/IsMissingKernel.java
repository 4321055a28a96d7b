package org.mleruntime.operators.preprocessing;

import java.util.List;
import java.util.stream.LongStream;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;

/**
 * IsMissing: true where a value of the chosen columns is missing. With {@code error_on_other = 1},
 * a missing value in a column that is not chosen is an error (scikit-learn's MissingIndicator with
 * {@code error_on_new}).
 */
public final class IsMissingKernel implements Kernel {
    private final MissingValue missing;
    private final int features;
    private final long[] columns;
    private final long[] others;
    private final List<String> columnNames;

    public IsMissingKernel(Node node, List<ValueInfo> inputs) {
        missing = MissingValue.of(node);
        features = Math.toIntExact(inputs.getFirst().shape().dim(1));
        columns = node.hasAttr("columns") ? node.intsAttr("columns") : LongStream.range(0, features).toArray();
        others = node.intAttr("error_on_other", 0) == 0 ? new long[0]
                : LongStream.range(0, features).filter(j -> LongStream.of(columns).noneMatch(c -> c == j)).toArray();
        columnNames = ColumnAttributes.names(node, features);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        for (long r = 0; r < rows; r++) {
            long base = r * features;
            for (int k = 0; k < columns.length; k++) {
                y.setLong(r * columns.length + k, missing.at(x, base + columns[k]) ? 1 : 0);
            }
            for (long j : others) {
                if (missing.at(x, base + j)) {
                    throw new InvalidInputException(columnNames.get((int) j) + " has a missing value, but had none in training "
                            + "(MissingIndicator with error_on_new=True refuses it)");
                }
            }
        }
    }
}
