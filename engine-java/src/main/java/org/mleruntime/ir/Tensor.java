package org.mleruntime.ir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A tensor with a concrete shape. Numeric elements live in a {@link MemorySegment} (a slice of the
 * mapped file, a caller's buffer or a run's scratch arena) in little-endian, row-major order;
 * string elements live in a heap array window {@code strings[stringOffset ..]}.
 */
public final class Tensor {
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The string element that stands for Python's None, which scikit-learn tells apart from NaN (null
     * here) in string columns: the one-character string NUL, which no string input from Python can
     * hold otherwise.
     */
    public static final String NONE = "\u0000";

    private final DType dtype;
    private final Shape shape;
    private final MemorySegment data;
    private final String[] strings;
    private final int stringOffset;

    private Tensor(DType dtype, Shape shape, MemorySegment data, String[] strings, int stringOffset) {
        if (shape.isBatched()) {
            throw new IllegalArgumentException("a tensor needs a concrete shape, got " + shape);
        }
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.strings = strings;
        this.stringOffset = stringOffset;
    }

    public static Tensor numeric(DType dtype, Shape shape, MemorySegment data) {
        if (!dtype.isNumeric()) {
            throw new IllegalArgumentException("numeric tensor cannot have dtype " + dtype.label());
        }
        long expected = shape.elementCount() * dtype.byteSize();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor of " + dtype.label() + shape + " needs " + expected + " bytes, got " + data.byteSize());
        }
        return new Tensor(dtype, shape, data, null, 0);
    }

    public static Tensor strings(Shape shape, String[] values, int offset) {
        if (offset < 0 || offset + shape.elementCount() > values.length) {
            throw new IllegalArgumentException("string window " + offset + "+" + shape.elementCount() + " exceeds " + values.length + " values");
        }
        return new Tensor(DType.STRING, shape, null, values, offset);
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long elementCount() {
        return shape.elementCount();
    }

    public MemorySegment data() {
        if (data == null) {
            throw new IllegalStateException("string tensors have no numeric data");
        }
        return data;
    }

    public String string(long index) {
        return strings[Math.toIntExact(stringOffset + index)];
    }

    public void setString(long index, String value) {
        strings[Math.toIntExact(stringOffset + index)] = value;
    }

    /** Element {@code index} widened to double; for generic, non-hot kernels. */
    public double getDouble(long index) {
        return switch (dtype) {
            case FLOAT64 -> data.getAtIndex(F64, index);
            case FLOAT32 -> data.getAtIndex(F32, index);
            case INT64 -> data.getAtIndex(I64, index);
            case INT32 -> data.getAtIndex(I32, index);
            case BOOL -> data.get(ValueLayout.JAVA_BYTE, index) != 0 ? 1.0 : 0.0;
            case FLOAT16 -> Float.float16ToFloat(data.getAtIndex(F16, index));
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, index);
            case STRING -> throw new IllegalStateException("string tensor read as number");
        };
    }

    public long getLong(long index) {
        return switch (dtype) {
            case INT64 -> data.getAtIndex(I64, index);
            case INT32 -> data.getAtIndex(I32, index);
            case BOOL -> data.get(ValueLayout.JAVA_BYTE, index) != 0 ? 1 : 0;
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, index);
            case FLOAT64, FLOAT32, FLOAT16 -> (long) getDouble(index);
            case STRING -> throw new IllegalStateException("string tensor read as number");
        };
    }

    /** Stores {@code value} converted to this tensor's dtype (floats truncate toward zero for integers, as a C cast). */
    public void setDouble(long index, double value) {
        switch (dtype) {
            case FLOAT64 -> data.setAtIndex(F64, index, value);
            case FLOAT32 -> data.setAtIndex(F32, index, (float) value);
            case INT64 -> data.setAtIndex(I64, index, (long) value);
            case INT32 -> data.setAtIndex(I32, index, (int) value);
            case BOOL -> data.set(ValueLayout.JAVA_BYTE, index, value != 0 ? (byte) 1 : (byte) 0);
            case FLOAT16 -> data.setAtIndex(F16, index, Float.floatToFloat16((float) value));
            case INT8 -> data.set(ValueLayout.JAVA_BYTE, index, (byte) value);
            case STRING -> throw new IllegalStateException("string tensor written as number");
        }
    }

    public void setLong(long index, long value) {
        switch (dtype) {
            case INT64 -> data.setAtIndex(I64, index, value);
            case INT32 -> data.setAtIndex(I32, index, (int) value);
            case INT8 -> data.set(ValueLayout.JAVA_BYTE, index, (byte) value);
            case BOOL -> data.set(ValueLayout.JAVA_BYTE, index, value != 0 ? (byte) 1 : (byte) 0);
            default -> setDouble(index, value);
        }
    }

    /** Rows {@code [from, from + count)} of a tensor whose first dimension is rows. */
    public Tensor rows(long from, long count) {
        long[] d = shape.dims();
        long perRow = shape.elementsPerRow();
        d[0] = count;
        if (dtype == DType.STRING) {
            return new Tensor(dtype, new Shape(d), null, strings, Math.toIntExact(stringOffset + from * perRow));
        }
        long rowBytes = perRow * dtype.byteSize();
        return new Tensor(dtype, new Shape(d), data.asSlice(from * rowBytes, count * rowBytes), null, 0);
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype.label() + shape + ")";
    }
}
