package org.mleruntime.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;
import org.mleruntime.UnsupportedVersionException;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;

/**
 * An .mle file mapped into memory once and validated strictly before any use: header, section
 * table, every section's bounds, alignment and CRC32C. The decoded model's constants are slices of
 * the mapping; nothing of the tensor data is copied. Closing unmaps the file.
 */
public final class ModelFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final FileHeader header;
    private final List<SectionEntry> sections;
    private final Model model;
    private final CompletableFuture<Void> tensorCheck;

    private ModelFile(Path path, Arena arena, MemorySegment mapping, FileHeader header, List<SectionEntry> sections,
                      Model model, CompletableFuture<Void> tensorCheck) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        this.sections = sections;
        this.model = model;
        this.tensorCheck = tensorCheck;
    }

    public static ModelFile open(Path path) {
        return open(path, OpenOptions.defaults());
    }

    public static ModelFile open(Path path, OpenOptions options) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            } catch (NoSuchFileException e) {
                throw new MleException("model file not found: " + path);
            } catch (IOException e) {
                throw new MleException("cannot read model file " + path + ": " + e.getMessage(), e);
            }
            return decode(path, arena, mapping, options);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static ModelFile decode(Path path, Arena arena, MemorySegment mapping, OpenOptions options) {
        FileHeader header = FileHeader.read(mapping, mapping.byteSize());
        MemorySegment table = mapping.asSlice(header.tableOffset(), (long) header.sectionCount() * SectionEntry.SIZE);
        int tableCrc = Checksums.crc32c(table);
        if (tableCrc != header.tableCrc()) {
            throw new CorruptFileException(String.format("section table checksum mismatch at offset %d (stored %08x, computed %08x)",
                    header.tableOffset(), header.tableCrc(), tableCrc));
        }
        List<SectionEntry> sections = new ArrayList<>();
        for (int i = 0; i < header.sectionCount(); i++) {
            sections.add(SectionEntry.read(table, i));
        }
        Map<SectionKind, SectionEntry> known = checkSections(header, sections);
        checkPadding(mapping, header, sections);
        MemorySegment metadataBytes = verified(mapping, known.get(SectionKind.METADATA));
        MemorySegment graphBytes = verified(mapping, known.get(SectionKind.GRAPH));
        SectionEntry dataEntry = known.get(SectionKind.TENSOR_DATA);
        MemorySegment tensorData = dataEntry == null ? MemorySegment.NULL.reinterpret(0) : section(mapping, dataEntry);
        CompletableFuture<Void> tensorCheck = switch (options.verifyTensorData()) {
            case EAGER -> {
                if (dataEntry != null) {
                    verify(tensorData, dataEntry);
                }
                yield CompletableFuture.completedFuture(null);
            }
            case DEFERRED -> dataEntry == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> verify(tensorData, dataEntry), Thread.ofVirtual()::start);
        };
        GraphCodec.DecodedMetadata metadata = GraphCodec.decodeMetadata(metadataBytes.asByteBuffer());
        Graph graph = GraphCodec.decodeGraph(graphBytes.asByteBuffer(), tensorData);
        if (!metadata.inputs().equals(graph.inputs()) || !metadata.outputs().equals(graph.outputs())) {
            throw new CorruptFileException("the signature in the metadata section differs from the graph's inputs and outputs");
        }
        graph.validated();
        return new ModelFile(path, arena, mapping, header, List.copyOf(sections), new Model(graph, metadata.metadata()), tensorCheck);
    }

    private static Map<SectionKind, SectionEntry> checkSections(FileHeader header, List<SectionEntry> sections) {
        Map<SectionKind, SectionEntry> known = new EnumMap<>(SectionKind.class);
        List<SectionEntry> byOffset = new ArrayList<>(sections);
        byOffset.sort(Comparator.comparingLong(SectionEntry::offset));
        long previousEnd = FileHeader.SIZE;
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
            if (kind == null || kind == SectionKind.SIGNATURE || kind == SectionKind.ENCRYPTION) {
                if (e.required()) {
                    throw new UnsupportedVersionException(where + " is required but not supported by this runtime (format " + FormatVersion.current() + ")");
                }
                continue;
            }
            if (e.compression() != 0 || e.encrypted()) {
                throw new UnsupportedVersionException(where + " is " + (e.encrypted() ? "encrypted" : "compressed (codec " + e.compression() + ")")
                        + ", which this runtime does not support");
            }
            if (e.rawLength() != e.length()) {
                throw new CorruptFileException(where + " declares raw length " + e.rawLength() + " but stored length " + e.length() + " without compression");
            }
            if (known.put(kind, e) != null) {
                throw new CorruptFileException("the file has more than one " + kind + " section");
            }
        }
        for (SectionKind required : List.of(SectionKind.METADATA, SectionKind.GRAPH)) {
            if (!known.containsKey(required)) {
                throw new CorruptFileException("the file has no " + required + " section");
            }
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
                if (mapping.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p) != 0) {
                    throw new CorruptFileException("non-zero padding byte at offset " + p + " between sections");
                }
            }
            if (i < byOffset.size()) {
                gapStart = byOffset.get(i).offset() + byOffset.get(i).length();
            }
        }
    }

    private static MemorySegment section(MemorySegment mapping, SectionEntry e) {
        return mapping.asSlice(e.offset(), e.length());
    }

    private static MemorySegment verified(MemorySegment mapping, SectionEntry e) {
        MemorySegment s = section(mapping, e);
        verify(s, e);
        return s;
    }

    private static void verify(MemorySegment s, SectionEntry e) {
        int crc = Checksums.crc32c(s);
        if (crc != e.crc32c()) {
            throw new CorruptFileException(String.format("checksum mismatch in section %s at offset %d, length %d (stored %08x, computed %08x)",
                    e.kindName(), e.offset(), e.length(), e.crc32c(), crc));
        }
    }

    /** Throws if a deferred tensor-data check has already failed; never waits for one still running. */
    public void ensureIntact() {
        if (tensorCheck.isCompletedExceptionally()) {
            awaitVerification();
        }
    }

    /** Waits for the tensor-data check and throws {@link CorruptFileException} if it failed. */
    public void awaitVerification() {
        try {
            tensorCheck.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof CorruptFileException c) {
                throw new CorruptFileException(c.getMessage(), c);
            }
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public FileHeader header() {
        return header;
    }

    public List<SectionEntry> sections() {
        return sections;
    }

    public Model model() {
        return model;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    @Override
    public void close() {
        tensorCheck.cancel(false);
        arena.close();
    }
}
