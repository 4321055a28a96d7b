package org.mleruntime.operators.preprocessing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * CategoryMap: per column, a lookup from category to key index (a hash map for strings, a sorted
 * array searched by bisection for numbers, where −0.0 equals 0.0), built once when the session is
 * built; each value then costs one lookup and {@code width} copies of its codes. A missing value
 * (NaN: null or NaN; Python's None: {@link Tensor#NONE}) has a key of its own, or none.
 */
public final class CategoryMapKernel implements Kernel {
    private static final int NOT_FOUND = -1;
    private static final int SHOWN_CATEGORIES = 10;
    private static final String MISSING = "NaN";
    private static final String NONE = "None";

    private final boolean strings;
    private final int features;
    private final int width;
    private final long[] offsets;
    private final double[] codes;
    private final double[] unknownCodes;
    private final long[] missingKeys;
    private final long[] noneKeys;
    private final List<Map<String, Integer>> stringKeys;
    private final double[][] sortedKeys;
    private final int[][] sortedIndex;
    private final Tensor keys;
    private final List<String> columnNames;

    public CategoryMapKernel(Node node, List<Tensor> constants) {
        keys = constants.get(1);
        strings = keys.dtype() == DType.STRING;
        Tensor offsetTensor = constants.get(3);
        features = Math.toIntExact(offsetTensor.elementCount() - 1);
        offsets = new long[features + 1];
        Arrays.setAll(offsets, offsetTensor::getLong);
        width = Math.toIntExact(node.intAttr("width", 1));
        Tensor codeTensor = constants.get(2);
        codes = new double[Math.toIntExact(codeTensor.elementCount())];
        Arrays.setAll(codes, codeTensor::getDouble);
        unknownCodes = node.stringAttr("on_unknown", "error").equals("code") ? node.floatsAttr("unknown_codes", null) : null;
        missingKeys = ColumnAttributes.ints(node, "missing_keys", features, -1);
        noneKeys = ColumnAttributes.ints(node, "none_keys", features, -1);
        columnNames = ColumnAttributes.names(node, features);
        stringKeys = strings ? IntStream.range(0, features).mapToObj(this::stringLookup).toList() : null;
        sortedKeys = new double[strings ? 0 : features][];
        sortedIndex = new int[strings ? 0 : features][];
        for (int j = 0; !strings && j < features; j++) {
            numericLookup(j);
        }
    }


    private Map<String, Integer> stringLookup(int j) {
        Map<String, Integer> lookup = new HashMap<>();
        for (long k = offsets[j]; k < offsets[j + 1]; k++) {
            int local = (int) (k - offsets[j]);
            if (local != missingKeys[j] && local != noneKeys[j] && lookup.put(keys.string(k), local) != null) {
                throw duplicate(j, "'" + keys.string(k) + "'");
            }
        }
        return lookup;
    }

    private void numericLookup(int j) {
        int count = (int) (offsets[j + 1] - offsets[j]);
        Integer[] order = IntStream.range(0, count).filter(k -> k != missingKeys[j] && !Double.isNaN(keys.getDouble(offsets[j] + k)))
                .boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Double.compare(key(j, a), key(j, b)));
        sortedKeys[j] = new double[order.length];
        sortedIndex[j] = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            sortedKeys[j][i] = key(j, order[i]);
            sortedIndex[j][i] = order[i];
            if (i > 0 && sortedKeys[j][i] == sortedKeys[j][i - 1]) {
                throw duplicate(j, number(sortedKeys[j][i]));
            }
        }
    }

    /** Key {@code k} of column {@code j}, with −0.0 read as 0.0 so that the two compare equal. */
    private double key(int j, int k) {
        return keys.getDouble(offsets[j] + k) + 0.0;
    }

    private InvalidModelException duplicate(int j, String key) {
        return new InvalidModelException("CategoryMap: " + columnNames.get(j) + " lists the category " + key + " twice");
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                long element = r * features + j;
                int local = strings ? findString(j, x.string(element)) : findNumber(j, x.getDouble(element));
                long out = element * width;
                if (local >= 0) {
                    long from = (offsets[j] + local) * width;
                    for (int w = 0; w < width; w++) {
                        y.setDouble(out + w, codes[(int) (from + w)]);
                    }
                } else if (unknownCodes != null) {
                    for (int w = 0; w < width; w++) {
                        y.setDouble(out + w, unknownCodes[j * width + w]);
                    }
                } else {
                    throw unknown(j, strings ? quoted(x.string(element)) : number(x.getDouble(element)));
                }
            }
        }
    }

    private int findString(int j, String value) {
        if (value == null) {
            return (int) missingKeys[j];
        }
        if (value.equals(Tensor.NONE)) {
            return (int) noneKeys[j];
        }
        Integer local = stringKeys.get(j).get(value);
        return local == null ? NOT_FOUND : local;
    }

    private int findNumber(int j, double value) {
        if (Double.isNaN(value)) {
            return (int) missingKeys[j];
        }
        int at = Arrays.binarySearch(sortedKeys[j], value + 0.0);
        return at >= 0 ? sortedIndex[j][at] : NOT_FOUND;
    }

    /** The error for a value the model did not see in training, naming the column, the value and what it knows. */
    private InvalidInputException unknown(int j, String value) {
        int count = (int) (offsets[j + 1] - offsets[j]);
        String known = IntStream.range(0, Math.min(count, SHOWN_CATEGORIES)).mapToObj(k -> knownCategory(j, k))
                .collect(Collectors.joining(", ")) + (count > SHOWN_CATEGORIES ? ", … (" + count + " in all)" : "");
        String what = value.equals(MISSING) || value.equals(NONE) ? "a missing value (" + value + ")" : "the category " + value;
        return new InvalidInputException(columnNames.get(j) + " has " + what + ", which the model did not see in training; "
                + "known categories: " + (known.isEmpty() ? "none" : known));
    }

    private String knownCategory(int j, int k) {
        if (k == missingKeys[j]) {
            return MISSING;
        }
        if (k == noneKeys[j]) {
            return NONE;
        }
        return strings ? quoted(keys.string(offsets[j] + k)) : number(keys.getDouble(offsets[j] + k));
    }

    private static String quoted(String s) {
        return s == null ? MISSING : s.equals(Tensor.NONE) ? NONE : "'" + s + "'";
    }

    private static String number(double v) {
        return Double.isNaN(v) ? MISSING : v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
