package org.mleruntime.cli;

import java.nio.file.Path;
import java.util.Set;
import org.mleruntime.format.FileSigner;
import org.mleruntime.format.SigningKey;

/** {@code mle sign}: signs a file in place (or into --out), leaving every section where it was. */
final class Sign extends Command {
    Sign() {
        super("sign", "FILE --key PRIVATE_KEY [--out OUT]",
                "sign a file with an Ed25519 private key (PEM or raw), replacing any signature; the weights do not move",
                Set.of("key", "out"), Set.of());
    }

    @Override
    int run(Args args, Terminal t) {
        Path file = Path.of(args.positional(1, 1, "FILE").getFirst());
        if (args.path("key") == null) {
            throw new UsageException("give the private key to sign with: --key PRIVATE_KEY");
        }
        SigningKey key = SigningKey.read(args.path("key"));
        Path out = args.path("out") == null ? file : args.path("out");
        FileSigner.sign(file, out, key, t.progress());
        t.progress().clear();
        t.out().println("signed " + out + " with key id " + key.verifyKey().idHex() + "; every section kept its offset");
        return 0;
    }
}
