package org.mleruntime.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.MleException;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Tensor;

/**
 * Writes a model as an .mle file: header, METADATA, GRAPH and TENSOR_DATA sections at 64-byte
 * aligned offsets, then the section table. The file is written under a temporary name in the
 * target's directory and renamed into place, so a reader never sees a half-written file.
 */
public final class ModelFileWriter {
    private ModelFileWriter() {}

    public static void write(Model model, Path target) {
        model.graph().validated();
        GraphCodec.TensorLayout layout = GraphCodec.TensorLayout.of(model.graph());
        byte[] metadata = GraphCodec.encodeMetadata(model.metadata(), model.graph());
        byte[] graph = GraphCodec.encodeGraph(model.graph(), layout);

        long metadataOffset = FileHeader.SIZE;
        long graphOffset = GraphCodec.align(metadataOffset + metadata.length);
        long dataOffset = GraphCodec.align(graphOffset + graph.length);
        long tableOffset = GraphCodec.align(dataOffset + layout.size());
        int sectionCount = 3;
        long fileLength = tableOffset + (long) sectionCount * SectionEntry.SIZE;

        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".partial");
            readableByAll(temp, absolute);
            try (Arena arena = Arena.ofConfined();
                 FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                MemorySegment file = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileLength, arena);
                file.fill((byte) 0);
                MemorySegment.copy(MemorySegment.ofArray(metadata), 0, file, metadataOffset, metadata.length);
                MemorySegment.copy(MemorySegment.ofArray(graph), 0, file, graphOffset, graph.length);
                for (Map.Entry<String, Long> e : layout.offsets().entrySet()) {
                    Tensor t = model.graph().constants().get(e.getKey());
                    MemorySegment.copy(t.data(), 0, file, dataOffset + e.getValue(), t.data().byteSize());
                }
                List<SectionEntry> entries = new ArrayList<>();
                entries.add(entry(file, SectionKind.METADATA, metadataOffset, metadata.length));
                entries.add(entry(file, SectionKind.GRAPH, graphOffset, graph.length));
                entries.add(entry(file, SectionKind.TENSOR_DATA, dataOffset, layout.size()));
                MemorySegment table = file.asSlice(tableOffset, (long) sectionCount * SectionEntry.SIZE);
                for (int i = 0; i < entries.size(); i++) {
                    entries.get(i).write(table, i);
                }
                new FileHeader(FormatVersion.MAJOR, FormatVersion.MINOR, 0, tableOffset, sectionCount,
                        Checksums.crc32c(table), fileLength, new byte[16]).write(file);
                file.force();
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new MleException("cannot write model file " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The export already failed; the error being thrown matters more than the leftover.
                }
            }
        }
    }

    /** Temporary files are private to their owner; a model file gets the target's permissions, or rw-r--r--. */
    private static void readableByAll(Path temp, Path target) throws IOException {
        if (!temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, permissions);
    }

    private static SectionEntry entry(MemorySegment file, SectionKind kind, long offset, long length) {
        return new SectionEntry(kind.code(), 0, offset, length, length, Checksums.crc32c(file.asSlice(offset, length)));
    }

}
