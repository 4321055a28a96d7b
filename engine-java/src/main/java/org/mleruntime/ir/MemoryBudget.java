package org.mleruntime.ir;

import org.mleruntime.InvalidModelException;

/**
 * What a model may still make the engine allocate, reserved before each allocation that a file's
 * declarations size: decoded sections at open, then the constants a session derives (dequantized
 * weights, folded nodes). A file that asks for more is refused before the memory is taken, so a
 * small file cannot make the engine hold gigabytes. Thread-safe.
 */
public final class MemoryBudget {
    private final long limit;
    private long reserved;

    public MemoryBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a memory limit must not be negative, got " + limit);
        }
        this.limit = limit;
    }

    /** No limit: for graphs built in memory, whose size their builder already chose. */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} for {@code what}, or throws naming it and the limit when they do not fit. */
    public synchronized void reserve(long bytes, String what) {
        if (bytes < 0 || bytes > limit - reserved) {
            throw new InvalidModelException(what + " needs " + Long.toUnsignedString(bytes) + " bytes, beyond the " + (limit - reserved)
                    + " left of this model's memory limit of " + limit + " bytes (OpenOptions.maxMemoryBytes, the mle.maxModelMemory property)");
        }
        reserved += bytes;
    }

    public synchronized long remaining() {
        return limit - reserved;
    }

    public long limit() {
        return limit;
    }
}
