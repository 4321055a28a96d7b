package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.mleruntime.CorruptFileException;
import org.mleruntime.UnsupportedVersionException;

/**
 * The 64-byte header at offset 0 of every .mle file (see docs/FORMAT.md, "Header"):
 *
 * <pre>
 * offset size field
 *  0      8   magic            89 4D 4C 45 0D 0A 1A 0A  ("\x89MLE\r\n\x1a\n")
 *  8      2   major version    u16
 * 10      2   minor version    u16
 * 12      4   flags            u32; bits 0-15 must be understood by a reader, 16-31 may be ignored;
 *                              bit 0 (1.1): the graph has float16 or int8 constants (quantized weights)
 * 16      8   table offset     u64, multiple of 64
 * 24      4   section count    u32
 * 28      4   table CRC32C     u32, of the whole section table
 * 32      8   file length      u64, the exact size of the file
 * 40     16   key id           encryption key identifier, zero when unencrypted
 * 56      4   reserved         zero
 * 60      4   header CRC32C    u32, of bytes 0..59
 * </pre>
 */
public record FileHeader(int major, int minor, int flags, long tableOffset, int sectionCount, int tableCrc,
                         long fileLength, byte[] keyId) {
    public static final int SIZE = 64;
    public static final int ALIGNMENT = 64;
    static final byte[] MAGIC = {(byte) 0x89, 'M', 'L', 'E', '\r', '\n', 0x1A, '\n'};
    /** Flag bits a reader must understand; a set bit it does not know makes the file unreadable for it. */
    static final int REQUIRED_FLAGS_MASK = 0xFFFF;
    /** Format 1.1: constants of dtype float16 or int8, which a 1.0 reader cannot decode. */
    public static final int FLAG_QUANTIZED = 1;
    static final int KNOWN_REQUIRED_FLAGS = FLAG_QUANTIZED;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public FileHeader {
        keyId = keyId.clone();
    }

    @Override
    public byte[] keyId() {
        return keyId.clone();
    }

    /** Whether the key id is set, which it is exactly when sections are encrypted. */
    public boolean hasKeyId() {
        for (byte b : keyId) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    /** Reads and validates the header of a file of {@code actualLength} bytes. */
    static FileHeader read(MemorySegment file, long actualLength) {
        if (actualLength < SIZE) {
            throw new CorruptFileException("file is " + actualLength + " bytes, shorter than the 64-byte header: truncated or not an .mle file");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new CorruptFileException("bad magic at byte " + i + ": not an .mle file");
            }
        }
        int major = Short.toUnsignedInt(file.get(U16, 8));
        int minor = Short.toUnsignedInt(file.get(U16, 10));
        int storedCrc = file.get(U32, 60);
        int actualCrc = Checksums.crc32c(file.asSlice(0, 60));
        if (major != FormatVersion.MAJOR) {
            // The version is read before the header checksum so that a newer file gets the version message.
            if (storedCrc == actualCrc) {
                throw new UnsupportedVersionException("file format version " + major + "." + minor
                        + " is not readable by this runtime, which reads format " + FormatVersion.MAJOR + ".x (writes "
                        + FormatVersion.current() + ")");
            }
        }
        if (storedCrc != actualCrc) {
            throw new CorruptFileException(String.format("header checksum mismatch (stored %08x, computed %08x): header bytes 0-59 are corrupt", storedCrc, actualCrc));
        }
        int flags = file.get(U32, 12);
        int unknownRequired = flags & REQUIRED_FLAGS_MASK & ~KNOWN_REQUIRED_FLAGS;
        if (unknownRequired != 0) {
            throw new UnsupportedVersionException(String.format("file uses required feature flags %04x that this runtime (format %s) does not support", unknownRequired, FormatVersion.current()));
        }
        long tableOffset = file.get(U64, 16);
        int count = file.get(U32, 24);
        int tableCrc = file.get(U32, 28);
        long fileLength = file.get(U64, 32);
        byte[] keyId = file.asSlice(40, 16).toArray(ValueLayout.JAVA_BYTE);
        if (fileLength != actualLength) {
            throw new CorruptFileException("header says the file is " + fileLength + " bytes but it is " + actualLength + ": truncated or extended");
        }
        if (count < 0 || count > 65_536) {
            throw new CorruptFileException("implausible section count " + Integer.toUnsignedString(count));
        }
        long tableEnd = tableOffset + (long) count * SectionEntry.SIZE;
        if (tableOffset < SIZE || tableOffset % ALIGNMENT != 0 || tableEnd > actualLength || tableEnd < tableOffset) {
            throw new CorruptFileException("section table at offset " + tableOffset + " with " + count + " entries lies outside the file or is misaligned");
        }
        // Bytes after the table, or in the reserved field, would be covered by no CRC rule and no signature.
        if (tableEnd != actualLength) {
            throw new CorruptFileException((actualLength - tableEnd) + " bytes follow the section table, which must end the file");
        }
        if (file.get(U32, 56) != 0) {
            throw new CorruptFileException("header bytes 56-59 are reserved and must be zero");
        }
        return new FileHeader(major, minor, flags, tableOffset, count, tableCrc, fileLength, keyId);
    }

    /** Header bytes 0-15 (magic, version, flags) of a file of this writer's major version. */
    static byte[] start(int minor, int flags) {
        byte[] b = new byte[16];
        MemorySegment s = MemorySegment.ofArray(b);
        MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, s, 0, MAGIC.length);
        s.set(U16, 8, (short) FormatVersion.MAJOR);
        s.set(U16, 10, (short) minor);
        s.set(U32, 12, flags);
        return b;
    }

    void write(MemorySegment file) {
        MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, file, 0, MAGIC.length);
        file.set(U16, 8, (short) major);
        file.set(U16, 10, (short) minor);
        file.set(U32, 12, flags);
        file.set(U64, 16, tableOffset);
        file.set(U32, 24, sectionCount);
        file.set(U32, 28, tableCrc);
        file.set(U64, 32, fileLength);
        MemorySegment.copy(MemorySegment.ofArray(keyId), 0, file, 40, 16);
        file.set(U32, 56, 0);
        file.set(U32, 60, Checksums.crc32c(file.asSlice(0, 60)));
    }
}
