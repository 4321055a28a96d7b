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
        d.put("operators", model.session().operatorCounts());
        d.put("file", Descriptions.container(model.file()));
        return Json.write(d);
    }

    /**
     * Runs the model on {@code rows} rows. Numeric inputs and outputs are C-contiguous native memory
     * of the declared dtype. Each is given in its buffers array as two longs, its address then its
     * length in bytes, and the length must cover the shape and dtype the engine reads or writes
     * there (addresses and lengths share one array because each array Python builds for a call
     * costs it about a microsecond). An output whose address is 0 (strings always) comes back in the
     * returned array at its index, the other entries are null.
     */
    public String[][] run(String[] inputNames, long[] inputBuffers, long rows, String[] outputNames, long[] outputBuffers) {
        return run(inputNames, inputBuffers, new long[2 * inputNames.length], rows, outputNames, outputBuffers);
    }

    /**
     * As {@link #run(String[], long[], long, String[], long[])}, with string inputs: for a string
     * input, {@code textBuffers} holds the address and byte length of its values in row-major
     * order, UTF-8, each followed by a NUL byte (so the text crosses as bytes, which Java decodes
     * an order of magnitude faster than a Python string converts into a Java one), and its buffer
     * is a byte mask, one byte per value: 1 where the value is missing as NaN (read as null), 2
     * where it is Python's None (read as {@link Tensor#NONE}), 0 elsewhere; or address 0 when
     * nothing is missing. Numeric inputs have address 0 there.
     */
    public String[][] run(String[] inputNames, long[] inputBuffers, long[] textBuffers, long rows, String[] outputNames,
                          long[] outputBuffers) {
        if (inputBuffers.length != 2L * inputNames.length || textBuffers.length != 2L * inputNames.length
                || outputBuffers.length != 2L * outputNames.length) {
            throw new InvalidInputException("names, buffers (an address and a length each) and texts differ in number");
        }
        if (rows < 0) {
            throw new InvalidInputException("the number of rows must not be negative, got " + rows);
        }
        Map<String, Tensor> in = new HashMap<>();
        for (int i = 0; i < inputNames.length; i++) {
            ValueInfo v = inputs.get(inputNames[i]);
            if (v == null) {
                throw new InvalidInputException("'" + inputNames[i] + "' is not an input of this model; inputs: " + inputs.keySet());
            }
            long address = inputBuffers[2 * i];
            long length = inputBuffers[2 * i + 1];
            in.put(v.name(), v.dtype() == DType.STRING ? strings(v, rows, textBuffers[2 * i], textBuffers[2 * i + 1], address, length)
                    : wrap("input", v, rows, address, length));
        }
        Map<String, Tensor> bound = new HashMap<>();
        for (int i = 0; i < outputNames.length; i++) {
            ValueInfo v = outputs.get(outputNames[i]);
            if (v == null) {
                throw new InvalidInputException("'" + outputNames[i] + "' is not an output of this model; outputs: " + outputs.keySet());
            }
            if (outputBuffers[2 * i] != 0) {
                bound.put(v.name(), wrap("output", v, rows, outputBuffers[2 * i], outputBuffers[2 * i + 1]));
            }
        }
        Map<String, Tensor> result = model.session().run(in, bound, java.util.Arrays.asList(outputNames));
        String[][] strings = new String[outputNames.length][];
        for (int i = 0; i < outputNames.length; i++) {
            Tensor t = result.get(outputNames[i]);
            if (t.dtype() == DType.STRING) {
                strings[i] = org.mleruntime.ir.Tensors.toStrings(t);
            } else if (outputBuffers[2 * i] == 0) {
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

    private static Tensor strings(ValueInfo v, long rows, long textAddress, long textLength, long missingMask, long maskLength) {
        Shape shape = v.shape().withRows(rows);
        long elements = elementCount("input", v, shape);
        if (elements > Integer.MAX_VALUE) {
            throw tooLarge("input", v, shape);
        }
        int count = (int) elements;
        if (textAddress == 0 && count > 0) {
            throw new InvalidInputException("input '" + v.name() + "' holds strings; it was given no text");
        }
        if (textLength > Integer.MAX_VALUE - 16) {
            throw new InvalidInputException("input '" + v.name() + "' holds " + textLength + " bytes of text, more than one call takes "
                    + "(2 GiB); pass fewer rows at a time");
        }
        byte[] text = textAddress == 0 ? new byte[0]
                : MemorySegment.ofAddress(textAddress).reinterpret(textLength).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        String[] values = new String[count];
        int start = 0;
        for (int i = 0; i < count; i++) {
            int end = start;
            while (end < text.length && text[end] != 0) {
                end++;
            }
            if (end == text.length) {
                throw new InvalidInputException("input '" + v.name() + "' needs " + count + " values, got " + i);
            }
            values[i] = new String(text, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
            start = end + 1;
        }
        if (start != text.length) {
            throw new InvalidInputException("input '" + v.name() + "' was given more than its " + count + " values");
        }
        if (missingMask != 0 && count > 0) {
            if (maskLength < count) {
                throw new InvalidInputException("input '" + v.name() + "' has " + count + " values; its missing-value mask holds only "
                        + maskLength + " bytes");
            }
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

    /** The buffer at {@code address} as a tensor of {@code v}'s dtype and shape, once its length is known to cover them. */
    private static Tensor wrap(String role, ValueInfo v, long rows, long address, long length) {
        Shape shape = v.shape().withRows(rows);
        long bytes;
        try {
            bytes = Math.multiplyExact(elementCount(role, v, shape), (long) v.dtype().byteSize());
        } catch (ArithmeticException e) {
            throw tooLarge(role, v, shape);
        }
        if (address == 0 && bytes > 0) {
            throw new InvalidInputException(role + " '" + v.name() + "' was given a null buffer");
        }
        if (length < bytes) {
            throw new InvalidInputException(role + " '" + v.name() + "' needs " + bytes + " bytes (" + v.dtype().label() + " " + shape
                    + "); its buffer holds " + length);
        }
        return Tensor.numeric(v.dtype(), shape, MemorySegment.ofAddress(address).reinterpret(bytes));
    }

    private static long elementCount(String role, ValueInfo v, Shape shape) {
        try {
            return shape.elementCount();
        } catch (ArithmeticException e) {
            throw tooLarge(role, v, shape);
        }
    }

    private static InvalidInputException tooLarge(String role, ValueInfo v, Shape shape) {
        return new InvalidInputException(role + " '" + v.name() + "' of shape " + shape + " has more elements than one call can take");
    }

    @Override
    public void close() {
        model.close();
    }
}
