package org.mleruntime;

/** Inputs handed to a session that do not match the model's signature (name, dtype, shape). */
public class InvalidInputException extends MleException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
