package org.mleruntime.bridge;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mleruntime.InvalidInputException;
import org.mleruntime.MleModel;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * A model opened for Python: one coarse {@link #run} call per prediction that reads numpy memory
 * in place by address and writes numeric outputs straight into numpy arrays the caller allocated.
 */
public final class LoadedModel implements AutoCloseable {
    private final MleModel model;
    private final Map<String, ValueInfo> inputs = new HashMap<>();
    private final Map<String, ValueInfo> outputs = new HashMap<>();

    LoadedModel(MleModel model) {
        this.model = model;
        model.session().inputs().forEach(v -> inputs.put(v.name(), v));
        model.session().outputs().forEach(v -> outputs.put(v.name(), v));
    }

    public String describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("inputs", Descriptions.values(model.session().inputs()));
        d.put("outputs", Descriptions.values(model.session().outputs()));
        d.put("metadata", Descriptions.metadata(model.metadata(), model.graph()));
        d.put("methods", model.metadata().methods());
        d.put("backend", model.session().backendName());
        return Json.write(d);
    }

    /**
     * Runs the model on {@code rows} rows. Numeric inputs and outputs are C-contiguous native memory
     * of the declared dtype; an output whose address is 0 (strings always) comes back in the
     * returned array at its index, the other entries are null.
     */
    public String[][] run(String[] inputNames, long[] inputAddresses, long rows, String[] outputNames, long[] outputAddresses) {
        return run(inputNames, inputAddresses, new String[inputNames.length], rows, outputNames, outputAddresses);
    }

    /**
     * As {@link #run(String[], long[], long, String[], long[])}, with string inputs: for a string
     * input, {@code inputTexts} holds its values in row-major order, each followed by the NUL
     * character (so one Java string crosses from Python per input, not one per value), and its
     * address is that of a byte mask, one byte per value: 1 where the value is missing as NaN (read
     * as null), 2 where it is Python's None (read as {@link Tensor#NONE}), 0 elsewhere; or 0 when
     * nothing is missing. Numeric inputs have a null text.
     */
    public String[][] run(String[] inputNames, long[] inputAddresses, String[] inputTexts, long rows, String[] outputNames,
                          long[] outputAddresses) {
        if (inputNames.length != inputAddresses.length || inputNames.length != inputTexts.length
                || outputNames.length != outputAddresses.length) {
            throw new InvalidInputException("names, addresses and texts differ in number");
        }
        Map<String, Tensor> in = new HashMap<>();
        for (int i = 0; i < inputNames.length; i++) {
            ValueInfo v = inputs.get(inputNames[i]);
            if (v == null) {
                throw new InvalidInputException("'" + inputNames[i] + "' is not an input of this model; inputs: " + inputs.keySet());
            }
            in.put(v.name(), v.dtype() == DType.STRING ? strings(v, rows, inputTexts[i], inputAddresses[i]) : wrap(v, rows, inputAddresses[i]));
        }
        Map<String, Tensor> bound = new HashMap<>();
        for (int i = 0; i < outputNames.length; i++) {
            ValueInfo v = outputs.get(outputNames[i]);
            if (v == null) {
                throw new InvalidInputException("'" + outputNames[i] + "' is not an output of this model; outputs: " + outputs.keySet());
            }
            if (outputAddresses[i] != 0) {
                bound.put(v.name(), wrap(v, rows, outputAddresses[i]));
            }
        }
        Map<String, Tensor> result = model.session().run(in, bound, java.util.Arrays.asList(outputNames));
        String[][] strings = new String[outputNames.length][];
        for (int i = 0; i < outputNames.length; i++) {
            Tensor t = result.get(outputNames[i]);
            if (t.dtype() == DType.STRING) {
                strings[i] = org.mleruntime.ir.Tensors.toStrings(t);
            } else if (outputAddresses[i] == 0) {
                throw new InvalidInputException("output '" + outputNames[i] + "' is numeric and needs a buffer address");
            }
        }
        return strings;
    }

    /**
     * The values joined into one string, each followed by NUL, for Python to split in one call; null
     * when a value is null or itself holds NUL, which Python then converts value by value.
     */
    public static String joinStrings(String[] values) {
        StringBuilder joined = new StringBuilder();
        for (String value : values) {
            if (value == null || value.indexOf('\0') >= 0) {
                return null;
            }
            joined.append(value).append('\0');
        }
        return joined.toString();
    }

    private static Tensor strings(ValueInfo v, long rows, String text, long missingMask) {
        Shape shape = v.shape().withRows(rows);
        int count = Math.toIntExact(shape.elementCount());
        if (text == null) {
            throw new InvalidInputException("input '" + v.name() + "' holds strings; it was given no text");
        }
        String[] values = new String[count];
        int start = 0;
        for (int i = 0; i < count; i++) {
            int end = text.indexOf('\0', start);
            if (end < 0) {
                throw new InvalidInputException("input '" + v.name() + "' needs " + count + " values, got " + i);
            }
            values[i] = text.substring(start, end);
            start = end + 1;
        }
        if (start != text.length()) {
            throw new InvalidInputException("input '" + v.name() + "' was given more than its " + count + " values");
        }
        if (missingMask != 0 && count > 0) {
            MemorySegment mask = MemorySegment.ofAddress(missingMask).reinterpret(count);
            for (int i = 0; i < count; i++) {
                byte kind = mask.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
                if (kind != 0) {
                    values[i] = kind == 2 ? Tensor.NONE : null;
                }
            }
        }
        return Tensor.strings(shape, values, 0);
    }

    private static Tensor wrap(ValueInfo v, long rows, long address) {
        Shape shape = v.shape().withRows(rows);
        long bytes = shape.elementCount() * v.dtype().byteSize();
        if (address == 0 && bytes > 0) {
            throw new InvalidInputException("'" + v.name() + "' was given a null buffer");
        }
        return Tensor.numeric(v.dtype(), shape, MemorySegment.ofAddress(address).reinterpret(bytes));
    }

    @Override
    public void close() {
        model.close();
    }
}
