package org.mleruntime.ir;

import java.lang.foreign.MemorySegment;

/** Builds tensors from Java arrays and reads them back, for callers of the Java API and for tests. */
public final class Tensors {
    private Tensors() {}

    /**
     * A zero-filled tensor in heap memory. Heap segments over {@code byte[]} cost no more than the array,
     * and kernels (the Vector API ones included) read them as they read native memory.
     */
    public static Tensor zeros(DType dtype, Shape shape) {
        if (dtype == DType.STRING) {
            return Tensor.strings(shape, new String[Math.toIntExact(shape.elementCount())], 0);
        }
        return Tensor.numeric(dtype, shape, MemorySegment.ofArray(new byte[Math.toIntExact(shape.elementCount() * dtype.byteSize())]));
    }

    /** A float64 tensor of shape [rows.length, rows[0].length]. */
    public static Tensor of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        MemorySegment s = zeros(DType.FLOAT64, Shape.of(rows.length, cols)).data();
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
        Tensor t = zeros(dtype, shape);
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
