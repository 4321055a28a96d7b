package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;

/**
 * The activation the optimiser folded into a float32 Conv or Gemm (its {@code activation} attribute):
 * Relu or Clip, bounds {@code activation_min} and {@code activation_max}; HardSigmoid, slope and offset
 * {@code activation_alpha} and {@code activation_beta} (ONNX's defaults 0.2 and 0.5); or HardSwish.
 * Kernels apply it to each block of outputs just written, while the block is in cache.
 */
public final class OutputActivation {
    /** The values the {@code activation} attribute may take. */
    public static final List<String> KINDS = List.of("Relu", "Clip", "HardSigmoid", "HardSwish");

    private final boolean hard;
    private final boolean timesInput;
    private final float low;
    private final float high;
    private final float alpha;
    private final float beta;

    private OutputActivation(Node node) {
        String kind = node.stringAttr("activation", "none");
        this.hard = kind.startsWith("Hard");
        this.timesInput = kind.equals("HardSwish");
        this.low = (float) node.floatAttr("activation_min", Double.NEGATIVE_INFINITY);
        this.high = (float) node.floatAttr("activation_max", Double.POSITIVE_INFINITY);
        this.alpha = timesInput ? 1f / 6 : (float) node.floatAttr("activation_alpha", 0.2);
        this.beta = timesInput ? 0.5f : (float) node.floatAttr("activation_beta", 0.5);
    }

    /** The node's folded activation, or null when it has none. */
    public static OutputActivation of(Node node) {
        return node.hasAttr("activation") ? new OutputActivation(node) : null;
    }

    /** The activation on {@code count} float32 values from element {@code offset} of {@code y}, in place; NaN stays NaN as in the separate operators. */
    public void apply(MathKernels math, MemorySegment y, long offset, long count) {
        MemorySegment values = y.asSlice(offset * Float.BYTES, count * Float.BYTES);
        if (hard) {
            math.hardSigmoid(values, alpha, beta, timesInput, values, count);
        } else {
            math.clip(DType.FLOAT32, values, low, high, values, count);
        }
    }
}
