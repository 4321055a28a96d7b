package org.mleruntime.bridge;

import java.nio.file.Path;
import org.mleruntime.MleModel;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.VerifyKey;
import org.mleruntime.kernels.MathKernelsProvider;

/**
 * The Python-facing facade, made for JPype: few, coarse calls on plain types (strings, long arrays,
 * native addresses). Errors surface as the engine's own exceptions, whose class names and messages
 * the Python SDK maps onto its error hierarchy.
 */
public final class PythonBridge {
    private PythonBridge() {}

    public static String version() {
        String v = PythonBridge.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    public static boolean vectorKernelsEnabled() {
        return !MathKernelsProvider.selected().name().equals("plain-java");
    }

    public static String kernels() {
        return MathKernelsProvider.selected().name();
    }

    public static ModelWriter newWriter() {
        return new ModelWriter();
    }

    /** Compression, quantization, signature and encryption of an export, set call by call. */
    public static ExportOptions exportOptions() {
        return new ExportOptions();
    }

    /** A new Ed25519 key pair: the 32-byte private seed and the 32-byte public key. */
    public static byte[][] generateSigningKey() {
        SigningKey key = SigningKey.generate();
        return new byte[][] {key.seed(), key.verifyKey().raw()};
    }

    public static byte[] generateEncryptionKey() {
        return EncryptionKey.generate().bytes();
    }

    /** A signing key (raw seed or PEM) as PEM text, and its public key as PEM text. */
    public static String[] signingKeyPem(byte[] material) {
        SigningKey key = SigningKey.of(material);
        return new String[] {key.toPem(), key.verifyKey().toPem()};
    }

    public static LoadedModel load(String path, boolean deferTensorChecksum) {
        return load(path, deferTensorChecksum, 0);
    }

    /** As {@link #load(String, boolean)}, with at most {@code threads} threads per run (0: all cores). */
    public static LoadedModel load(String path, boolean deferTensorChecksum, int threads) {
        return load(path, openOptions(deferTensorChecksum, null, false, null), threads);
    }

    /** Opens the model at {@code path} as {@code options} say, with at most {@code threads} threads per run (0: all cores). */
    public static LoadedModel load(String path, OpenOptions options, int threads) {
        SessionOptions session = threads > 0 ? SessionOptions.defaults().withThreads(threads) : SessionOptions.defaults();
        return new LoadedModel(MleModel.open(Path.of(path), options, session));
    }

    /**
     * How to open a file: checking the signature against {@code verifyKey} (raw or PEM; every signed
     * file, and unsigned ones too with {@code requireSignature}) and decrypting with
     * {@code decryptionKey} (raw or a key file's text); either key may be null. A key that cannot
     * be read is an {@link IllegalArgumentException} here, before any file is opened, so that every
     * failure of the open itself is the engine's own.
     */
    public static OpenOptions openOptions(boolean deferTensorChecksum, byte[] verifyKey, boolean requireSignature, byte[] decryptionKey) {
        OpenOptions options = deferTensorChecksum ? OpenOptions.deferredVerification() : OpenOptions.defaults();
        if (verifyKey != null) {
            options = options.withVerifyKey(VerifyKey.of(verifyKey), requireSignature);
        }
        return decryptionKey == null ? options : options.withDecryptionKey(EncryptionKey.of(decryptionKey));
    }

    /**
     * Converts a framework's own saved model ({@code content}, e.g. XGBoost JSON or a LightGBM text
     * model) with the exporters module; options are parallel key/value arrays.
     */
    public static ConvertedModel convert(String framework, String source, byte[] content, String[] optionKeys, String[] optionValues) {
        return new ConvertedModel(org.mleruntime.exporters.Converters.convert(framework, source, content, options(optionKeys, optionValues)));
    }

    /**
     * Converts a framework's model file where it lies, so that files beside it are found (an ONNX
     * model's external data); options are parallel key/value arrays.
     */
    public static ConvertedModel convertFile(String framework, String path, String[] optionKeys, String[] optionValues) {
        return new ConvertedModel(org.mleruntime.exporters.Converters.convert(framework, Path.of(path), options(optionKeys, optionValues)));
    }

    private static java.util.Map<String, String> options(String[] keys, String[] values) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            options.put(keys[i], values[i]);
        }
        return options;
    }

    public static String inspect(String path) {
        return inspect(path, OpenOptions.defaults());
    }

    /** The file's container, and its metadata and graph when it can be read with {@code options} (its decryption key, its verify key). */
    public static String inspect(String path, OpenOptions options) {
        return Json.write(Descriptions.inspect(Path.of(path), options));
    }
}
