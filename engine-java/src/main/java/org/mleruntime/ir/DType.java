package org.mleruntime.ir;

import java.util.Locale;

/**
 * Element types of tensors; the codes are those of the file format's DType enum. FLOAT16 and INT8
 * (format 1.1) hold quantized weights: constants that a Dequantize or QGemm node reads, never a
 * graph input or a value a float kernel computes on.
 */
public enum DType {
    FLOAT32(1, 4),
    FLOAT64(2, 8),
    INT32(3, 4),
    INT64(4, 8),
    BOOL(5, 1),
    STRING(6, 0),
    FLOAT16(7, 2),
    INT8(8, 1);

    private final int code;
    private final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    public int code() {
        return code;
    }

    /** Bytes per element; 0 for strings, which never live in tensor memory. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    public boolean isNumeric() {
        return this != STRING;
    }

    /** The lower-case name used by the Python SDK and the documentation ("float64"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DType fromCode(int code) {
        for (DType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype code " + code);
    }

    public static DType fromLabel(String label) {
        for (DType t : values()) {
            if (t.label().equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + label + "' (expected one of float32, float64, int32, int64, bool, string, float16, int8)");
    }
}
