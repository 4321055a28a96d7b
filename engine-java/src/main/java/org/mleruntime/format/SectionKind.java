package org.mleruntime.format;

/**
 * Section kinds of format 1. Codes below 16 are defined by format 1.0; codes 16-31 are reserved
 * for the signature and encryption features, so adding them adds sections, not a new layout.
 */
public enum SectionKind {
    METADATA(1),
    GRAPH(2),
    TENSOR_DATA(3),
    SIGNATURE(16),
    ENCRYPTION(17);

    private final int code;

    SectionKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind with this code, or null for a kind this reader does not know. */
    public static SectionKind fromCode(int code) {
        for (SectionKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
