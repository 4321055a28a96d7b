package org.mleruntime.exporters.onnx;

import com.google.protobuf.ByteString;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.onnx.proto.TensorProto;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/**
 * Decodes an ONNX {@code TensorProto} into an engine tensor, from {@code raw_data}, the typed
 * fields or external data. The element count comes from the dims and must match, exactly, the
 * number of values or bytes present before anything is allocated, so a crafted file is an error
 * naming the tensor, never a huge allocation or a read past the data.
 */
final class TensorDecoder {
    /** The most bytes one tensor may hold: the engine keeps a decoded tensor in one Java array. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final ExternalData external;

    TensorDecoder(ExternalData external) {
        this.external = external;
    }

    Tensor decode(TensorProto t, String what) {
        if (t.hasSegment()) {
            throw new UnsupportedModelException(what + " is split into segments, which the ONNX importer does not read");
        }
        DType dtype = OnnxTypes.constantDtype(t.getDataType(), what);
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new InvalidModelException(what + " has the negative dimension " + dims[i]);
            }
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw new InvalidModelException(what + " declares more elements than a 64-bit count holds");
            }
        }
        int width = storedWidth(t.getDataType());
        Shape shape = new Shape(dims);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return fromBytes(dtype, shape, t.getDataType(), external.read(t, byteCount(count, width, what)), what);
        }
        if (!t.getExternalDataList().isEmpty()) {
            throw new InvalidModelException(what + " lists external data but its data_location is DEFAULT");
        }
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            long expected = byteCount(count, width, what);
            if (raw.size() != expected) {
                throw new InvalidModelException(what + " of " + OnnxTypes.name(t.getDataType()) + shape + " needs " + expected
                        + " bytes of raw_data, found " + raw.size());
            }
            return fromBytes(dtype, shape, t.getDataType(), raw.toByteArray(), what);
        }
        return fromTypedField(t, dtype, shape, count, what);
    }

    private static long byteCount(long count, int width, String what) {
        if (count > MAX_BYTES / width) {
            throw new UnsupportedModelException(what + " holds " + count + " elements, more than the 2 GiB a tensor may have");
        }
        return count * width;
    }

    /** Bytes per element in raw_data and external data (ONNX's little-endian layout). */
    private static int storedWidth(int code) {
        return switch (TensorProto.DataType.forNumber(code)) {
            case DOUBLE, INT64 -> 8;
            case FLOAT, INT32 -> 4;
            case FLOAT16 -> 2;
            default -> 1;
        };
    }

    private static Tensor fromBytes(DType dtype, Shape shape, int code, byte[] bytes, String what) {
        if (code == TensorProto.DataType.UINT8_VALUE) {
            Tensor widened = allocate(dtype, shape, what);
            for (int i = 0; i < bytes.length; i++) {
                widened.setLong(i, Byte.toUnsignedInt(bytes[i]));
            }
            return widened;
        }
        if (dtype == DType.BOOL) {
            for (byte b : bytes) {
                if (b != 0 && b != 1) {
                    throw new InvalidModelException(what + " is BOOL but holds the byte " + b);
                }
            }
        }
        return Tensor.numeric(dtype, shape, MemorySegment.ofArray(bytes));
    }

    private static Tensor fromTypedField(TensorProto t, DType dtype, Shape shape, long count, String what) {
        int present = switch (TensorProto.DataType.forNumber(t.getDataType())) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            default -> t.getInt32DataCount();
        };
        if (present != count) {
            throw new InvalidModelException(what + " of " + OnnxTypes.name(t.getDataType()) + shape + " needs " + count + " values, found "
                    + present);
        }
        Tensor out = allocate(dtype, shape, what);
        MemorySegment data = out.data();
        for (int i = 0; i < present; i++) {
            switch (TensorProto.DataType.forNumber(t.getDataType())) {
                case FLOAT -> data.setAtIndex(Tensor.F32, i, t.getFloatData(i));
                case DOUBLE -> data.setAtIndex(Tensor.F64, i, t.getDoubleData(i));
                case INT64 -> data.setAtIndex(Tensor.I64, i, t.getInt64Data(i));
                case INT32, UINT8 -> data.setAtIndex(Tensor.I32, i, checked(t.getInt32Data(i), t.getDataType(), what));
                case FLOAT16 -> data.setAtIndex(Tensor.F16, i, (short) checked(t.getInt32Data(i), t.getDataType(), what));
                default -> data.set(ValueLayout.JAVA_BYTE, i, (byte) checked(t.getInt32Data(i), t.getDataType(), what));
            }
        }
        return out;
    }

    /** A value of int32_data, which must fit the element type it stands for. */
    private static int checked(int value, int code, String what) {
        boolean fits = switch (TensorProto.DataType.forNumber(code)) {
            case INT8 -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
            case UINT8 -> value >= 0 && value <= 255;
            case BOOL -> value == 0 || value == 1;
            case FLOAT16 -> value >= 0 && value <= 0xFFFF;
            default -> true;
        };
        if (!fits) {
            throw new InvalidModelException(what + " holds " + value + " in int32_data, which is not a " + OnnxTypes.name(code));
        }
        return value;
    }

    private static Tensor allocate(DType dtype, Shape shape, String what) {
        long bytes = byteCount(shape.elementCount(), dtype.byteSize(), what);
        return Tensor.numeric(dtype, shape, MemorySegment.ofArray(new byte[(int) bytes]));
    }
}
