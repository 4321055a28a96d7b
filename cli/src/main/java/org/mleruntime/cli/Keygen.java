package org.mleruntime.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.SigningKey;

/**
 * {@code mle keygen}: an Ed25519 pair as PEM files (priv.pem readable by its owner only, pub.pem),
 * or with --aes a 256-bit encryption key as 64 hex digits (aes.key, owner only). Existing keys are
 * never overwritten without --force.
 */
final class Keygen extends Command {
    Keygen() {
        super("keygen", "--out DIR [--aes] [--force]",
                "write a new Ed25519 key pair (DIR/priv.pem, DIR/pub.pem) or, with --aes, an AES-256 key (DIR/aes.key)",
                Set.of("out"), Set.of("aes", "force"));
    }

    @Override
    int run(Args args, Terminal t) throws IOException {
        args.positional(0, 0, "no arguments besides options");
        Path dir = args.path("out");
        if (dir == null) {
            throw new UsageException("give the directory to write the keys to: --out DIR");
        }
        Files.createDirectories(dir);
        boolean force = args.flag("force");
        if (args.flag("aes")) {
            EncryptionKey key = EncryptionKey.generate();
            write(dir.resolve("aes.key"), key.toHex(), true, force);
            t.out().println("wrote " + dir.resolve("aes.key") + " (AES-256, key id " + key.idHex() + ")");
            return 0;
        }
        SigningKey key = SigningKey.generate();
        write(dir.resolve("priv.pem"), key.toPem(), true, force);
        write(dir.resolve("pub.pem"), key.verifyKey().toPem(), false, force);
        t.out().println("wrote " + dir.resolve("priv.pem") + " and " + dir.resolve("pub.pem") + " (Ed25519, key id " + key.verifyKey().idHex() + ")");
        return 0;
    }

    private static void write(Path file, String text, boolean secret, boolean force) throws IOException {
        if (!force && Files.exists(file)) {
            throw new FileAlreadyExistsException(file + " exists; pass --force to replace it");
        }
        Files.deleteIfExists(file);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
}
