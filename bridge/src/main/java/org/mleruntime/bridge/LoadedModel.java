package org.mleruntime.bridge;

import java.lang.foreign.Arena;
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
    private final String[] inputOrder;
    private final java.util.List<String[]> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, ValueInfo> inputs = new HashMap<>();
    private final Map<String, ValueInfo> outputs = new HashMap<>();

    LoadedModel(MleModel model) {
        this.model = model;
        model.session().inputs().forEach(v -> inputs.put(v.name(), v));
        inputOrder = model.session().inputs().stream().map(ValueInfo::name).toArray(String[]::new);
        model.session().outputs().forEach(v -> outputs.put(v.name(), v));
    }

    public String describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("inputs", Descriptions.values(model.session().inputs()));
        d.put("outputs", Descriptions.values(model.session().outputs()));
        d.put("metadata", Descriptions.metadata(model.metadata(), model.graph()));
        d.put("methods", model.metadata().methods());
        d.put("backend", model.session().backendName());
        d.put("planned_by_rows", model.session().plannedByRows());
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
     * For a model planned per shape of inputs: the shape of each output in {@code outputNames}, given
     * the numeric inputs with their full shapes ({@code inputShapes[i]}) and buffers (address and
     * length pairs, as in {@link #run(String[], long[], long, String[], long[])}).
     */
    public long[][] outputShapes(String[] inputNames, long[][] inputShapes, long[] inputBuffers, String[] outputNames) {
        Map<String, Shape> shapes = model.session().outputShapes(shapedInputs(inputNames, inputShapes, inputBuffers));
        long[][] out = new long[outputNames.length][];
        for (int i = 0; i < outputNames.length; i++) {
            Shape s = shapes.get(outputNames[i]);
            if (s == null) {
                throw new InvalidInputException("'" + outputNames[i] + "' is not an output of this model; outputs: " + outputs.keySet());
            }
            out[i] = s.dims();
        }
        return out;
    }

    /**
     * Runs a model planned per shape of inputs: numeric inputs and outputs with their full shapes and
     * buffers, outputs shaped as {@link #outputShapes} said.
     */
    public void runShaped(String[] inputNames, long[][] inputShapes, long[] inputBuffers, String[] outputNames, long[][] outputShapes,
                          long[] outputBuffers) {
        Map<String, Tensor> in = shapedInputs(inputNames, inputShapes, inputBuffers);
        if (outputShapes.length != outputNames.length || outputBuffers.length != 2L * outputNames.length) {
            throw new InvalidInputException("output names, shapes and buffers (an address and a length each) differ in number");
        }
        Map<String, Tensor> bound = new HashMap<>();
        for (int i = 0; i < outputNames.length; i++) {
            ValueInfo v = outputs.get(outputNames[i]);
            if (v == null) {
                throw new InvalidInputException("'" + outputNames[i] + "' is not an output of this model; outputs: " + outputs.keySet());
            }
            bound.put(v.name(), wrapShaped("output", v, outputShapes[i], outputBuffers[2 * i], outputBuffers[2 * i + 1]));
        }
        model.session().run(in, bound, java.util.Arrays.asList(outputNames));
    }

    private Map<String, Tensor> shapedInputs(String[] names, long[][] shapes, long[] buffers) {
        if (shapes.length != names.length || buffers.length != 2L * names.length) {
            throw new InvalidInputException("input names, shapes and buffers (an address and a length each) differ in number");
        }
        Map<String, Tensor> in = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            ValueInfo v = inputs.get(names[i]);
            if (v == null) {
                throw new InvalidInputException("'" + names[i] + "' is not an input of this model; inputs: " + inputs.keySet());
            }
            if (v.dtype() == DType.STRING) {
                throw new InvalidInputException("string input '" + v.name() + "' cannot be passed with a shape; this model takes strings by rows");
            }
            in.put(v.name(), wrapShaped("input", v, shapes[i], buffers[2 * i], buffers[2 * i + 1]));
        }
        return in;
    }

    private static Tensor wrapShaped(String role, ValueInfo v, long[] dims, long address, long length) {
        Shape shape;
        try {
            shape = new Shape(dims);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(role + " '" + v.name() + "': " + e.getMessage());
        }
        if (shape.rank() != v.shape().rank() || !shape.isStatic()) {
            throw new InvalidInputException(role + " '" + v.name() + "' must have shape " + v.shape() + ", got " + shape);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(shape.elementCount(), (long) v.dtype().byteSize());
        } catch (ArithmeticException e) {
            throw tooLarge(role, v, shape);
        }
        if (address == 0 && bytes > 0) {
            throw new InvalidInputException(role + " '" + v.name() + "' was given a null buffer");
        }
        if (length != bytes) {
            throw new InvalidInputException(role + " '" + v.name() + "' of " + v.dtype().label() + " " + shape + " needs " + bytes
                    + " bytes; its buffer holds " + length);
        }
        return Tensor.numeric(v.dtype(), shape, MemorySegment.ofAddress(address).reinterpret(bytes));
    }

    /**
     * Warms the model up in the background ({@link MleModel#warmUpInBackground(long, int, long, java.util.function.LongConsumer, Runnable)}),
     * each run through {@link #run(String[], long[], long[], long, String[], long[])} on zeroed
     * native buffers (empty strings for string inputs), so that this class's path is compiled too.
     */
    public void warmUpInBackground(long maxNanos, int maxRuns) {
        if (!model.session().plannedByRows()) {
            return;
        }
        String[] outputNames = outputs.keySet().toArray(String[]::new);
        long batchRows = org.mleruntime.WarmUp.batchRows(model.session().inputs(), model.session().outputs());
        Arena arena = Arena.ofShared();
        long[][] one = syntheticBuffers(arena, 1, outputNames);
        long[][] batch = syntheticBuffers(arena, batchRows, outputNames);
        model.warmUpInBackground(maxNanos, maxRuns, batchRows, rows -> {
            long[][] b = rows == 1 ? one : batch;
            run(inputOrder, b[0], b[1], rows, outputNames, b[2]);
        }, arena::close);
    }

    /** Whether the model's warm-up is queued or running. */
    public boolean warmingUp() {
        return model.warmingUp();
    }

    /** Input, text and output buffers (address, length pairs) of zeros for {@code rows} rows, in {@code arena}. */
    private long[][] syntheticBuffers(Arena arena, long rows, String[] outputNames) {
        long[] in = new long[2 * inputOrder.length];
        long[] texts = new long[2 * inputOrder.length];
        for (int i = 0; i < inputOrder.length; i++) {
            ValueInfo v = inputs.get(inputOrder[i]);
            long elements = v.shape().isBatched() ? v.shape().withRows(rows).elementCount() : v.shape().elementCount();
            if (v.dtype() == DType.STRING) {
                MemorySegment text = arena.allocate(Math.max(1, elements));
                texts[2 * i] = text.address();
                texts[2 * i + 1] = elements;
            } else {
                MemorySegment data = arena.allocate(Math.max(1, elements * v.dtype().byteSize()), 64);
                in[2 * i] = data.address();
                in[2 * i + 1] = elements * v.dtype().byteSize();
            }
        }
        long[] out = new long[2 * outputNames.length];
        for (int j = 0; j < outputNames.length; j++) {
            ValueInfo v = outputs.get(outputNames[j]);
            if (v.dtype() != DType.STRING) {
                long bytes = (v.shape().isBatched() ? v.shape().withRows(rows).elementCount() : v.shape().elementCount()) * v.dtype().byteSize();
                out[2 * j] = arena.allocate(Math.max(1, bytes), 64).address();
                out[2 * j + 1] = bytes;
            }
        }
        return new long[][] {in, texts, out};
    }

    /**
     * Registers a list of outputs (a method's) for {@link #runFrame}, once per list, and returns its
     * handle; unknown names are refused here rather than at each call.
     */
    public int bind(String[] outputNames) {
        for (String name : outputNames) {
            if (!outputs.containsKey(name)) {
                throw new InvalidInputException("'" + name + "' is not an output of this model; outputs: " + outputs.keySet());
            }
        }
        synchronized (bound) {
            bound.add(outputNames.clone());
            return bound.size() - 1;
        }
    }

    /**
     * {@link #run(String[], long[], long[], long, String[], long[])} with every argument but the
     * outputs' names in one native frame of longs, so that a call from Python passes two numbers:
     * the rows; then for each input, in the order of the session's inputs, its buffer's address
     * and length and its text's address and length (zeros for a numeric input); then for each
     * output of {@code handle}, its buffer's address and length. Building Java arrays for each
     * call's arguments costs Python more than the rest of a one-row call. Returns null when no
     * output of the handle is a string.
     */
    public String[][] runFrame(int handle, long frameAddress) {
        if (handle < 0 || handle >= bound.size()) {
            throw new InvalidInputException("no outputs are bound under handle " + handle);
        }
        String[] outputNames = bound.get(handle);
        int in = inputOrder.length;
        long longs = 1 + 4L * in + 2L * outputNames.length;
        MemorySegment frame = MemorySegment.ofAddress(frameAddress).reinterpret(longs * Long.BYTES);
        long[] values = frame.toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
        long[] inputBuffers = new long[2 * in];
        long[] textBuffers = new long[2 * in];
        for (int i = 0; i < in; i++) {
            inputBuffers[2 * i] = values[1 + 4 * i];
            inputBuffers[2 * i + 1] = values[2 + 4 * i];
            textBuffers[2 * i] = values[3 + 4 * i];
            textBuffers[2 * i + 1] = values[4 + 4 * i];
        }
        long[] outputBuffers = java.util.Arrays.copyOfRange(values, 1 + 4 * in, (int) longs);
        String[][] strings = run(inputOrder, inputBuffers, textBuffers, values[0], outputNames, outputBuffers);
        // Null when no output is a string: a Java array returned costs Python a proxy object each call.
        return java.util.Arrays.stream(strings).allMatch(java.util.Objects::isNull) ? null : strings;
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
