package org.mleruntime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The loader on files opened with no keys: a signed file is read unverified, an encrypted one
 * refused. Checksums are made right first ({@link FileChecksums}).
 */
class ModelFileFuzzTest {
    @FuzzTest
    void openAndRun(byte[] file) {
        ModelRuns.openAndRun(FileChecksums.recomputed(file), ModelRuns.openOptions());
    }
}
