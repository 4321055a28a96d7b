package org.mleruntime.spark.scoring;

import java.io.File;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;
import org.mleruntime.MleException;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.VerifyKey;

/**
 * Which model file a job scores with and how it is opened: its path and, for signed or encrypted
 * files, the paths of the keys. Each JVM that opens it finds the file either at the path itself (a
 * file system every executor sees) or, failing that, among the files shipped with
 * {@code SparkContext.addFile} under the path's file name.
 *
 * @param path the model file
 * @param verifyKeyPath an Ed25519 public key file that signed files must verify against, or null
 * @param requireSignature whether unsigned files are refused (needs {@code verifyKeyPath})
 * @param decryptionKeyPath the key file of an encrypted model, or null
 */
public record ModelSource(String path, String verifyKeyPath, boolean requireSignature, String decryptionKeyPath) implements Serializable {
    public ModelSource {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("the model path is not set");
        }
        if (requireSignature && verifyKeyPath == null) {
            throw new IllegalArgumentException("requireSignature needs a verify key path");
        }
    }

    public static ModelSource of(String path) {
        return new ModelSource(path, null, false, null);
    }

    /** The model file as this JVM sees it. */
    public Path localModel() {
        return local(path, "model file");
    }

    public OpenOptions openOptions() {
        OpenOptions options = OpenOptions.defaults();
        if (verifyKeyPath != null) {
            options = options.withVerifyKey(VerifyKey.read(local(verifyKeyPath, "verify key")), requireSignature);
        }
        if (decryptionKeyPath != null) {
            options = options.withDecryptionKey(EncryptionKey.read(local(decryptionKeyPath, "decryption key")));
        }
        return options;
    }

    private static Path local(String given, String what) {
        Path direct = Path.of(given);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        String shipped = shippedFile(new File(given).getName());
        if (shipped != null && Files.isRegularFile(Path.of(shipped))) {
            return Path.of(shipped);
        }
        throw new MleException("the " + what + " " + given + " is neither a file here nor among the files added with SparkContext.addFile");
    }

    private static String shippedFile(String name) {
        try {
            return SparkFiles.get(name);
        } catch (RuntimeException e) {
            // No SparkEnv in this JVM (a plain Java caller): there are no shipped files to look in.
            return null;
        }
    }
}
