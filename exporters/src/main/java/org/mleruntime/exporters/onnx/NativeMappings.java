package org.mleruntime.exporters.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Operators the engine implements with ONNX's name, inputs, attributes and meaning (its neural-
 * network, tensor and element-wise families follow ONNX): the node is copied as it is, attributes
 * converted one for one. Where an older operator set gave the node another form (attributes that
 * later became inputs), the mapping writes the newer form.
 */
final class NativeMappings {
    private NativeMappings() {}

    /** The node as it is: same operator, inputs, outputs and attributes. */
    static void same(OnnxNode n, GraphTranslation g) {
        g.emitAll(n, n.opType(), trimmed(n.inputs()), attributes(n, Map.of()), g.outputs(n));
    }

    /** ReduceSum without axes reduces every axis in ONNX, the last one only in the engine's first form: the axes are written out. */
    static void reduceSum(OnnxNode n, GraphTranslation g) {
        boolean axesGiven = n.attributes().containsKey("axes") || !n.input(1).isEmpty();
        if (axesGiven || n.intAttr("noop_with_empty_axes", 0) != 0) {
            if (!axesGiven) {
                g.emit(n, "Identity", List.of(n.input(0)), n.outputs().getFirst());
                return;
            }
            same(n, g);
            return;
        }
        int rank = g.type(n, n.input(0)).shape().rank();
        long[] all = new long[rank];
        for (int i = 0; i < rank; i++) {
            all[i] = i;
        }
        g.emitAll(n, "ReduceSum", List.of(n.input(0)), attributes(n, Map.of("axes", new Attribute.Ints(all))), g.outputs(n));
    }

    /** Softmax and LogSoftmax before operator set 13 normalise over all axes from {@code axis} (default 1) flattened: the same where that is the last axis. */
    static void softmax(OnnxNode n, GraphTranslation g) {
        int rank = g.type(n, n.input(0)).shape().rank();
        if (g.opset() >= 13) {
            same(n, g);
            return;
        }
        int axis = n.axis(n.intAttr("axis", 1), rank);
        if (axis == rank - 1) {
            g.emitAll(n, n.opType(), List.of(n.input(0)), Map.of("axis", new Attribute.Int(-1)), g.outputs(n));
            return;
        }
        String shape = g.emit(n, "Shape", List.of(n.input(0)), Map.of(), null);
        String flat = g.emit(n, "Flatten", List.of(n.input(0)), Map.of("axis", new Attribute.Int(axis)), null);
        String normalised = g.emit(n, n.opType(), List.of(flat), Map.of("axis", new Attribute.Int(-1)), null);
        g.emit(n, "Reshape", List.of(normalised, shape), Map.of(), n.outputs().getFirst());
    }

