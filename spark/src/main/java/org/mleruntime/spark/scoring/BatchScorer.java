package org.mleruntime.spark.scoring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;
import org.mleruntime.InvalidInputException;
import org.mleruntime.MleException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Scores rows in batches: each row's argument values (one per feature column, or one array or
 * vector) are written straight into the engine's input memory, a full batch runs as one call, and
 * each row gets back its method's result as a column value. Not thread-safe: one per task.
 */
public final class BatchScorer implements AutoCloseable {
    private final SharedModels.Model model;
    private final List<ColumnSignature.Output> outputs;
    private final List<String> outputNames;
    private final DataType[] argumentTypes;
    private final List<String> argumentNames;
    private final int[] ordinals;
    private final boolean vector;
    private final int capacity;
    private final Arena arena = Arena.ofConfined();
    private final Slot[] slots;
    private final Map<String, MemorySegment> numeric = new LinkedHashMap<>();
    private final Map<String, String[]> text = new LinkedHashMap<>();
    private final Set<String> nullColumns = new LinkedHashSet<>();
    private int rows;

    /**
     * Where feature values go: element {@code rows × stride + offset} of {@code buffer}, or entry
     * {@code rows} of {@code text}; a string column's value is looked up in {@code categories}.
     */
    private record Slot(ColumnSignature.Feature feature, MemorySegment buffer, long stride, long offset, String[] text,
                        Map<String, Integer> categories) {
    }

    /**
     * @param ordinals where argument {@code j} (the model's feature {@code j}, or its one array or
     *     vector column) is in the rows given to {@link #add}
     */
    public BatchScorer(SharedModels.Model model, String method, List<String> argumentNames, DataType[] argumentTypes, int[] ordinals,
                       int capacity) {
        ColumnSignature signature = model.signature();
        signature.checkBatchSize(capacity);
        this.model = model;
        this.outputs = signature.outputs(method);
        this.outputNames = outputs.stream().map(ColumnSignature.Output::name).toList();
        this.argumentTypes = argumentTypes.clone();
        this.argumentNames = List.copyOf(argumentNames);
        this.ordinals = ordinals.clone();
        this.vector = signature.readsVector(this.argumentNames, List.of(argumentTypes));
        this.capacity = capacity;
        List<ColumnSignature.Feature> features = signature.features();
        boolean matrix = signature.layout() == ColumnSignature.Layout.MATRIX;
        slots = new Slot[features.size()];
        for (int j = 0; j < slots.length; j++) {
            ColumnSignature.Feature f = features.get(j);
            if (f.isText()) {
                slots[j] = new Slot(f, null, 0, 0, text.computeIfAbsent(f.input(), input -> new String[capacity]), null);
                continue;
            }
            long width = matrix ? features.size() : 1;
            MemorySegment buffer = numeric.computeIfAbsent(f.input(), input -> arena.allocate(capacity * width * f.dtype().byteSize(), 8));
            Map<String, Integer> positions = null;
            if (f.categories() != null) {
                positions = new HashMap<>();
                for (int i = 0; i < f.categories().size(); i++) {
                    positions.putIfAbsent(f.categories().get(i), i);
                }
            }
            slots[j] = new Slot(f, buffer, width, matrix ? j : 0, null, positions);
        }
    }

    public boolean full() {
        return rows == capacity;
    }

    public int rows() {
        return rows;
    }

    /** Adds one row, whose argument values are at the ordinals this scorer was made with. */
    public void add(InternalRow row) {
        if (vector) {
            addVector(row);
        } else {
            for (int j = 0; j < slots.length; j++) {
                Slot slot = slots[j];
                int at = ordinals[j];
                if (slot.text() != null) {
                    slot.text()[rows] = row.isNullAt(at) ? null : row.getUTF8String(at).toString();
                } else {
                    write(slot, valueAt(row, j, slot));
                }
            }
        }
        rows++;
    }

    private void addVector(InternalRow row) {
        int n = slots.length;
        int at = ordinals[0];
        if (row.isNullAt(at)) {
            throw new InvalidInputException("column '" + argumentNames.getFirst() + "' is null in a row; the model needs its " + n + " values");
        }
        DataType t = argumentTypes[0];
        if (t instanceof VectorUDT udt) {
            Vector v = udt.deserialize(row.getStruct(at, udt.sqlType().size()));
            checkWidth(v.size(), n);
            for (int i = 0; i < n; i++) {
                write(slots[i], v.apply(i));
            }
        } else {
            ArrayData values = row.getArray(at);
            checkWidth(values.numElements(), n);
            DataType element = ((org.apache.spark.sql.types.ArrayType) t).elementType();
            for (int i = 0; i < n; i++) {
                write(slots[i], values.isNullAt(i) ? Double.NaN : number(values, i, element));
            }
        }
    }

    private void checkWidth(int got, int n) {
        if (got != n) {
            throw new InvalidInputException("column '" + argumentNames.getFirst() + "' holds " + got + " values in a row; the model takes " + n);
        }
    }

    private double valueAt(InternalRow row, int j, Slot slot) {
        int at = ordinals[j];
        if (row.isNullAt(at)) {
            nullColumns.add(argumentNames.get(j));
            return Double.NaN;
        }
        if (argumentTypes[j] instanceof StringType) {
            Integer position = slot.categories().get(row.getUTF8String(at).toString());
            return position == null ? Double.NaN : position;
        }
        return number(row, at, argumentTypes[j]);
    }

