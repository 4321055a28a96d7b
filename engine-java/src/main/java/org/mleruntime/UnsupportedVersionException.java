package org.mleruntime;

/** A file written for a format major version (or a required feature) this reader does not know. */
public class UnsupportedVersionException extends CorruptFileException {
    public UnsupportedVersionException(String message) {
        super(message);
    }
}
