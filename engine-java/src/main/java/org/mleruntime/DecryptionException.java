package org.mleruntime;

/**
 * An encrypted model file that cannot be decrypted: no key given, a key other than the one it was
 * encrypted with, or an encrypted section whose authentication tag does not match.
 */
public class DecryptionException extends MleException {
    public DecryptionException(String message) {
        super(message);
    }

    public DecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
