package org.mleruntime.ir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Builds tensors from Java arrays and reads them back, for callers of the Java API and for tests. */
public final class Tensors {
    private Tensors() {}

    /** A float64 tensor of shape [rows.length, rows[0].length]. */
    public static Tensor of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, (long) rows.length * cols * 8), 64).asSlice(0, (long) rows.length * cols * 8);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
            }
            MemorySegment.copy(rows[r], 0, s, Tensor.F64, (long) r * cols * 8, cols);
        }
        return Tensor.numeric(DType.FLOAT64, Shape.of(rows.length, cols), s);
    }

    /** A tensor of the given dtype and shape whose elements are {@code values} converted. */
    public static Tensor of(DType dtype, Shape shape, double... values) {
        long bytes = shape.elementCount() * dtype.byteSize();
        Tensor t = Tensor.numeric(dtype, shape, Arena.ofAuto().allocate(Math.max(1, bytes), 64).asSlice(0, bytes));
        if (values.length != shape.elementCount()) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
        for (int i = 0; i < values.length; i++) {
            t.setDouble(i, values[i]);
        }
        return t;
    }

    public static Tensor strings(Shape shape, String... values) {
        return Tensor.strings(shape, values.clone(), 0);
    }

    public static double[] toDoubles(Tensor t) {
        double[] out = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getDouble(i);
        }
        return out;
    }

    public static String[] toStrings(Tensor t) {
        String[] out = new String[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.string(i);
        }
        return out;
    }
}
