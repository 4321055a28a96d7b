package org.mleruntime.executor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.mleruntime.InvalidInputException;

/**
 * Per-thread scratch memory for runs. A thread runs one graph at a time, so it can keep one buffer
 * and reuse it run after run: a one-row prediction then costs no allocation, no zeroing and no
 * free. Buffers above {@link #KEEP_LIMIT} are not kept, so a single huge batch does not pin its
 * memory to the thread for good.
 */
final class ScratchMemory {
    static final long KEEP_LIMIT = 8L << 20;
    private static final ThreadLocal<MemorySegment> KEPT = new ThreadLocal<>();

    private ScratchMemory() {}

    /** Runs {@code body} with at least {@code bytes} of 64-byte aligned scratch memory. */
    static void with(long bytes, java.util.function.Consumer<MemorySegment> body) {
        if (bytes > KEEP_LIMIT) {
            // Shared, not confined: kernels may hand parts of a run to other threads (kernels.Parallel).
            try (Arena arena = Arena.ofShared()) {
                body.accept(allocate(arena, bytes));
            }
            return;
        }
        MemorySegment kept = KEPT.get();
        if (kept == null || kept.byteSize() < bytes) {
            kept = Arena.ofAuto().allocate(Math.max(bytes, 4096), 64);
            KEPT.set(kept);
        }
        KEPT.remove();
        try {
            body.accept(kept);
        } finally {
            KEPT.set(kept);
        }
    }

    private static MemorySegment allocate(Arena arena, long bytes) {
        try {
            return arena.allocate(bytes, 64);
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("this batch needs " + bytes + " bytes of scratch memory for the model's intermediate "
                    + "values, which could not be allocated; pass fewer rows at a time");
        }
    }
}
