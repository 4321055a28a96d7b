package org.mleruntime.exporters.onnx;

import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.onnx.proto.TensorProto;
import org.mleruntime.ir.DType;

/** ONNX element types ({@code TensorProto.DataType} codes) and the engine dtypes they become. */
final class OnnxTypes {
    private OnnxTypes() {}

    /** The name ONNX gives the element type {@code code} ("FLOAT", "INT64"), or "type code N" for one it does not define. */
    static String name(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null ? "type code " + code : t.name();
    }

    /**
     * The engine dtype of a graph input or output, or of a value a node computes (Cast's target):
     * what a caller can pass or receive. Anything else is unsupported, named.
     */
    static DType valueDtype(int code, String what) {
        return switch (TensorProto.DataType.forNumber(code)) {
            case FLOAT -> DType.FLOAT32;
            case DOUBLE -> DType.FLOAT64;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            case BOOL -> DType.BOOL;
            case null, default -> throw new UnsupportedModelException(what + " has element type " + name(code)
                    + "; the ONNX importer takes FLOAT, DOUBLE, INT32, INT64 and BOOL values");
        };
    }

    /**
     * The engine dtype a constant tensor of element type {@code code} is stored as: the value
     * dtypes, INT8 and FLOAT16 as themselves (storage types the engine keeps for quantized weights),
     * UINT8 widened to INT32, which holds every value exactly.
     */
    static DType constantDtype(int code, String what) {
        return switch (TensorProto.DataType.forNumber(code)) {
            case INT8 -> DType.INT8;
            case UINT8 -> DType.INT32;
            case FLOAT16 -> DType.FLOAT16;
            case FLOAT, DOUBLE, INT32, INT64, BOOL -> valueDtype(code, what);
            case null, default -> throw new UnsupportedModelException(what + " has element type " + name(code)
                    + "; the ONNX importer reads tensors of FLOAT, DOUBLE, INT64, INT32, INT8, UINT8, BOOL and FLOAT16");
        };
    }
}
