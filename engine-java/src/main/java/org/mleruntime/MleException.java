package org.mleruntime;

/** Root of every error the engine reports; the message always names what is wrong and where. */
public class MleException extends RuntimeException {
    public MleException(String message) {
        super(message);
    }

    public MleException(String message, Throwable cause) {
        super(message, cause);
    }
}
