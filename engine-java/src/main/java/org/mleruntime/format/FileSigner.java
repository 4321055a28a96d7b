package org.mleruntime.format;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs an existing model file and verifies signed ones, without decoding or decrypting anything:
 * signing keeps every section at its offset, byte for byte, and replaces only the signature, the
 * section table and the header.
 */
public final class FileSigner {
    private FileSigner() {}

    /** Writes {@code target} (which may be {@code source}) as {@code source} signed by {@code key}, replacing any signature. */
    public static void sign(Path source, Path target, SigningKey key, Progress progress) {
        try (FileLayout layout = FileLayout.open(source)) {
            List<FileAssembler.Part> parts = new ArrayList<>();
            for (SectionEntry e : layout.sections()) {
                layout.verify(e);
                if (e.knownKind() != SectionKind.SIGNATURE) {
                    parts.add(new FileAssembler.Part(e.kind(), e.flags(), e.rawLength(), e.offset(), new FileAssembler.Slice(layout.stored(e))));
                }
            }
            FileHeader h = layout.header();
            FileAssembler.write(target, new FileAssembler.HeaderFields(Math.max(h.minor(), FormatVersion.MINOR), h.flags(), h.keyId()),
                    parts, key, progress);
        }
    }

    /**
     * Checks the signature of {@code file} against {@code key} (and every byte it covers); throws
     * {@link org.mleruntime.SignatureException} saying why when it does not verify.
     */
    public static void verify(Path file, VerifyKey key, Progress progress) {
        try (Arena arena = Arena.ofShared()) {
            FileSignature.verifiedLayout(FileLayout.map(file, arena), key, true, progress);
        }
    }

    /** The hexadecimal key id of the key the file is signed with, or null when it is not signed. */
    public static String signerId(FileLayout layout) {
        byte[] id = FileSignature.signerId(layout);
        return id == null ? null : KeyMaterial.hex(id);
    }
}
