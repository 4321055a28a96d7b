package org.mleruntime.quantize;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a quantization did and what it changed: every tensor stored in lower precision, every one
 * kept and why, the fate of tree thresholds, the weight bytes before and after, and the largest
 * change of each output on the calibration rows.
 */
public record QuantizationReport(String mode, List<TensorChange> tensors, List<String> kept, List<ThresholdDecision> thresholds,
                                 long weightBytesBefore, long weightBytesAfter, String calibration, int calibrationRows,
                                 List<OutputChange> outputs) {
    public QuantizationReport {
        tensors = List.copyOf(tensors);
        kept = List.copyOf(kept);
        thresholds = List.copyOf(thresholds);
        outputs = List.copyOf(outputs);
    }

    /** One weight tensor read by {@code consumer}, stored as {@code to} (with {@code scales} per-channel scales for int8). */
    public record TensorChange(String constant, String consumer, String from, String to, long[] shape, long scales, long bytesBefore,
                               long bytesAfter) {}

    /** A tree ensemble's float64 thresholds: stored as float32 in its node records only when every one is an exact float32. */
    public record ThresholdDecision(String node, long thresholds, long exactFloat32, boolean quantized, String reason) {}

    /**
     * The change of one output between the original and the quantized model: the largest absolute
     * difference and that difference relative to the output's largest magnitude for numbers, and
     * for labels and indices the count of values that differ.
     */
    public record OutputChange(String output, String dtype, long values, double maxAbsChange, double maxRelChange, long changed) {}

    /** Plain maps and lists with snake_case keys, for JSON and for tables. */
    public Map<String, Object> toMap() {
        return plain(this);
    }

    private static Map<String, Object> plain(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value instanceof List<?> list) {
                value = list.stream().map(v -> v instanceof Record nested ? plain(nested) : v).toList();
            }
            m.put(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT), value);
        }
        return m;
    }
}
