package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The loader on files opened with the golden files' verification and decryption keys, as their
 * signed and encrypted files are: signature, encryption parameters and encrypted envelopes are read.
 * A signature is not required, so unsigned files open too. Checksums are made right first
 * ({@link FileChecksums}); a signature over the mutated bytes cannot be.
 */
class KeyedModelFileFuzzTest {
    @FuzzTest
    void openAndRun(byte[] file) {
        ModelRuns.openAndRun(FileChecksums.recomputed(file), ModelRuns.openOptions()
                .withVerifyKey(GoldenKeys.VERIFY_KEY, false)
                .withDecryptionKey(GoldenKeys.DECRYPTION_KEY));
    }
}
