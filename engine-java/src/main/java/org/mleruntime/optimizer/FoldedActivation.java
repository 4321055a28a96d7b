package org.mleruntime.optimizer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * A Relu, a Clip with constant bounds, a HardSigmoid or a HardSwish taken into the float32 Conv or
 * Gemm before it as the engine-internal attribute {@code activation} (the operator's name) with its
 * parameters: {@code activation_min} and {@code activation_max} for Relu and Clip,
 * {@code activation_alpha} and {@code activation_beta} for HardSigmoid. Its kernel applies it as the
 * outputs are written ({@link org.mleruntime.kernels.OutputActivation}).
 */
final class FoldedActivation {
    private FoldedActivation() {}

    /** {@code product} with {@code activation} folded in, writing the activation's output; null when it is not one of those above. */
    static Node fold(Node product, Node activation, Map<String, Tensor> constants) {
        return switch (activation.opType()) {
            case "Relu" -> withActivation(product, activation, bounds(0, Double.POSITIVE_INFINITY));
            case "Clip" -> {
                Tensor low = activation.inputs().size() > 1 ? constants.get(activation.inputs().get(1)) : null;
                Tensor high = activation.inputs().size() > 2 ? constants.get(activation.inputs().get(2)) : null;
                yield low == null || high == null || low.elementCount() != 1 || high.elementCount() != 1 ? null
                        : withActivation(product, activation, bounds(low.getDouble(0), high.getDouble(0)));
            }
            case "HardSigmoid" -> withActivation(product, activation, Map.of(
                    "activation_alpha", new Attribute.Float(activation.floatAttr("alpha", 0.2)),
                    "activation_beta", new Attribute.Float(activation.floatAttr("beta", 0.5))));
            case "HardSwish" -> withActivation(product, activation, Map.of());
            default -> null;
        };
    }

    private static Map<String, Attribute> bounds(double low, double high) {
        return Map.of("activation_min", new Attribute.Float(low), "activation_max", new Attribute.Float(high));
    }

    private static Node withActivation(Node product, Node activation, Map<String, Attribute> parameters) {
        Map<String, Attribute> attributes = new LinkedHashMap<>(product.attributes());
        attributes.put("activation", new Attribute.Str(activation.opType()));
        attributes.putAll(parameters);
        return new Node(product.name() + "+" + activation.name(), product.opType(), product.opsetVersion(), product.inputs(),
                activation.outputs(), attributes);
    }
}
