package org.mleruntime.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;

/** One operator application: named inputs in, named outputs out, typed attributes. */
public record Node(String name, String opType, int opsetVersion, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, opType, opsetVersion, newInputs, outputs, attributes);
    }

    public long intAttr(String key, long defaultValue) {
        return switch (attributes.get(key)) {
            case null -> defaultValue;
            case Attribute.Int i -> i.value();
            default -> throw wrongType(key, "int");
        };
    }

    /** A float attribute; an int attribute is read as its value, since every int is a valid float here. */
    public double floatAttr(String key, double defaultValue) {
        return switch (attributes.get(key)) {
            case null -> defaultValue;
            case Attribute.Float f -> f.value();
            case Attribute.Int i -> i.value();
            default -> throw wrongType(key, "float");
        };
    }

    public String stringAttr(String key, String defaultValue) {
        return switch (attributes.get(key)) {
            case null -> defaultValue;
            case Attribute.Str s -> s.value();
            default -> throw wrongType(key, "string");
        };
    }

    public long[] intsAttr(String key) {
        return switch (attributes.get(key)) {
            case null -> throw missing(key);
            case Attribute.Ints i -> i.values();
            default -> throw wrongType(key, "ints");
        };
    }

    /** A floats attribute; an ints one is read as floats too, and an absent one as {@code defaultValue} (null: required). */
    public double[] floatsAttr(String key, double[] defaultValue) {
        if (!attributes.containsKey(key)) {
            if (defaultValue == null) {
                throw missing(key);
            }
            return defaultValue.clone();
        }
        return switch (attributes.get(key)) {
            case Attribute.Floats f -> f.values();
            case Attribute.Ints i -> java.util.Arrays.stream(i.values()).asDoubleStream().toArray();
            default -> throw wrongType(key, "floats");
        };
    }

    /** A strings attribute, or {@code defaultValue} (null: required) when absent. */
    public List<String> stringsAttr(String key, List<String> defaultValue) {
        if (!attributes.containsKey(key)) {
            if (defaultValue == null) {
                throw missing(key);
            }
            return defaultValue;
        }
        return switch (attributes.get(key)) {
            case Attribute.Strs s -> s.values();
            default -> throw wrongType(key, "strings");
        };
    }

    public boolean hasAttr(String key) {
        return attributes.containsKey(key);
    }

    private InvalidModelException missing(String key) {
        return new InvalidModelException("node '" + name + "' (" + opType + ") needs attribute '" + key + "'");
    }

    private InvalidModelException wrongType(String key, String expected) {
        return new InvalidModelException("attribute '" + key + "' of node '" + name + "' (" + opType + ") must be of type " + expected
                + ", found " + attributes.get(key).getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }
}
