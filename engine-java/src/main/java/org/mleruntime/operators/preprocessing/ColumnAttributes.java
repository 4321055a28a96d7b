package org.mleruntime.operators.preprocessing;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.mleruntime.ir.Node;

/** Attributes that hold one entry per input column of a node. */
final class ColumnAttributes {
    private ColumnAttributes() {}

    /** The columns' names for error messages: the {@code column_names} attribute, else "column j". */
    static List<String> names(Node node, int columns) {
        return node.stringsAttr("column_names", IntStream.range(0, columns).mapToObj(j -> "column " + j).toList());
    }

    /** The ints attribute {@code key}, or {@code columns} copies of {@code value} when it is absent. */
    static long[] ints(Node node, String key, int columns, long value) {
        if (node.hasAttr(key)) {
            return node.intsAttr(key);
        }
        long[] filled = new long[columns];
        Arrays.fill(filled, value);
        return filled;
    }
}
