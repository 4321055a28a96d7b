package org.mleruntime.format;

/**
 * How a model file is opened.
 *
 * @param verifyTensorData {@link TensorVerification#EAGER} (the default) checks the CRC32C of the
 *     tensor data before open returns; {@link TensorVerification#DEFERRED} checks it on a background
 *     thread so that opening a very large model costs time in proportion to its graph only. A run
 *     that starts after a deferred check has failed is refused; {@code mle verify} checks everything.
 */
public record OpenOptions(TensorVerification verifyTensorData) {
    public enum TensorVerification { EAGER, DEFERRED }

    public static OpenOptions defaults() {
        return new OpenOptions(TensorVerification.EAGER);
    }

    public static OpenOptions deferredVerification() {
        return new OpenOptions(TensorVerification.DEFERRED);
    }
}
