package org.mleruntime.exporters.onnx;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mleruntime.exporters.UnsupportedModelException;

/**
 * The ONNX operators the importer translates, each with the first operator set version it
 * reads, and the check that a model uses nothing else: every unsupported operator of a model is
 * named in one error, with its domain, operator set version and number of nodes.
 */
public final class OperatorMappings {
    private static final Map<String, OperatorMapping> MAPPINGS = new TreeMap<>();

    static {
        // The engine's own operators with ONNX's meaning, from the operator set version given.
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Greater", "Less", "Equal", "And", "Or", "Xor", "Not", "Sigmoid", "Tanh",
                "Relu", "Exp", "Log", "Neg", "Abs", "Sqrt", "Cos", "Sin", "Reciprocal", "Floor", "Ceil", "LeakyRelu", "Elu", "Selu",
                "Softplus", "Softsign", "HardSigmoid", "MatMul", "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool",
                "GlobalMaxPool", "LSTM", "GRU", "RNN", "Shape", "Gather", "Squeeze", "Unsqueeze", "Transpose", "Split", "Flatten",
                "Reshape", "Concat", "Identity", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                "ReduceSumSquare", "ReduceLogSumExp")) {
            add(op, 7, NativeMappings::same);
        }
        add("Expand", 8, NativeMappings::same);
        // Tile's repeats became one input in set 6 (set 1 took tiles and an axis).
        add("Tile", 6, NativeMappings::same);
        for (String op : List.of("Erf", "Where", "BatchNormalization", "IsNaN")) {
            add(op, 9, NativeMappings::same);
        }
        add("Mod", 10, NativeMappings::same);
        add("IsInf", 10, NativeMappings::same);
        // GatherND's batch_dims came in set 12; its absence in set 11 means 0, the engine's default.
        for (String op : List.of("Range", "GatherElements", "GatherND")) {
            add(op, 11, NativeMappings::same);
        }
        for (String op : List.of("GreaterOrEqual", "LessOrEqual", "Einsum")) {
            add(op, 12, NativeMappings::same);
        }
        add("Trilu", 14, NativeMappings::same);
        add("HardSwish", 14, NativeMappings::same);
        add("LayerNormalization", 17, NativeMappings::same);
        add("Gelu", 20, NativeMappings::same);
        add("Attention", 23, NativeMappings::attention);
        add("ReduceSum", 7, NativeMappings::reduceSum);
        add("Softmax", 7, NativeMappings::softmax);
        add("LogSoftmax", 7, NativeMappings::softmax);
        add("ConstantOfShape", 9, NativeMappings::constantOfShape);
        add("Min", 8, NativeMappings::variadic);
        add("Max", 8, NativeMappings::variadic);
        add("Slice", 7, NativeMappings::slice);
        add("Pad", 7, NativeMappings::pad);
        add("Resize", 10, NativeMappings::resize);
        // Operators whose ONNX form the engine takes otherwise, or builds from several of its own.
        add("Pow", 7, ElementwiseMappings::pow);
        add("Clip", 7, ElementwiseMappings::clip);
        add("Cast", 7, ElementwiseMappings::cast);
        add("Gemm", 7, LinearMappings::gemm);
        add("ArgMax", 7, AxisMappings::argMax);
        add("Constant", 7, ShapeMappings::constant);
        add("Dropout", 7, ShapeMappings::identity);
        add("PRelu", 7, ActivationMappings::pRelu);
        add("Celu", 12, ActivationMappings::celu);
        add("Sum", 8, ActivationMappings::sumOrMean);
        add("Mean", 8, ActivationMappings::sumOrMean);
    }

    private OperatorMappings() {}

    private static void add(String op, long sinceOpset, OperatorMapping.Translator translator) {
        MAPPINGS.put(op, new OperatorMapping(op, sinceOpset, translator));
    }

    /** Every mapping, by operator name. */
    static Collection<OperatorMapping> all() {
        return Collections.unmodifiableCollection(MAPPINGS.values());
    }

    /** The operators translated, by name, each with the first operator set version read ("Gemm (7+)"). */
    public static List<String> supported() {
        List<String> out = new ArrayList<>();
        for (OperatorMapping m : MAPPINGS.values()) {
            out.add(m.opType() + " (" + m.sinceOpset() + "+)");
        }
        return out;
    }

    /** The mapping of node {@code n} in a model of default operator set {@code opset}, or null. */
    static OperatorMapping of(OnnxNode n, long opset) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return null;
        }
        OperatorMapping m = MAPPINGS.get(n.opType());
        return m == null || opset < m.sinceOpset() ? null : m;
    }

    /** Fails, naming every unsupported operator at once, unless each node of {@code model} has a mapping. */
    static void checkSupported(OnnxModel model) {
        Map<String, Integer> unsupported = new TreeMap<>();
        for (OnnxNode n : model.graph().nodes()) {
            if (of(n, model.opsetVersion()) == null) {
                String domain = n.domain().isEmpty() ? "ai.onnx" : n.domain();
                String version = domain.equals("ai.onnx") ? "opset " + model.opsetVersion() : "a domain the importer does not read";
                unsupported.merge(n.opType() + " (" + domain + ", " + version + ")", 1, Integer::sum);
            }
        }
        if (unsupported.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        unsupported.forEach((op, count) -> parts.add(op + " × " + count + (count == 1 ? " node" : " nodes")));
        throw new UnsupportedModelException("the ONNX model uses " + unsupported.size() + " operator"
                + (unsupported.size() == 1 ? "" : "s") + " the importer does not translate: " + String.join("; ", parts)
                + ". Supported (default domain, from operator set): " + String.join(", ", supported()));
    }
}
