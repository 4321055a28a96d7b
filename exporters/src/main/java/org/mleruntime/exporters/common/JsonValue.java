package org.mleruntime.exporters.common;

import org.mleruntime.InvalidModelException;

/**
 * A value of a parsed JSON (or UBJSON) document: {@link JsonObject}, {@link JsonArray},
 * {@link JsonNumber}, {@link JsonString}, {@link JsonBoolean} or {@link JsonNull}. Containers know
 * where they are in their document, so every error names the file and the field.
 */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonNumber, JsonString, JsonBoolean, JsonNull {
    /** What the value is, for error messages: "an object", "a number"... */
    String kind();

    /** A readable rendering of a scalar (a number's text, a string's value); containers say what they are. */
    default String text() {
        return kind();
    }

    static InvalidModelException wrongType(String where, String expected, JsonValue found) {
        return new InvalidModelException(where + " must be " + expected + ", found " + (found == null ? "nothing" : found.kind()));
    }
}
