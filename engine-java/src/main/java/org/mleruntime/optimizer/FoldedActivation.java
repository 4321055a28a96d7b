package org.mleruntime.optimizer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * A Relu, or a Clip with constant bounds, taken into the float32 Conv or Gemm before it as the
 * engine-internal attributes {@code activation} ({@code Relu} or {@code Clip}), {@code activation_min}
 * and {@code activation_max}, which its kernel applies as the outputs are written.
 */
final class FoldedActivation {
    private FoldedActivation() {}

    /** {@code product} with {@code activation} folded in, writing the activation's output; null when it is neither Relu nor a constant-bound Clip. */
    static Node fold(Node product, Node activation, Map<String, Tensor> constants) {
        return switch (activation.opType()) {
            case "Relu" -> withActivation(product, activation, "Relu", 0, Double.POSITIVE_INFINITY);
            case "Clip" -> {
                Tensor low = activation.inputs().size() > 1 ? constants.get(activation.inputs().get(1)) : null;
                Tensor high = activation.inputs().size() > 2 ? constants.get(activation.inputs().get(2)) : null;
                yield low == null || high == null || low.elementCount() != 1 || high.elementCount() != 1 ? null
                        : withActivation(product, activation, "Clip", low.getDouble(0), high.getDouble(0));
            }
            default -> null;
        };
    }

    private static Node withActivation(Node product, Node activation, String kind, double low, double high) {
        Map<String, Attribute> attributes = new LinkedHashMap<>(product.attributes());
        attributes.put("activation", new Attribute.Str(kind));
        attributes.put("activation_min", new Attribute.Float(low));
        attributes.put("activation_max", new Attribute.Float(high));
        return new Node(product.name() + "+" + activation.name(), product.opType(), product.opsetVersion(), product.inputs(),
                activation.outputs(), attributes);
    }
}
