package org.mleruntime;

/** A graph that is well-formed bytes but not a runnable model: dangling names, bad shapes, bad attributes. */
public class InvalidModelException extends MleException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
