package org.mleruntime.format;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Edits the bytes of a model file the way an attacker who knows the format would: changes a field
 * and recomputes the CRCs that would otherwise give the change away, so that the checks behind them
 * are what a test exercises.
 */
final class FileSurgery {
    private final byte[] bytes;
    private final ByteBuffer b;

    FileSurgery(byte[] bytes) {
        this.bytes = bytes.clone();
        this.b = ByteBuffer.wrap(this.bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    byte[] bytes() {
        return bytes;
    }

    long tableOffset() {
        return b.getLong(16);
    }

    int count() {
        return b.getInt(24);
    }

    List<SectionEntry> entries() {
        List<SectionEntry> out = new ArrayList<>();
        MemorySegment table = MemorySegment.ofArray(bytes).asSlice(tableOffset(), (long) count() * SectionEntry.SIZE);
        for (int i = 0; i < count(); i++) {
            out.add(SectionEntry.read(table, i));
        }
        return out;
    }

    int index(SectionKind kind) {
        List<SectionEntry> entries = entries();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).knownKind() == kind) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + kind + " section");
    }

    SectionEntry entry(SectionKind kind) {
        return entries().get(index(kind));
    }

    /** Byte offset of field {@code fieldOffset} of the table entry of {@code kind}. */
    int entryField(SectionKind kind, int fieldOffset) {
        return (int) (tableOffset() + (long) index(kind) * SectionEntry.SIZE + fieldOffset);
    }

    FileSurgery putLong(int at, long value) {
        b.putLong(at, value);
        return this;
    }

    FileSurgery putInt(int at, int value) {
        b.putInt(at, value);
        return this;
    }

    FileSurgery flip(long at) {
        bytes[(int) at] ^= 0x5A;
        return this;
    }

    /** Recomputes the CRC of every section, then of the table, then of the header. */
    FileSurgery resealed() {
        for (int i = 0; i < count(); i++) {
            int base = (int) (tableOffset() + (long) i * SectionEntry.SIZE);
            long offset = b.getLong(base + 8);
            long length = b.getLong(base + 16);
            if (offset >= 0 && length >= 0 && offset + length <= bytes.length) {
                b.putInt(base + 32, crc(offset, length));
            }
        }
        b.putInt(28, crc(tableOffset(), (long) count() * SectionEntry.SIZE));
        b.putInt(60, crc(0, 60));
        return this;
    }

    private int crc(long offset, long length) {
        CRC32C c = new CRC32C();
        c.update(bytes, (int) offset, (int) length);
        return (int) c.getValue();
    }
}
