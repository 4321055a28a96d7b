package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/** CRC32C (Castagnoli) over memory segments, through the JDK's hardware-accelerated implementation. */
public final class Checksums {
    private static final long CHUNK = 1L << 30;

    private Checksums() {}

    /** A background check's step: short enough that closing a file waits for at most one. */
    private static final long STOPPABLE_CHUNK = 1L << 24;

    public static int crc32c(MemorySegment segment) {
        return crc32c(segment, CHUNK, () -> false);
    }

    /**
     * CRC32C of {@code segment}, asking {@code stop} between chunks of 16 MiB: throws
     * {@link CancellationException} once it says true (the file is being closed).
     */
    public static int crc32c(MemorySegment segment, BooleanSupplier stop) {
        return crc32c(segment, STOPPABLE_CHUNK, stop);
    }

    private static int crc32c(MemorySegment segment, long chunk, BooleanSupplier stop) {
        CRC32C crc = new CRC32C();
        for (long pos = 0; pos < segment.byteSize(); pos += chunk) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("the file was closed before its checksum was verified");
            }
            crc.update(segment.asSlice(pos, Math.min(chunk, segment.byteSize() - pos)).asByteBuffer());
        }
        return (int) crc.getValue();
    }
}
