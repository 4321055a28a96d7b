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
    private final ColumnSignature signature;
    private final List<ColumnSignature.Output> outputs;
    private final List<String> outputNames;
    private final DataType[] argumentTypes;
    private final List<String> argumentNames;
    private final boolean vector;
    private final int capacity;
    private final Arena arena = Arena.ofConfined();
    private final Map<String, MemorySegment> numeric = new LinkedHashMap<>();
    private final Map<String, String[]> text = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> categoryPositions = new HashMap<>();
    private final Set<String> nullColumns = new LinkedHashSet<>();
    private int rows;

    public BatchScorer(SharedModels.Model model, String method, List<String> argumentNames, DataType[] argumentTypes, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + capacity);
        }
        this.model = model;
        this.signature = model.signature();
        this.outputs = signature.outputs(method);
        this.outputNames = outputs.stream().map(ColumnSignature.Output::name).toList();
        this.argumentTypes = argumentTypes.clone();
        this.argumentNames = List.copyOf(argumentNames);
        this.vector = signature.readsVector(this.argumentNames, List.of(argumentTypes));
        this.capacity = capacity;
        for (ColumnSignature.Feature f : signature.features()) {
            if (f.isText()) {
                text.put(f.input(), new String[capacity]);
            } else if (!numeric.containsKey(f.input())) {
                long width = signature.layout() == ColumnSignature.Layout.MATRIX ? signature.features().size() : 1;
                numeric.put(f.input(), arena.allocate(capacity * width * f.dtype().byteSize(), 8));
            }
            if (f.categories() != null) {
                Map<String, Integer> positions = new HashMap<>();
                for (int i = 0; i < f.categories().size(); i++) {
                    positions.putIfAbsent(f.categories().get(i), i);
                }
                categoryPositions.put(f.name(), positions);
            }
        }
    }

    public boolean full() {
        return rows == capacity;
    }

    public int rows() {
        return rows;
    }

    /** Adds one row, given as the values of the argument columns in the model's feature order. */
    public void add(InternalRow arguments) {
        if (vector) {
            addVector(arguments);
        } else {
            List<ColumnSignature.Feature> features = signature.features();
            for (int j = 0; j < features.size(); j++) {
                ColumnSignature.Feature f = features.get(j);
                if (f.isText()) {
                    text.get(f.input())[rows] = arguments.isNullAt(j) ? null : arguments.getUTF8String(j).toString();
                } else {
                    write(f, j, valueAt(arguments, j, f));
                }
            }
        }
        rows++;
    }

    private void addVector(InternalRow arguments) {
        List<ColumnSignature.Feature> features = signature.features();
        int n = features.size();
        if (arguments.isNullAt(0)) {
            throw new InvalidInputException("column '" + argumentNames.getFirst() + "' is null in a row; the model needs its " + n + " values");
        }
        DataType t = argumentTypes[0];
        if (t instanceof VectorUDT udt) {
            Vector v = udt.deserialize(arguments.getStruct(0, udt.sqlType().size()));
            checkWidth(v.size(), n);
            for (int i = 0; i < n; i++) {
                write(features.get(i), i, v.apply(i));
            }
        } else {
            ArrayData values = arguments.getArray(0);
            checkWidth(values.numElements(), n);
            DataType element = ((org.apache.spark.sql.types.ArrayType) t).elementType();
            for (int i = 0; i < n; i++) {
                write(features.get(i), i, values.isNullAt(i) ? Double.NaN : number(values, i, element));
            }
        }
    }

    private void checkWidth(int got, int n) {
        if (got != n) {
            throw new InvalidInputException("column '" + argumentNames.getFirst() + "' holds " + got + " values in a row; the model takes " + n);
        }
    }

    private double valueAt(InternalRow row, int j, ColumnSignature.Feature f) {
        if (row.isNullAt(j)) {
            nullColumns.add(argumentNames.get(j));
            return Double.NaN;
        }
        if (argumentTypes[j] instanceof StringType) {
            Integer position = categoryPositions.get(f.name()).get(row.getUTF8String(j).toString());
            return position == null ? Double.NaN : position;
        }
        return number(row, j, argumentTypes[j]);
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

    private void write(ColumnSignature.Feature f, int position, double value) {
        MemorySegment buffer = numeric.get(f.input());
        long index = signature.layout() == ColumnSignature.Layout.MATRIX ? (long) rows * signature.features().size() + position : rows;
        switch (f.dtype()) {
            case FLOAT64 -> buffer.setAtIndex(Tensor.F64, index, value);
            case FLOAT32 -> buffer.setAtIndex(Tensor.F32, index, (float) value);
            case INT64 -> buffer.setAtIndex(Tensor.I64, index, integral(f, value));
            case INT32 -> buffer.setAtIndex(Tensor.I32, index, Math.toIntExact(integral(f, value)));
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
