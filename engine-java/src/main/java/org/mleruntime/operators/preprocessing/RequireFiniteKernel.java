package org.mleruntime.operators.preprocessing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.CopyKernel;
import org.mleruntime.kernels.Kernel;

/**
 * RequireFinite: copies its input, or refuses it as the model the node guards would (scikit-learn's
 * input validation): NaN where {@code allow_nan} is 0, infinity always. Integers and booleans,
 * which a caller may pass where a file declares them, are always finite. The error names the
 * offending columns and how many values offend in all; not rows, since a large batch may be split
 * into parts whose kernels do not know where they start (the Python SDK adds the rows).
 */
public final class RequireFiniteKernel implements Kernel {
    private static final int NAMED = 5;

    private final boolean allowNan;
    private final String model;
    private final int features;
    private final List<String> columnNames;

    public RequireFiniteKernel(Node node, List<ValueInfo> inputs) {
        allowNan = node.intAttr("allow_nan", 0) != 0;
        model = node.stringAttr("model", "this model");
        features = Math.toIntExact(inputs.getFirst().shape().dim(1));
        columnNames = ColumnAttributes.names(node, features);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        long count = x.dtype().isFloating() ? x.elementCount() : 0;
        for (long i = 0; i < count; i++) {
            double v = x.getDouble(i);
            if (v - v != 0 && !(allowNan && Double.isNaN(v))) {
                throw refusal(x, i);
            }
        }
        CopyKernel.INSTANCE.compute(inputs, outputs);
    }

    private InvalidInputException refusal(Tensor x, long first) {
        Set<String> named = new LinkedHashSet<>();
        boolean sawNan = false;
        boolean sawInfinity = false;
        long offending = 0;
        for (long i = first; i < x.elementCount(); i++) {
            double v = x.getDouble(i);
            boolean nan = Double.isNaN(v) && !allowNan;
            if (nan || Double.isInfinite(v)) {
                sawNan |= nan;
                sawInfinity |= !nan;
                offending++;
                if (named.size() < NAMED) {
                    named.add(columnNames.get((int) (i % features)));
                }
            }
        }
        String what = sawNan && sawInfinity ? "NaN and infinity" : sawNan ? "NaN" : "infinity";
        return new InvalidInputException("input contains " + what + " (in " + String.join(", ", named) + (named.size() == NAMED ? ", …" : "")
                + "; " + offending + " value" + (offending == 1 ? "" : "s") + " in all), which " + model
                + (allowNan ? " refuses: it takes missing values as NaN, but no infinity" : " refuses, as scikit-learn's does: impute missing values first"));
    }
}
