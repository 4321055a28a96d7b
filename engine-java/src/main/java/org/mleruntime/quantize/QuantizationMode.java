package org.mleruntime.quantize;

import java.util.Arrays;
import java.util.Locale;

/** How weights are stored: half precision, or int8 with a symmetric scale per output channel. */
public enum QuantizationMode {
    FP16,
    INT8;

    /** The name used by the Python SDK and the command line ("fp16", "int8"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static QuantizationMode fromLabel(String label) {
        return Arrays.stream(values()).filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown quantization '" + label + "'; supported: fp16, int8"));
    }
}
