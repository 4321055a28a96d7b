package org.mleruntime.cli;

import java.nio.file.Path;
import java.util.Set;
import org.mleruntime.format.FileLayout;
import org.mleruntime.format.FileSigner;
import org.mleruntime.format.SectionEntry;
import org.mleruntime.format.VerifyKey;

/**
 * {@code mle verify}: with a public key, checks the signature over every byte of the file (no
 * decryption key needed); without one, checks every section's checksum and says who signed it.
 */
final class Verify extends Command {
    Verify() {
        super("verify", "FILE [--key PUBLIC_KEY]",
                "check a file's signature against a public key (or, without one, every section's checksum)",
                Set.of("key"), Set.of());
    }

    @Override
    int run(Args args, Terminal t) {
        Path file = Path.of(args.positional(1, 1, "FILE").getFirst());
        long bytes;
        int sections;
        String signer;
        try (FileLayout layout = FileLayout.open(file)) {
            sections = layout.sections().size();
            bytes = layout.sections().stream().mapToLong(SectionEntry::length).sum();
            signer = FileSigner.signerId(layout);
            if (args.path("key") == null) {
                long[] done = {0};
                for (SectionEntry e : layout.sections()) {
                    layout.verify(e);
                    done[0] += e.length();
                    t.progress().update("checking", done[0], bytes);
                }
            }
        }
        if (args.path("key") != null) {
            VerifyKey key = VerifyKey.read(args.path("key"));
            FileSigner.verify(file, key, t.progress());
            t.progress().clear();
            t.out().println(file + ": OK, signed by key id " + key.idHex() + "; the signature covers all " + sections + " sections ("
                    + Table.bytes(bytes) + ")");
            return 0;
        }
        t.progress().clear();
        t.out().println(file + ": OK, all " + sections + " section checksums match (" + Table.bytes(bytes) + "); "
                + (signer == null ? "not signed" : "signed by key id " + signer + ": give --key PUBLIC_KEY to check the signature"));
        return 0;
    }
}
