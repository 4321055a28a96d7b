package org.mleruntime.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Rewrites a model file's declared length and its CRC32C fields (sections, section table, header;
 * docs/FORMAT.md) to match its bytes. Nearly every mutation of a file breaks a checksum, and the
 * loader rightly stops there; with the checksums made right, mutations reach the decoding and
 * validation behind them. Fields that point outside the file are left alone, so the loader still
 * sees them.
 */
final class FileChecksums {
    private static final int HEADER_SIZE = 64;
    private static final int HEADER_CRC_COVERS = 60;
    private static final int TABLE_ENTRY_SIZE = 48;

    private FileChecksums() {}

    static byte[] recomputed(byte[] file) {
        if (file.length < HEADER_SIZE) {
            return file;
        }
        byte[] fixed = file.clone();
        ByteBuffer b = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
        long tableOffset = b.getLong(16);
        long tableLength = Integer.toUnsignedLong(b.getInt(24)) * TABLE_ENTRY_SIZE;
        if (within(fixed, tableOffset, tableLength)) {
            for (long entry = tableOffset; entry < tableOffset + tableLength; entry += TABLE_ENTRY_SIZE) {
                long offset = b.getLong((int) entry + 8);
                long length = b.getLong((int) entry + 16);
                if (within(fixed, offset, length)) {
                    b.putInt((int) entry + 32, crc32c(fixed, offset, length));
                }
            }
            b.putInt(28, crc32c(fixed, tableOffset, tableLength));
        }
        b.putLong(32, fixed.length);
        b.putInt(HEADER_CRC_COVERS, crc32c(fixed, 0, HEADER_CRC_COVERS));
        return fixed;
    }

    private static boolean within(byte[] file, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= file.length && length <= file.length - offset;
    }

    private static int crc32c(byte[] file, long offset, long length) {
        CRC32C crc = new CRC32C();
        crc.update(file, (int) offset, (int) length);
        return (int) crc.getValue();
    }
}
