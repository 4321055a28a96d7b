package org.mleruntime.exporters.common;

/** JSON {@code true} or {@code false}. */
public record JsonBoolean(boolean value) implements JsonValue {
    @Override
    public String kind() {
        return "a boolean";
    }

    @Override
    public String text() {
        return Boolean.toString(value);
    }
}
