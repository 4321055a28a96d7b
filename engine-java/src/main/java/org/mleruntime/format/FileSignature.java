package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;
import org.mleruntime.SignatureException;

/**
 * The SIGNATURE section (docs/FORMAT.md, "Signature"): an Ed25519 signature by a key named by its
 * key id, over a message made of the header's fixed fields and, for every other section in table
 * order, its table entry and the SHA-256 of its stored bytes. What the message leaves out (table
 * position, counts, lengths of the file, CRCs of the header and table, padding) is tied to it by
 * the CRCs and the layout rules, which a verifying reader checks first: so any changed byte fails.
 */
final class FileSignature {
    static final int LENGTH = 88;
    static final int ALGORITHM_ED25519 = 1;
    private static final byte[] CONTEXT = "MLE-SIGNATURE-V1".getBytes(StandardCharsets.US_ASCII);
    private static final long DIGEST_CHUNK = 1L << 26;

    private FileSignature() {}

    /** The section content: u32 algorithm, u32 reserved, 16-byte key id, 64-byte signature. */
    static byte[] create(SigningKey key, byte[] message) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ALGORITHM_ED25519).putInt(0).put(key.verifyKey().id()).put(key.sign(message));
        return b.array();
    }

    /**
     * The signed message: "MLE-SIGNATURE-V1", header bytes 0-15 (magic, version, flags), header
     * bytes 40-55 (key id), the count of signed sections (u32), then per signed section its 48-byte
     * table entry and the SHA-256 of its stored bytes.
     */
    static byte[] message(byte[] headerStart, byte[] keyId, List<SectionEntry> signed, List<byte[]> digests) {
        ByteBuffer b = ByteBuffer.allocate(CONTEXT.length + 16 + 16 + 4 + signed.size() * (SectionEntry.SIZE + 32)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(CONTEXT).put(headerStart, 0, 16).put(keyId, 0, 16).putInt(signed.size());
        for (int i = 0; i < signed.size(); i++) {
            byte[] entry = new byte[SectionEntry.SIZE];
            signed.get(i).write(MemorySegment.ofArray(entry), 0);
            b.put(entry).put(digests.get(i));
        }
        return b.array();
    }

    static byte[] digest(MemorySegment stored, Progress progress, String task, long[] done, long total) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long pos = 0; pos < stored.byteSize(); pos += DIGEST_CHUNK) {
                long n = Math.min(DIGEST_CHUNK, stored.byteSize() - pos);
                sha.update(stored.asSlice(pos, n).asByteBuffer());
                done[0] += n;
                progress.update(task, done[0], total);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new MleException("this Java runtime has no SHA-256", e);
        }
    }

    /** The key id the file is signed with, or null when it is not signed. */
    static byte[] signerId(FileLayout layout) {
        SectionEntry e = layout.section(SectionKind.SIGNATURE);
        if (e == null || e.length() != LENGTH) {
            return null;
        }
        return layout.stored(e).asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Checks every section's CRC and the signature against {@code key}; throws
     * {@link SignatureException} saying why when the file is unsigned, signed by another key, or
     * changed since it was signed.
     */
    static void verify(FileLayout layout, VerifyKey key, Progress progress) {
        SectionEntry entry = layout.section(SectionKind.SIGNATURE);
        if (entry == null) {
            throw new SignatureException("the model file is not signed, and a signature by key id " + key.idHex() + " is required");
        }
        long total = layout.sections().stream().mapToLong(SectionEntry::length).sum();
        long[] done = {0};
        List<SectionEntry> signed = new ArrayList<>();
        List<byte[]> digests = new ArrayList<>();
        for (SectionEntry e : layout.sections()) {
            layout.verify(e);
            if (e != entry) {
                signed.add(e);
                digests.add(digest(layout.stored(e), progress, "verifying", done, total));
            }
        }
        MemorySegment section = layout.stored(entry);
        if (entry.length() != LENGTH || section.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) != ALGORITHM_ED25519
                || section.get(ValueLayout.JAVA_INT_UNALIGNED, 4) != 0) {
            throw new SignatureException("the SIGNATURE section is not an Ed25519 signature this runtime (format " + FormatVersion.current()
                    + ") knows: " + entry.length() + " bytes");
        }
        byte[] signerId = section.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(signerId, key.id())) {
            throw new SignatureException("the model file is signed with key id " + KeyMaterial.hex(signerId) + ", not by the given key (key id "
                    + key.idHex() + ")");
        }
        MemorySegment mapping = layout.mapping();
        byte[] message = message(mapping.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE), mapping.asSlice(40, 16).toArray(ValueLayout.JAVA_BYTE),
                signed, digests);
        if (!key.verifies(message, section.asSlice(24, 64).toArray(ValueLayout.JAVA_BYTE))) {
            throw new SignatureException("the signature by key id " + key.idHex() + " does not match: the file was changed after it was signed");
        }
    }

    /**
     * Validates the container and the signature of a mapped file together: when a file is checked
     * against a key, a corrupt byte anywhere is a broken signature and is reported as one. A file
     * without a signature passes only when {@code required} is false.
     */
    static FileLayout verifiedLayout(MemorySegment mapping, VerifyKey key, boolean required, Progress progress) {
        try {
            FileLayout layout = FileLayout.read(mapping);
            if (required || layout.section(SectionKind.SIGNATURE) != null) {
                verify(layout, key, progress);
            }
            return layout;
        } catch (SignatureException | org.mleruntime.UnsupportedVersionException e) {
            throw e;
        } catch (CorruptFileException e) {
            throw new SignatureException("the model file fails signature verification: " + e.getMessage(), e);
        }
    }
}
