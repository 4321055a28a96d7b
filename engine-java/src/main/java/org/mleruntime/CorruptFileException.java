package org.mleruntime;

/** A model file that is not a valid .mle file: bad magic, truncated, a checksum mismatch, bad bounds. */
public class CorruptFileException extends MleException {
    public CorruptFileException(String message) {
        super(message);
    }

    public CorruptFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
