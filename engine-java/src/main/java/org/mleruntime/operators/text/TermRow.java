package org.mleruntime.operators.text;

import java.util.Arrays;

/**
 * One document's terms as scikit-learn's sparse row holds them: the columns some term reached,
 * each once, with its value, in increasing column order once {@link #sort} has run. A table of the
 * columns seen (open addressing, cleared column by column) finds a column's entry in constant time
 * however wide the vocabulary, so a document costs its own terms and never the vocabulary's width.
 * Not thread-safe: a kernel makes one per call.
 */
final class TermRow {
    private static final int EMPTY = -1;

    private int[] table = emptyTable(64);
    private int[] columns = new int[16];
    private double[] values = new double[16];
    private int[] tableSlots = new int[16];
    private long[] order = new long[16];
    // Where sort() writes the reordered entries before swapping them in: no allocation per document.
    private double[] spareValues = new double[16];
    private int[] spareSlots = new int[16];
    private int size;

    private static int[] emptyTable(int length) {
        int[] t = new int[length];
        Arrays.fill(t, EMPTY);
        return t;
    }

    void clear() {
        for (int e = 0; e < size; e++) {
            table[tableSlots[e]] = EMPTY;
        }
        size = 0;
    }

    /** Adds {@code delta} to the column's value, or sets it to 1 under {@code binary}. */
    void add(int column, double delta, boolean binary) {
        int s = slot(column);
        int entry = table[s];
        if (entry == EMPTY) {
            if (size == columns.length) {
                grow();
                s = slot(column);
            }
            entry = size++;
            table[s] = entry;
            tableSlots[entry] = s;
            columns[entry] = column;
            values[entry] = 0.0;
        }
        values[entry] = binary ? 1.0 : values[entry] + delta;
    }

    /** The table slot holding {@code column}, or the empty slot where it would go. */
    private int slot(int column) {
        int mask = table.length - 1;
        int s = (column * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
        while (table[s] != EMPTY && columns[table[s]] != column) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private void grow() {
        columns = Arrays.copyOf(columns, size * 2);
        values = Arrays.copyOf(values, size * 2);
        tableSlots = new int[size * 2];
        order = new long[size * 2];
        spareValues = new double[size * 2];
        spareSlots = new int[size * 2];
        table = emptyTable(table.length * 2);
        for (int e = 0; e < size; e++) {
            int s = slot(columns[e]);
            table[s] = e;
            tableSlots[e] = s;
        }
    }

    /** Puts the entries in increasing column order, the order of scikit-learn's sorted indices. */
    void sort() {
        for (int e = 0; e < size; e++) {
            order[e] = (long) columns[e] << 32 | e;
        }
        Arrays.sort(order, 0, size);
        for (int e = 0; e < size; e++) {
            int from = (int) order[e];
            spareValues[e] = values[from];
            spareSlots[e] = tableSlots[from];
        }
        double[] oldValues = values;
        values = spareValues;
        spareValues = oldValues;
        int[] oldSlots = tableSlots;
        tableSlots = spareSlots;
        spareSlots = oldSlots;
        for (int e = 0; e < size; e++) {
            columns[e] = (int) (order[e] >>> 32);
            table[tableSlots[e]] = e;
        }
    }

    int size() {
        return size;
    }

    int column(int entry) {
        return columns[entry];
    }

    double value(int entry) {
        return values[entry];
    }

    void setValue(int entry, double value) {
        values[entry] = value;
    }
}