    /**
     * Attention (operator set 23) without a key/value cache: Q, K, V and the optional attn_mask pass
     * through with their attributes; a cache (past_key, past_value, nonpad_kv_seqlen, the present
     * key and value outputs), the qk_matmul output and a window of keys (left_window_size,
     * right_window_size) are refused by name.
     */
    static void attention(OnnxNode n, GraphTranslation g) {
        for (int i = 4; i < n.inputs().size(); i++) {
            if (!n.input(i).isEmpty()) {
                throw n.error("reads a key/value cache (past_key, past_value or nonpad_kv_seqlen), which the engine's Attention does not keep");
            }
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.outputs().get(i).isEmpty()) {
                throw n.error("writes output " + i + " (present_key, present_value or qk_matmul_output); the engine's Attention writes Y only");
            }
        }
        for (String window : List.of("left_window_size", "right_window_size")) {
            if (n.intAttr(window, -1) >= 0) {
                throw n.error(window + " " + n.intAttr(window, -1) + " limits attention to a window of keys (operator set 25), which the engine's Attention does not");
            }
        }
        if (n.intAttr("qk_matmul_output_mode", 0) != 0) {
            throw n.error("qk_matmul_output_mode " + n.intAttr("qk_matmul_output_mode", 0) + " exposes an intermediate product; only 0 is supported");
        }
        g.emitAll(n, "Attention", trimmed(n.inputs()), attributes(n, Map.of()), List.of(n.outputs().getFirst()));
    }

    /** ConstantOfShape's value is a one-element tensor attribute: the engine takes its value and dtype apart. */
    static void constantOfShape(OnnxNode n, GraphTranslation g) {
        Tensor value = n.tensorAttr("value");
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        attributes.put("value", new Attribute.Float(value == null ? 0 : value.getDouble(0)));
        attributes.put("dtype", new Attribute.Str(value == null ? DType.FLOAT32.label() : value.dtype().label()));
        g.emitAll(n, "ConstantOfShape", List.of(n.input(0)), attributes, g.outputs(n));
    }

    /** Min and Max of any number of inputs: a chain of two-input nodes. */
    static void variadic(OnnxNode n, GraphTranslation g) {
        List<String> in = trimmed(n.inputs());
        if (in.size() == 1) {
            g.emit(n, "Identity", in, n.outputs().getFirst());
            return;
        }
        String acc = in.getFirst();
        for (int i = 1; i < in.size(); i++) {
            acc = g.emit(n, n.opType(), List.of(acc, in.get(i)), Map.of(), i == in.size() - 1 ? n.outputs().getFirst() : null);
        }
    }

    /** Slice before operator set 10 takes starts, ends and axes as attributes: they become constant inputs. */
    static void slice(OnnxNode n, GraphTranslation g) {
        if (g.opset() >= 10) {
            same(n, g);
            return;
        }
        List<String> in = new ArrayList<>(List.of(n.input(0)));
        for (String key : List.of("starts", "ends", "axes")) {
            long[] values = n.intsAttr(key);
            if (values != null) {
                in.add(g.constant(n.name() + "_" + key, ConstantTensors.int64(values)));
            }
        }
        g.emitAll(n, "Slice", in, Map.of(), g.outputs(n));
    }

    /** Pad before operator set 11 takes pads and value as attributes: the value becomes input 2. */
    static void pad(OnnxNode n, GraphTranslation g) {
        if (g.opset() >= 11) {
            same(n, g);
            return;
        }
        ValueInfo x = g.type(n, n.input(0));
        String pads = g.constant(n.name() + "_pads", ConstantTensors.int64(n.intsAttr("pads")));
        String value = g.constant(n.name() + "_value", ConstantTensors.scalar(x.dtype(), n.floatAttr("value", 0)));
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        if (n.attributes().get("mode") instanceof OnnxAttribute.Str mode) {
            attributes.put("mode", new Attribute.Str(mode.value()));
        }
        g.emitAll(n, "Pad", List.of(n.input(0), pads, value), attributes, g.outputs(n));
    }

    /** Resize of operator set 10 has no roi: its scales move to input 2. */
    static void resize(OnnxNode n, GraphTranslation g) {
        if (g.opset() >= 11) {
            same(n, g);
            return;
        }
        g.emitAll(n, "Resize", List.of(n.input(0), "", n.input(1)), attributes(n, Map.of()), g.outputs(n));
    }

    /** The node's inputs without the optional ones left out at the end. */
    private static List<String> trimmed(List<String> inputs) {
        List<String> in = new ArrayList<>(inputs);
        while (!in.isEmpty() && in.getLast().isEmpty()) {
            in.removeLast();
        }
        return in;
    }

    /** The node's attributes as the engine's, with {@code extra} added or replacing. */
    private static Map<String, Attribute> attributes(OnnxNode n, Map<String, Attribute> extra) {
        Map<String, Attribute> out = new LinkedHashMap<>();
        n.attributes().forEach((key, value) -> {
            Attribute converted = switch (value) {
                case OnnxAttribute.Int i -> new Attribute.Int(i.value());
                case OnnxAttribute.Float f -> new Attribute.Float(f.value());
                case OnnxAttribute.Str s -> new Attribute.Str(s.value());
                case OnnxAttribute.Ints i -> new Attribute.Ints(i.values());
                case OnnxAttribute.Floats f -> {
                    double[] d = new double[f.values().length];
                    for (int k = 0; k < d.length; k++) {
                        d[k] = f.values()[k];
                    }
                    yield new Attribute.Floats(d);
                }
                case OnnxAttribute.Strs s -> new Attribute.Strs(s.values());
                case OnnxAttribute.TensorValue t -> throw n.error("attribute '" + key + "' is a tensor, which this operator does not take");
                case OnnxAttribute.Other o -> throw n.error("attribute '" + key + "' is of kind " + o.kind() + ", which the importer does not read");
            };
            out.put(key, converted);
        });
        out.putAll(extra);
        return out;
    }
}
