package org.mleruntime.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;
import org.mleruntime.UnsupportedVersionException;

/**
 * The container of a mapped .mle file, validated before anything reads a section: header, section
 * table and its CRC, every section's bounds, alignment and flags, the zero padding between sections
 * and the rules that tie sections together (docs/FORMAT.md, "Reading and validation", steps 1-7).
 * Section contents are not decoded here; {@link #verify} checks a section's CRC on demand.
 */
public final class FileLayout implements AutoCloseable {
    private final MemorySegment mapping;
    private final FileHeader header;
    private final List<SectionEntry> sections;
    private final Map<SectionKind, SectionEntry> known;
    private final Arena ownArena;

    private FileLayout(MemorySegment mapping, FileHeader header, List<SectionEntry> sections,
                       Map<SectionKind, SectionEntry> known, Arena ownArena) {
        this.mapping = mapping;
        this.header = header;
        this.sections = List.copyOf(sections);
        this.known = known;
        this.ownArena = ownArena;
    }

    /** Maps {@code path} read-only into {@code arena}. */
    static MemorySegment map(Path path, Arena arena) {
        if (java.nio.file.Files.isDirectory(path)) {
            throw new MleException(path + " is a directory, not a model file");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (NoSuchFileException e) {
            throw new MleException("model file not found: " + path);
        } catch (IOException e) {
            throw new MleException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Maps and validates a file's container without decoding or decrypting anything; close it to unmap. */
    public static FileLayout open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping = map(path, arena);
            FileLayout layout = read(mapping);
            return new FileLayout(mapping, layout.header, layout.sections, layout.known, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Validates the container of a mapping whose lifetime the caller owns. */
    static FileLayout read(MemorySegment mapping) {
        FileHeader header = FileHeader.read(mapping, mapping.byteSize());
        MemorySegment table = mapping.asSlice(header.tableOffset(), (long) header.sectionCount() * SectionEntry.SIZE);
        int tableCrc = Checksums.crc32c(table);
        if (tableCrc != header.tableCrc()) {
            throw new CorruptFileException(String.format("section table checksum mismatch at offset %d (stored %08x, computed %08x)",
                    header.tableOffset(), header.tableCrc(), tableCrc));
        }
        List<SectionEntry> sections = new ArrayList<>();
        for (int i = 0; i < header.sectionCount(); i++) {
            SectionEntry.checkReservedZero(table, i);
            sections.add(SectionEntry.read(table, i));
        }
        Map<SectionKind, SectionEntry> known = checkSections(header, sections);
        checkPadding(mapping, header, sections);
        FileLayout layout = new FileLayout(mapping, header, sections, known, null);
        // Read with or without a key (inspect shows them): a changed byte must not pass unnoticed.
        for (SectionKind integrity : List.of(SectionKind.SIGNATURE, SectionKind.ENCRYPTION)) {
            if (known.containsKey(integrity)) {
                layout.verify(known.get(integrity));
            }
        }
        return layout;
    }

    private static Map<SectionKind, SectionEntry> checkSections(FileHeader header, List<SectionEntry> sections) {
        Map<SectionKind, SectionEntry> known = new EnumMap<>(SectionKind.class);
        List<SectionEntry> byOffset = new ArrayList<>(sections);
        byOffset.sort(Comparator.comparingLong(SectionEntry::offset));
        long previousEnd = FileHeader.SIZE;
        boolean anyEncrypted = false;
        for (SectionEntry e : byOffset) {
            String where = "section " + e.kindName() + " at offset " + e.offset();
            if (e.offset() % FileHeader.ALIGNMENT != 0) {
                throw new CorruptFileException(where + " is not aligned to " + FileHeader.ALIGNMENT + " bytes");
            }
            if (e.offset() < previousEnd || e.length() < 0 || e.offset() + e.length() > header.tableOffset()
                    || e.offset() + e.length() < e.offset()) {
                throw new CorruptFileException(where + " with length " + e.length() + " overlaps another section, the header or the section table, or runs past it");
            }
            previousEnd = e.offset() + e.length();
            SectionKind kind = e.knownKind();
            if (kind == null) {
                if (e.required()) {
                    throw new UnsupportedVersionException(where + " is required but not supported by this runtime (format " + FormatVersion.current() + ")");
                }
                continue;
            }
            if ((e.flags() & SectionEntry.UNKNOWN_REQUIRED_FEATURES) != 0) {
                throw new UnsupportedVersionException(String.format("%s uses flags %08x that this runtime (format %s) does not support",
                        where, e.flags() & SectionEntry.UNKNOWN_REQUIRED_FEATURES, FormatVersion.current()));
            }
            if (Compression.fromCode(e.compression()) == null) {
                throw new UnsupportedVersionException(where + " is compressed with codec " + e.compression()
                        + ", which this runtime (format " + FormatVersion.current() + ") does not know");
            }
            if (!e.enveloped() && e.rawLength() != e.length()) {
                throw new CorruptFileException(where + " declares raw length " + e.rawLength() + " but stored length " + e.length()
                        + " without compression or encryption");
            }
            if ((kind == SectionKind.SIGNATURE || kind == SectionKind.ENCRYPTION) && e.enveloped()) {
                throw new CorruptFileException(where + " cannot itself be compressed or encrypted");
            }
            anyEncrypted |= e.encrypted();
            if (known.put(kind, e) != null) {
                throw new CorruptFileException("the file has more than one " + kind + " section");
            }
        }
        for (SectionKind required : List.of(SectionKind.METADATA, SectionKind.GRAPH)) {
            if (!known.containsKey(required)) {
                throw new CorruptFileException("the file has no " + required + " section");
            }
        }
        boolean hasEncryption = known.containsKey(SectionKind.ENCRYPTION);
        if (anyEncrypted != hasEncryption || hasEncryption != header.hasKeyId()) {
            throw new CorruptFileException("encrypted sections, the ENCRYPTION section and the header's key id must come together (encrypted sections: "
                    + anyEncrypted + ", ENCRYPTION section: " + hasEncryption + ", key id set: " + header.hasKeyId() + ")");
        }
        return known;
    }

    /** Alignment gaps must be zero, so that no byte of the file escapes validation. */
    private static void checkPadding(MemorySegment mapping, FileHeader header, List<SectionEntry> sections) {
        List<SectionEntry> byOffset = new ArrayList<>(sections);
        byOffset.sort(Comparator.comparingLong(SectionEntry::offset));
        long gapStart = FileHeader.SIZE;
        for (int i = 0; i <= byOffset.size(); i++) {
            long gapEnd = i < byOffset.size() ? byOffset.get(i).offset() : header.tableOffset();
            for (long p = gapStart; p < gapEnd; p++) {
                if (mapping.get(ValueLayout.JAVA_BYTE, p) != 0) {
                    throw new CorruptFileException("non-zero padding byte at offset " + p + " between sections");
                }
            }
            if (i < byOffset.size()) {
                gapStart = byOffset.get(i).offset() + byOffset.get(i).length();
            }
        }
    }

    /** The stored bytes of a section, a slice of the mapping. */
    public MemorySegment stored(SectionEntry e) {
        return mapping.asSlice(e.offset(), e.length());
    }

    /** Checks a section's CRC32C; throws {@link CorruptFileException} naming the section on a mismatch. */
    public void verify(SectionEntry e) {
        verify(e, () -> false);
    }

    /** {@link #verify(SectionEntry)}, stopped with a CancellationException once {@code stop} says true. */
    public void verify(SectionEntry e, java.util.function.BooleanSupplier stop) {
        int crc = Checksums.crc32c(stored(e), stop);
        if (crc != e.crc32c()) {
            throw new CorruptFileException(String.format("checksum mismatch in section %s at offset %d, length %d (stored %08x, computed %08x)",
                    e.kindName(), e.offset(), e.length(), e.crc32c(), crc));
        }
    }

    /** The one section of a known kind, or null. */
    public SectionEntry section(SectionKind kind) {
        return known.get(kind);
    }

    public FileHeader header() {
        return header;
    }

    public List<SectionEntry> sections() {
        return sections;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    MemorySegment mapping() {
        return mapping;
    }

    @Override
    public void close() {
        if (ownArena != null) {
            ownArena.close();
        }
    }
}
