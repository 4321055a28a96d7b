package org.mleruntime.cli;

import java.nio.file.Path;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.VerifyKey;

/** The key options the commands share: --key, --verify-key and --sign-key, read from their files. */
final class Keys {
    private Keys() {}

    /** How to open a file: verified with --verify-key if given, decrypted with --key when {@code keyDecrypts}. */
    static OpenOptions reading(Args args, boolean keyDecrypts) {
        OpenOptions options = OpenOptions.defaults();
        Path verify = args.path("verify-key");
        if (verify != null) {
            options = options.withVerifyKey(VerifyKey.read(verify), true);
        }
        Path key = keyDecrypts ? args.path("key") : null;
        return key == null ? options : options.withDecryptionKey(EncryptionKey.read(key));
    }

    static SigningKey signing(Args args) {
        Path key = args.path("sign-key");
        return key == null ? null : SigningKey.read(key);
    }
}