    private static double number(org.apache.spark.sql.catalyst.expressions.SpecializedGetters row, int j, DataType t) {
        return switch (t) {
            case DoubleType ignored -> row.getDouble(j);
            case FloatType ignored -> row.getFloat(j);
            case LongType ignored -> row.getLong(j);
            case IntegerType ignored -> row.getInt(j);
            case ShortType ignored -> row.getShort(j);
            case ByteType ignored -> row.getByte(j);
            case BooleanType ignored -> row.getBoolean(j) ? 1 : 0;
            case DecimalType d -> row.getDecimal(j, d.precision(), d.scale()).toDouble();
            default -> throw new MleException("a column of type " + t.simpleString() + " is not a number");
        };
    }

    private void write(Slot slot, double value) {
        long index = rows * slot.stride() + slot.offset();
        ColumnSignature.Feature f = slot.feature();
        switch (f.dtype()) {
            case FLOAT64 -> slot.buffer().setAtIndex(Tensor.F64, index, value);
            case FLOAT32 -> slot.buffer().setAtIndex(Tensor.F32, index, (float) value);
            case INT64 -> slot.buffer().setAtIndex(Tensor.I64, index, integral(f, value));
            case INT32 -> slot.buffer().setAtIndex(Tensor.I32, index, Math.toIntExact(integral(f, value)));
            default -> throw new MleException("the model's input '" + f.input() + "' is " + f.dtype().label() + ", which no column fills");
        }
    }

    private long integral(ColumnSignature.Feature f, double value) {
        if (value != Math.rint(value)) {
            throw new InvalidInputException("the model's input '" + f.input() + "' takes integers; got " + value);
        }
        return (long) value;
    }

    /** Runs the rows added since the last call; the result of row i is at index i. */
    public Object[] score() {
        int n = rows;
        Object[] results = new Object[n];
        if (n == 0) {
            return results;
        }
        Map<String, Tensor> inputs = new HashMap<>();
        for (ValueInfo v : model.session().inputs()) {
            MemorySegment buffer = numeric.get(v.name());
            Shape shape = v.shape().withRows(n);
            inputs.put(v.name(), buffer != null
                    ? Tensor.numeric(v.dtype(), shape, buffer.asSlice(0, shape.elementCount() * v.dtype().byteSize()))
                    : Tensor.strings(shape, text.get(v.name()), 0));
        }
        Map<String, Tensor> out;
        try {
            out = model.session().run(inputs, Map.of(), outputNames);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage() + (nullColumns.isEmpty() ? ""
                    : " (a null in a numeric column reaches the model as NaN; these columns had nulls: " + String.join(", ", nullColumns) + ")"));
        } finally {
            rows = 0;
            nullColumns.clear();
            text.values().forEach(values -> java.util.Arrays.fill(values, 0, n, null));
        }
        Object[][] columns = new Object[outputs.size()][];
        for (int k = 0; k < outputs.size(); k++) {
            columns[k] = columnValues(outputs.get(k), out.get(outputs.get(k).name()), n);
        }
        for (int i = 0; i < n; i++) {
            if (columns.length == 1) {
                results[i] = columns[0][i];
            } else {
                Object[] fields = new Object[columns.length];
                for (int k = 0; k < columns.length; k++) {
                    fields[k] = columns[k][i];
                }
                results[i] = new GenericInternalRow(fields);
            }
        }
        return results;
    }

    private static Object[] columnValues(ColumnSignature.Output v, Tensor t, int n) {
        Object[] values = new Object[n];
        int width = v.rank() == 1 ? 0 : Math.toIntExact(t.shape().dim(1));
        for (int i = 0; i < n; i++) {
            values[i] = width == 0 ? scalar(v.dtype(), t, i) : array(v.dtype(), t, (long) i * width, width);
        }
        return values;
    }

    private static Object scalar(DType dtype, Tensor t, long index) {
        return switch (dtype) {
            case STRING -> string(t.string(index));
            case BOOL -> t.getLong(index) != 0;
            case INT32, INT64, INT8 -> t.getLong(index);
            default -> t.getDouble(index);
        };
    }

    private static ArrayData array(DType dtype, Tensor t, long start, int width) {
        switch (dtype) {
            case STRING, BOOL -> {
                Object[] values = new Object[width];
                for (int j = 0; j < width; j++) {
                    values[j] = scalar(dtype, t, start + j);
                }
                return new GenericArrayData(values);
            }
            case INT32, INT64, INT8 -> {
                long[] values = new long[width];
                for (int j = 0; j < width; j++) {
                    values[j] = t.getLong(start + j);
                }
                return UnsafeArrayData.fromPrimitiveArray(values);
            }
            default -> {
                double[] values = new double[width];
                for (int j = 0; j < width; j++) {
                    values[j] = t.getDouble(start + j);
                }
                return UnsafeArrayData.fromPrimitiveArray(values);
            }
        }
    }

    private static UTF8String string(String value) {
        return value == null || value.equals(Tensor.NONE) ? null : UTF8String.fromString(value);
    }

    @Override
    public void close() {
        arena.close();
    }
}
