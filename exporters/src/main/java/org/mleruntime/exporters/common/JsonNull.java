package org.mleruntime.exporters.common;

/** JSON {@code null}. */
public enum JsonNull implements JsonValue {
    INSTANCE;

    @Override
    public String kind() {
        return "null";
    }
}
