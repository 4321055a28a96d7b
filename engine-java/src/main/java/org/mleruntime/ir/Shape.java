package org.mleruntime.ir;

import java.util.Arrays;

/**
 * A tensor shape. A dimension of {@link #BATCH} (−1) is symbolic: its size is known only at run time,
 * and it carries a name ({@code batch}, {@code seq}, …, or {@code ?} when none is known) so that a
 * model's signature can say which dimensions vary together. A symbolic first dimension is the batch
 * of a tabular graph: the number of rows given at run time, {@code N} when unnamed. Fixed
 * dimensions have no name.
 */
public record Shape(long[] dims, String[] symbols) {
    public static final long BATCH = -1;
    /** The name of a symbolic first dimension when none is given. */
    public static final String ROWS = "N";
    /** The name of a symbolic dimension whose relation to the inputs' is not known. */
    public static final String UNKNOWN = "?";

    public Shape {
        dims = dims.clone();
        symbols = symbols == null ? new String[dims.length] : symbols.clone();
        if (symbols.length != dims.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has " + symbols.length + " dimension names");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 && dims[i] != BATCH) {
                throw new IllegalArgumentException("invalid dimension " + dims[i] + " at axis " + i + " of shape " + Arrays.toString(dims));
            }
            if (dims[i] == BATCH && (symbols[i] == null || symbols[i].isEmpty())) {
                symbols[i] = i == 0 ? ROWS : UNKNOWN;
            } else if (dims[i] != BATCH) {
                symbols[i] = null;
            }
        }
    }

    /** A shape whose symbolic dimensions are named by their default names. */
    public Shape(long[] dims) {
        this(dims, null);
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

    /** The name of a symbolic dimension, null for a fixed one. */
    public String symbol(int axis) {
        return symbols[axis];
    }

    public boolean isSymbolic(int axis) {
        return dims[axis] == BATCH;
    }

    public boolean isBatched() {
        return dims.length > 0 && dims[0] == BATCH;
    }

    /** Whether a dimension after the first is symbolic: such a value's size is known only from the concrete inputs of a run. */
    public boolean hasSymbolsBeyondBatch() {
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] == BATCH) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the dimensions' names say more than the default: a symbolic dimension after the first,
     * or a first one named other than {@link #ROWS} (files write the names then, format 1.2).
     */
    public boolean hasNamedSymbols() {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == BATCH && (i > 0 || !symbols[i].equals(ROWS))) {
                return true;
            }
        }
        return false;
    }

    /** Whether every dimension is fixed. */
    public boolean isStatic() {
        return !isBatched() && !hasSymbolsBeyondBatch();
    }

    /** Elements in one row: the product of all dimensions after the first (1 for a rank-1 shape). */
    public long elementsPerRow() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] == BATCH) {
                throw new IllegalStateException("shape " + this + " has a symbolic dimension after the first");
            }
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    /** Number of elements; only for shapes without symbolic dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            if (d == BATCH) {
                throw new IllegalStateException("shape " + this + " has a symbolic dimension");
            }
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
        return new Shape(d, symbols);
    }

    /** This shape with dimension {@code axis} replaced by {@code size} (or made symbolic with {@code symbol} when size is BATCH). */
    public Shape withDim(int axis, long size, String symbol) {
        long[] d = dims.clone();
        String[] s = symbols.clone();
        d[axis] = size;
        s[axis] = size == BATCH ? symbol : null;
        return new Shape(d, s);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public String[] symbols() {
        return symbols.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims) && Arrays.equals(symbols, s.symbols);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(symbols);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dims[i] == BATCH ? symbols[i] : Long.toString(dims[i]));
        }
        return b.append(']').toString();
    }
}
