package org.mleruntime.fuzz;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.VerifyKey;

/** The test keys that the golden files of tests-java were signed and encrypted with. */
final class GoldenKeys {
    static final VerifyKey VERIFY_KEY = VerifyKey.read(resource("golden-keys/pub.pem"));
    static final EncryptionKey DECRYPTION_KEY = EncryptionKey.read(resource("golden-keys/aes.key"));

    private GoldenKeys() {}

    private static Path resource(String name) {
        try {
            return Path.of(GoldenKeys.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
