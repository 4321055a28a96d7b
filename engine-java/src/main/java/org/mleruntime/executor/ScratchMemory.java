package org.mleruntime.executor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.mleruntime.InvalidInputException;

/**
 * Scratch memory for runs. A thread runs one graph at a time, so it can keep one buffer and reuse
 * it run after run: a one-row prediction then costs no allocation, no zeroing and no free. Buffers
 * above {@link #KEEP_LIMIT} are not kept by the thread, so a single huge batch does not pin its
 * memory to the thread for good; they are kept by the plan they served instead ({@link Pool}), as
 * many as runs of it went on at once, up to the session's thread count: a network's tens of
 * megabytes of activations are then not allocated, zeroed and freed on every call.
 */
final class ScratchMemory {
    static final long KEEP_LIMIT = 8L << 20;
    private static final ThreadLocal<MemorySegment> KEPT = new ThreadLocal<>();

    private ScratchMemory() {}

    /** Large scratch buffers kept by one plan, at most {@code limit} of them, for its runs to come; released with the plan. */
    static final class Pool {
        private final ConcurrentLinkedQueue<MemorySegment> free = new ConcurrentLinkedQueue<>();
        private final int limit;

        Pool(int limit) {
            this.limit = limit;
        }

        /** A kept buffer of at least {@code bytes} (one too small is dropped), else a new one. */
        private MemorySegment take(long bytes) {
            MemorySegment s = free.poll();
            return s != null && s.byteSize() >= bytes ? s : allocate(Arena.ofAuto(), bytes);
        }

        private void give(MemorySegment s) {
            if (free.size() < limit) {
                free.offer(s);
            }
        }
    }

    /** {@link #with(long, java.util.function.Consumer)}, a large buffer taken from and given back to {@code pool}. */
    static void with(long bytes, Pool pool, java.util.function.Consumer<MemorySegment> body) {
        if (bytes <= KEEP_LIMIT) {
            with(bytes, body);
            return;
        }
        MemorySegment s = pool.take(bytes);
        try {
            body.accept(s);
        } finally {
            pool.give(s);
        }
    }

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
