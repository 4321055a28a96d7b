package org.mleruntime.planner;

import java.util.Map;

/**
 * Where each intermediate value lives inside one run's scratch arena. A batched value's slot
 * scales with the number of rows R: it starts at {@code offset × R} and spans {@code size × R}
 * bytes; an unbatched value's slot starts at {@code fixedBase(R) + offset}.
 */
public record MemoryPlan(Map<String, Slot> slots, long bytesPerRow, long fixedBytes, long unplannedBytesPerRow) {
    public record Slot(boolean perRow, long offset, long size, int firstUse, int lastUse) {}

    public MemoryPlan {
        slots = Map.copyOf(slots);
    }

    public long arenaBytes(long rows) {
        return Math.addExact(Math.multiplyExact(bytesPerRow, rows), fixedBytes);
    }

    public long fixedBase(long rows) {
        return Math.multiplyExact(bytesPerRow, rows);
    }

    /** Bytes per row a plan without reuse would need; the difference to {@link #bytesPerRow} is what reuse saves. */
    public long unplannedBytesPerRow() {
        return unplannedBytesPerRow;
    }
}
