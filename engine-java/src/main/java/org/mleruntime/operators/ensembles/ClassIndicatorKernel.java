package org.mleruntime.operators.ensembles;

import java.util.HashMap;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * One row per label: {@code on} in the column of the class equal to it, {@code off} elsewhere. The
 * classes are indexed once, when the kernel is built, and must be distinct; floating labels compare as numbers (NaN equals
 * no class, −0 equals 0), integers and booleans exactly, strings by value.
 */
public final class ClassIndicatorKernel implements Kernel {
    private final Map<Object, Integer> columns = new HashMap<>();
    private final DType dtype;
    private final int classCount;
    private final double off;
    private final double on;

    public ClassIndicatorKernel(Node node, Tensor classes, Tensor values) {
        this.dtype = classes.dtype();
        this.classCount = Math.toIntExact(classes.elementCount());
        this.off = values.getDouble(0);
        this.on = values.getDouble(1);
        for (int k = 0; k < classCount; k++) {
            Object key = key(classes, k);
            if (key != null && columns.put(key, k) != null) {
                throw new InvalidModelException("node '" + node.name() + "' (ClassIndicator): class " + key + " is listed twice");
            }
        }
    }

    /** The lookup key of element {@code i}; null for a NaN, which matches nothing. */
    private Object key(Tensor t, long i) {
        return switch (dtype) {
            case STRING -> t.string(i);
            case FLOAT32, FLOAT64 -> {
                double v = t.getDouble(i);
                yield Double.isNaN(v) ? null : v + 0.0;
            }
            default -> t.getLong(i);
        };
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor labels = in[0];
        Tensor y = out[0];
        long rows = labels.elementCount();
        for (long i = 0; i < rows; i++) {
            long base = i * classCount;
            for (int k = 0; k < classCount; k++) {
                y.setDouble(base + k, off);
            }
            Object key = key(labels, i);
            Integer k = key == null ? null : columns.get(key);
            if (k != null) {
                y.setDouble(base + k, on);
            }
        }
    }
}
