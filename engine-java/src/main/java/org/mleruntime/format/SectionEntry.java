package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.mleruntime.CorruptFileException;

/**
 * One 48-byte entry of the section table (see docs/FORMAT.md, "Section table"):
 *
 * <pre>
 * offset size field
 *  0      4   kind          u32, a {@link SectionKind} code
 *  4      4   flags         u32: bits 0-3 compression (0 none, 1 LZ4, 2 Zstandard, 3 Brotli),
 *                           bit 4 encrypted (AES-256-GCM), bits 5-15 features a reader must know,
 *                           bits 16-30 optional ones, bit 31 required (a reader that does not know
 *                           the kind must refuse the file rather than skip the section)
 *  8      8   offset        u64, multiple of 64
 * 16      8   length        u64, bytes stored in the file
 * 24      8   raw length    u64, bytes after decompression and decryption (= length when neither)
 * 32      4   CRC32C        u32, of the stored bytes
 * 36     12   reserved      zero
 * </pre>
 */
public record SectionEntry(int kind, int flags, long offset, long length, long rawLength, int crc32c) {
    public static final int SIZE = 48;
    public static final int FLAG_COMPRESSION_MASK = 0xF;
    public static final int FLAG_ENCRYPTED = 1 << 4;
    /** Flag bits of features a reader must understand; none beyond compression and encryption are defined. */
    static final int UNKNOWN_REQUIRED_FEATURES = 0xFFE0;
    public static final int FLAG_REQUIRED = 1 << 31;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Throws when entry {@code index}'s reserved bytes 36-47 are not zero. */
    static void checkReservedZero(MemorySegment table, int index) {
        long base = (long) index * SIZE;
        for (long p = base + 36; p < base + SIZE; p++) {
            if (table.get(ValueLayout.JAVA_BYTE, p) != 0) {
                throw new CorruptFileException("section table entry " + index + " has a non-zero reserved byte at entry offset " + (p - base));
            }
        }
    }

    static SectionEntry read(MemorySegment table, int index) {
        long base = (long) index * SIZE;
        return new SectionEntry(table.get(U32, base), table.get(U32, base + 4), table.get(U64, base + 8),
                table.get(U64, base + 16), table.get(U64, base + 24), table.get(U32, base + 32));
    }

    void write(MemorySegment table, int index) {
        long base = (long) index * SIZE;
        table.set(U32, base, kind);
        table.set(U32, base + 4, flags);
        table.set(U64, base + 8, offset);
        table.set(U64, base + 16, length);
        table.set(U64, base + 24, rawLength);
        table.set(U32, base + 32, crc32c);
        table.asSlice(base + 36, 12).fill((byte) 0);
    }

    public SectionKind knownKind() {
        return SectionKind.fromCode(kind);
    }

    public String kindName() {
        SectionKind k = knownKind();
        return k == null ? "UNKNOWN(" + kind + ")" : k.name();
    }

    public int compression() {
        return flags & FLAG_COMPRESSION_MASK;
    }

    public boolean encrypted() {
        return (flags & FLAG_ENCRYPTED) != 0;
    }

    public boolean required() {
        return (flags & FLAG_REQUIRED) != 0;
    }

    /** Whether the stored bytes are a block envelope (compressed, encrypted or both) rather than the raw content. */
    public boolean enveloped() {
        return compression() != 0 || encrypted();
    }
}
