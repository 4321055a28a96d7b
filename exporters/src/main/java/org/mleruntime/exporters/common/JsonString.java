package org.mleruntime.exporters.common;

/** A JSON string. */
public record JsonString(String value) implements JsonValue {
    @Override
    public String kind() {
        return "a string";
    }

    @Override
    public String text() {
        return value;
    }
}
