package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** CRC32C (Castagnoli) over memory segments, through the JDK's hardware-accelerated implementation. */
public final class Checksums {
    private static final long CHUNK = 1L << 30;

    private Checksums() {}

    public static int crc32c(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        for (long pos = 0; pos < segment.byteSize(); pos += CHUNK) {
            crc.update(segment.asSlice(pos, Math.min(CHUNK, segment.byteSize() - pos)).asByteBuffer());
        }
        return (int) crc.getValue();
    }
}
