package org.mleruntime.ir;

import java.util.Arrays;

/**
 * A tensor shape. A dimension of {@link #BATCH} stands for the number of rows given at run time;
 * only the first dimension may be the batch dimension.
 */
public record Shape(long[] dims) {
    public static final long BATCH = -1;

    public Shape {
        dims = dims.clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 && !(i == 0 && dims[i] == BATCH)) {
                throw new IllegalArgumentException("invalid dimension " + dims[i] + " at axis " + i + " of shape " + Arrays.toString(dims));
            }
        }
    }

    public static Shape of(long... dims) {
        return new Shape(dims);
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int axis) {
        return dims[axis];
    }

    public boolean isBatched() {
        return dims.length > 0 && dims[0] == BATCH;
    }

    /** Elements in one row: the product of all dimensions after the first (1 for a rank-1 shape). */
    public long elementsPerRow() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    /** Number of elements; only for shapes without a batch dimension. */
    public long elementCount() {
        if (isBatched()) {
            throw new IllegalStateException("shape " + this + " has a batch dimension");
        }
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** This shape with the batch dimension replaced by {@code rows}. */
    public Shape withRows(long rows) {
        if (!isBatched()) {
            return this;
        }
        long[] d = dims.clone();
        d[0] = rows;
        return new Shape(d);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dims[i] == BATCH ? "N" : Long.toString(dims[i]));
        }
        return b.append(']').toString();
    }
}
