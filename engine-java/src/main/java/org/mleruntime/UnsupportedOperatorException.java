package org.mleruntime;

/** A node whose operator (or operator-set version) this engine does not implement. */
public class UnsupportedOperatorException extends InvalidModelException {
    public UnsupportedOperatorException(String message) {
        super(message);
    }
}
