package org.mleruntime.format;

/**
 * How a model file is opened.
 *
 * @param verifyTensorData {@link TensorVerification#EAGER} (the default) checks the CRC32C of the
 *     tensor data before open returns; {@link TensorVerification#DEFERRED} checks it on a background
 *     thread so that opening a very large model costs time in proportion to its graph only. A run
 *     that starts after a deferred check has failed is refused; {@code mle verify} checks everything.
 *     A file whose signature is checked, or whose tensor data is compressed or encrypted, is always
 *     checked before open returns.
 * @param verifyKey when set, the file must be signed by this key and is verified, every byte of it,
 *     before any section is used
 * @param requireSignature whether an unsigned file is refused; needs {@code verifyKey}
 * @param decryptionKey the key of an encrypted file
 * @param maxDecodedBytes the most memory that the compressed and encrypted sections of one file may
 *     decode to; a file declaring more is refused before anything is allocated
 */
public record OpenOptions(TensorVerification verifyTensorData, VerifyKey verifyKey, boolean requireSignature,
                          EncryptionKey decryptionKey, long maxDecodedBytes) {
    public enum TensorVerification { EAGER, DEFERRED }

    /** Half the machine's memory where the runtime can tell, else 8 GiB; at least 1 GiB. */
    public static final long DEFAULT_MAX_DECODED_BYTES = defaultMaxDecodedBytes();

    public OpenOptions {
        if (requireSignature && verifyKey == null) {
            throw new IllegalArgumentException("requiring a signature needs the key to verify it with");
        }
        if (maxDecodedBytes < 0) {
            throw new IllegalArgumentException("maxDecodedBytes must not be negative, got " + maxDecodedBytes);
        }
    }

    public static OpenOptions defaults() {
        return new OpenOptions(TensorVerification.EAGER, null, false, null, DEFAULT_MAX_DECODED_BYTES);
    }

    public static OpenOptions deferredVerification() {
        return defaults().withTensorVerification(TensorVerification.DEFERRED);
    }

    public OpenOptions withTensorVerification(TensorVerification v) {
        return new OpenOptions(v, verifyKey, requireSignature, decryptionKey, maxDecodedBytes);
    }

    /** Verifies signed files against {@code key}; with {@code required}, refuses unsigned ones too. */
    public OpenOptions withVerifyKey(VerifyKey key, boolean required) {
        return new OpenOptions(verifyTensorData, key, required, decryptionKey, maxDecodedBytes);
    }

    public OpenOptions withDecryptionKey(EncryptionKey key) {
        return new OpenOptions(verifyTensorData, verifyKey, requireSignature, key, maxDecodedBytes);
    }

    public OpenOptions withMaxDecodedBytes(long bytes) {
        return new OpenOptions(verifyTensorData, verifyKey, requireSignature, decryptionKey, bytes);
    }

    private static long defaultMaxDecodedBytes() {
        long physical = 0;
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                physical = os.getTotalMemorySize();
            }
        } catch (LinkageError e) {
            // A runtime without the management modules: the fixed default below applies.
        }
        return physical > 0 ? Math.max(1L << 30, physical / 2) : 8L << 30;
    }
}
