package org.mleruntime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.mleruntime.format.Compression;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.FileLayout;
import org.mleruntime.format.FileRewriter;
import org.mleruntime.format.FileSigner;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.SectionEntry;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.WriteOptions;

/**
 * {@code mle encrypt}, {@code decrypt} and {@code compress}: a file rewritten with other coding, its
 * content unchanged. What a command does not change is kept: encrypt and decrypt keep the
 * compression codec, compress keeps the encryption (and needs its key). A signature cannot survive
 * a rewrite; --sign-key signs the new file.
 */
final class Rewrite extends Command {
    enum Kind { ENCRYPT, DECRYPT, COMPRESS }

    private final Kind kind;

    Rewrite(Kind kind) {
        super(kind.name().toLowerCase(Locale.ROOT), switch (kind) {
            case ENCRYPT, DECRYPT -> "IN OUT --key AES_KEY [--sign-key PRIVATE_KEY] [--verify-key PUBLIC_KEY]";
            case COMPRESS -> "IN OUT [--codec lz4|zstd|brotli|none] [--level N] [--key AES_KEY] [--sign-key PRIVATE_KEY] [--verify-key PUBLIC_KEY]";
        }, switch (kind) {
            case ENCRYPT -> "encrypt every section with AES-256-GCM (key: 32 bytes raw, hex or base64)";
            case DECRYPT -> "write a decrypted copy";
            case COMPRESS -> "compress every section (zstd by default, at the codec's default level)";
        }, kind == Kind.COMPRESS ? Set.of("codec", "level", "key", "sign-key", "verify-key") : Set.of("key", "sign-key", "verify-key"), Set.of());
        this.kind = kind;
    }

    @Override
    int run(Args args, Terminal t) throws IOException {
        var paths = args.positional(2, 2, "IN OUT");
        Path in = Path.of(paths.get(0));
        Path out = Path.of(paths.get(1));
        Compression kept;
        String encryptedWith;
        String signer;
        try (FileLayout layout = FileLayout.open(in)) {
            kept = layout.sections().stream().filter(SectionEntry::enveloped).map(e -> Compression.fromCode(e.compression()))
                    .filter(c -> c != null && c != Compression.NONE).findFirst().orElse(Compression.NONE);
            encryptedWith = layout.header().hasKeyId() ? java.util.HexFormat.of().formatHex(layout.header().keyId()) : null;
            signer = FileSigner.signerId(layout);
        }
        if (args.path("key") == null && (kind != Kind.COMPRESS || encryptedWith != null)) {
            throw new UsageException(kind == Kind.COMPRESS ? in + " is encrypted (key id " + encryptedWith + "): give its key, --key AES_KEY"
                    : "give the encryption key: --key AES_KEY");
        }
        if (kind == Kind.ENCRYPT && encryptedWith != null) {
            throw new UsageException(in + " is already encrypted (key id " + encryptedWith + "); decrypt it first");
        }
        if (kind == Kind.DECRYPT && encryptedWith == null) {
            throw new UsageException(in + " is not encrypted");
        }
        OpenOptions read = Keys.reading(args, kind != Kind.ENCRYPT);
        WriteOptions write = WriteOptions.defaults().withProgress(t.progress());
        if (kind == Kind.COMPRESS) {
            Compression codec = Compression.fromLabel(args.option("codec", "zstd"));
            write = args.option("level") == null ? write.compressed(codec) : write.compressed(codec, args.integer("level", 0, Integer.MIN_VALUE));
        } else {
            write = write.compressed(kept);
        }
        if (kind == Kind.ENCRYPT || (kind == Kind.COMPRESS && encryptedWith != null)) {
            write = write.encrypted(EncryptionKey.read(args.path("key")));
        }
        SigningKey signing = Keys.signing(args);
        if (signing != null) {
            write = write.signed(signing);
        }
        long before = Files.size(in);
        FileRewriter.rewrite(in, read, out, write);
        t.progress().clear();
        long after = Files.size(out);
        t.out().printf(Locale.ROOT, "wrote %s: %s -> %s (%.2fx)%s%s%n", out, Table.bytes(before), Table.bytes(after), (double) before / after,
                write.compression() == Compression.NONE ? ", uncompressed" : ", " + write.compression().label() + " level " + write.level(),
                write.encryptionKey() == null ? "" : ", encrypted with key id " + write.encryptionKey().idHex());
        if (signing != null) {
            t.out().println("signed with key id " + signing.verifyKey().idHex());
        } else if (signer != null) {
            t.note("the signature by key id " + signer + " does not cover the rewritten file; sign it again with mle sign or --sign-key");
        }
        return 0;
    }
}
