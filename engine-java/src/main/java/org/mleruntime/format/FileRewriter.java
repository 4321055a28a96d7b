package org.mleruntime.format;

import java.nio.file.Path;

/**
 * Rewrites a model file with other coding: compressed or not, encrypted or not, signed or not. The
 * content of every data section is kept byte for byte, sections of kinds this reader does not know
 * included; only their stored form, the signature and the encryption parameters change.
 */
public final class FileRewriter {
    private FileRewriter() {}

    /** Reads {@code source} with {@code read} (keys to decrypt and verify it) and writes {@code target} with {@code write}. */
    public static void rewrite(Path source, OpenOptions read, Path target, WriteOptions write) {
        try (ModelFile file = ModelFile.open(source, read)) {
            ModelFileWriter.writeSections(target, file.header().flags(), file.dataSections(), write);
        }
    }
}
