package org.mleruntime.exporters.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Tensor;

/**
 * One ONNX node as read: a unique name (made up from its position when the file gives none), its
 * operator and domain ("" for the default one), input names ("" for an optional input left out),
 * output names and attributes. The typed accessors fail with the node's name in the message.
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Input {@code index}, or "" when the node has fewer inputs (an optional input left out). */
    public String input(int index) {
        return index < inputs.size() ? inputs.get(index) : "";
    }

    public long intAttr(String key, long defaultValue) {
        return switch (attributes.get(key)) {
            case null -> defaultValue;
            case OnnxAttribute.Int i -> i.value();
            default -> throw wrongKind(key, "int");
        };
    }

    public float floatAttr(String key, float defaultValue) {
        return switch (attributes.get(key)) {
            case null -> defaultValue;
            case OnnxAttribute.Float f -> f.value();
            default -> throw wrongKind(key, "float");
        };
    }

    /** An ints attribute, or null when absent. */
    public long[] intsAttr(String key) {
        return switch (attributes.get(key)) {
            case null -> null;
            case OnnxAttribute.Ints i -> i.values().clone();
            default -> throw wrongKind(key, "ints");
        };
    }

    /** A tensor attribute, or null when absent. */
    public Tensor tensorAttr(String key) {
        return switch (attributes.get(key)) {
            case null -> null;
            case OnnxAttribute.TensorValue t -> t.value();
            default -> throw wrongKind(key, "tensor");
        };
    }

    /** {@code axis} of a value of rank {@code rank} counted from 0, negative ones from the end; out of range is an error. */
    public int axis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw error("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** An error about this node, naming it and its operator. */
    public InvalidModelException error(String problem) {
        return new InvalidModelException("ONNX node '" + name + "' (" + opType + "): " + problem);
    }

    private InvalidModelException wrongKind(String key, String expected) {
        OnnxAttribute found = attributes.get(key);
        String kind = found instanceof OnnxAttribute.Other o ? o.kind() : found.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return error("attribute '" + key + "' must be of type " + expected + ", found " + kind);
    }
}
