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
 * @param maxMemoryBytes the most memory one file may make the engine allocate: its compressed and
 *     encrypted sections decoded, then the constants its session derives (dequantized weights,
 *     folded nodes); a file asking for more is refused before the memory is taken
 */
public record OpenOptions(TensorVerification verifyTensorData, VerifyKey verifyKey, boolean requireSignature,
                          EncryptionKey decryptionKey, long maxMemoryBytes) {
    public enum TensorVerification { EAGER, DEFERRED }

    /**
     * The system property {@code mle.maxModelMemory} (bytes) when set, else an eighth of the machine's
     * memory where the runtime can tell (at least 1 GiB), else 2 GiB: a few models per process fit,
     * and a hostile file cannot take the machine.
     */
    public static final long DEFAULT_MAX_MEMORY_BYTES = defaultMaxMemoryBytes();

    public OpenOptions {
        if (requireSignature && verifyKey == null) {
            throw new IllegalArgumentException("requiring a signature needs the key to verify it with");
        }
        if (maxMemoryBytes < 0) {
            throw new IllegalArgumentException("maxMemoryBytes must not be negative, got " + maxMemoryBytes);
        }
    }

    public static OpenOptions defaults() {
        return new OpenOptions(TensorVerification.EAGER, null, false, null, DEFAULT_MAX_MEMORY_BYTES);
    }

    public static OpenOptions deferredVerification() {
        return defaults().withTensorVerification(TensorVerification.DEFERRED);
    }

    public OpenOptions withTensorVerification(TensorVerification v) {
        return new OpenOptions(v, verifyKey, requireSignature, decryptionKey, maxMemoryBytes);
    }

    /** Verifies signed files against {@code key}; with {@code required}, refuses unsigned ones too. */
    public OpenOptions withVerifyKey(VerifyKey key, boolean required) {
        return new OpenOptions(verifyTensorData, key, required, decryptionKey, maxMemoryBytes);
    }

    public OpenOptions withDecryptionKey(EncryptionKey key) {
        return new OpenOptions(verifyTensorData, verifyKey, requireSignature, key, maxMemoryBytes);
    }

    public OpenOptions withMaxMemoryBytes(long bytes) {
        return new OpenOptions(verifyTensorData, verifyKey, requireSignature, decryptionKey, bytes);
    }

    private static long defaultMaxMemoryBytes() {
        Long chosen = Long.getLong("mle.maxModelMemory");
        if (chosen != null && chosen >= 0) {
            return chosen;
        }
        long physical = 0;
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                physical = os.getTotalMemorySize();
            }
        } catch (LinkageError e) {
            // A runtime without the management modules: the fixed default below applies.
        }
        return physical > 0 ? Math.max(1L << 30, physical / 8) : 2L << 30;
    }
}
