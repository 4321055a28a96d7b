package org.mleruntime;

/**
 * A model file that does not carry a valid signature by the trusted key: unsigned where a signature
 * is required, signed by another key, or changed in any byte since it was signed.
 */
public class SignatureException extends CorruptFileException {
    public SignatureException(String message) {
        super(message);
    }

    public SignatureException(String message, Throwable cause) {
        super(message, cause);
    }
}
