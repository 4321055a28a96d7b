package org.mleruntime.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.mleruntime.MleException;

/**
 * Lays out sections, the signature, the section table and the header, and writes the file under a
 * temporary name in the target's directory, forced to disk and renamed into place, so that a reader
 * sees the old file or the new one, never a mixture. A section may keep the offset it had in an
 * existing file, which is how signing leaves the weights where they were.
 */
final class FileAssembler {
    private FileAssembler() {}

    /** Where a section's stored bytes come from. */
    interface Content {
        long length();

        void copyTo(MemorySegment target);
    }

    record Bytes(byte[] bytes) implements Content {
        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public void copyTo(MemorySegment target) {
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, target, 0, bytes.length);
        }
    }

    record Slice(MemorySegment segment) implements Content {
        @Override
        public long length() {
            return segment.byteSize();
        }

        @Override
        public void copyTo(MemorySegment target) {
            MemorySegment.copy(segment, 0, target, 0, segment.byteSize());
        }
    }

    /** A section to write, at {@code offset} or, when it is -1, after every section placed so far. */
    record Part(int kind, int flags, long rawLength, long offset, Content content) {}

    /** The header fields that do not depend on the layout. */
    record HeaderFields(int minor, int flags, byte[] keyId) {}

    static void write(Path target, HeaderFields fields, List<Part> parts, SigningKey signer, Progress progress) {
        long end = FileHeader.SIZE;
        for (Part p : parts) {
            if (p.offset() >= 0) {
                end = Math.max(end, p.offset() + p.content().length());
            }
        }
        List<SectionEntry> placed = new ArrayList<>();
        for (Part p : parts) {
            long offset = p.offset() >= 0 ? p.offset() : GraphCodec.align(end);
            long length = p.content().length();
            end = Math.max(end, offset + length);
            placed.add(new SectionEntry(p.kind(), p.flags(), offset, length, p.rawLength(), 0));
        }
        long signatureOffset = GraphCodec.align(end);
        if (signer != null) {
            end = signatureOffset + FileSignature.LENGTH;
        }
        int count = placed.size() + (signer != null ? 1 : 0);
        long tableOffset = GraphCodec.align(end);
        long fileLength = tableOffset + (long) count * SectionEntry.SIZE;
        long total = parts.stream().mapToLong(p -> p.content().length()).sum();

        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            removeAbandonedPartials(dir, absolute.getFileName().toString());
            temp = Files.createTempFile(dir, partialPrefix(absolute.getFileName().toString()), PARTIAL_SUFFIX);
            readableByAll(temp, absolute);
            try (Arena arena = Arena.ofConfined();
                 FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 FileLock owned = ch.lock()) {
                MemorySegment file = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileLength, arena);
                List<SectionEntry> entries = new ArrayList<>();
                long written = 0;
                for (int i = 0; i < parts.size(); i++) {
                    SectionEntry e = placed.get(i);
                    MemorySegment slice = file.asSlice(e.offset(), e.length());
                    parts.get(i).content().copyTo(slice);
                    written += e.length();
                    progress.update("writing", written, total);
                    entries.add(new SectionEntry(e.kind(), e.flags(), e.offset(), e.length(), e.rawLength(), Checksums.crc32c(slice)));
                }
                byte[] headerStart = FileHeader.start(fields.minor(), fields.flags());
                if (signer != null) {
                    List<byte[]> digests = new ArrayList<>();
                    long[] hashed = {0};
                    for (SectionEntry e : entries) {
                        digests.add(FileSignature.digest(file.asSlice(e.offset(), e.length()), progress, "signing", hashed, total));
                    }
                    byte[] signature = FileSignature.create(signer, FileSignature.message(headerStart, fields.keyId(), entries, digests));
                    MemorySegment slice = file.asSlice(signatureOffset, signature.length);
                    MemorySegment.copy(MemorySegment.ofArray(signature), 0, slice, 0, signature.length);
                    entries.add(new SectionEntry(SectionKind.SIGNATURE.code(), 0, signatureOffset, signature.length, signature.length,
                            Checksums.crc32c(slice)));
                }
                zeroGaps(file, entries, tableOffset);
                MemorySegment table = file.asSlice(tableOffset, (long) count * SectionEntry.SIZE);
                for (int i = 0; i < entries.size(); i++) {
                    entries.get(i).write(table, i);
                }
                new FileHeader(FormatVersion.MAJOR, fields.minor(), fields.flags(), tableOffset, count, Checksums.crc32c(table), fileLength,
                        fields.keyId()).write(file);
                file.force();
                // Renamed while still locked, so that no other writer takes it for abandoned meanwhile.
                try {
                    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
                temp = null;
            }
        } catch (IOException e) {
            throw new MleException("cannot write model file " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed; the error being thrown matters more than the leftover.
                }
            }
        }
    }

    private static final String PARTIAL_SUFFIX = ".partial";

    private static String partialPrefix(String target) {
        return "." + target + ".";
    }

    /**
     * Deletes the temporary files of earlier writes to {@code target} whose writer is gone (killed
     * mid-write): each writer holds a lock on its temporary file until it is renamed, and the
     * operating system releases the lock of a process that dies, so a file nobody holds is abandoned.
     */
    private static void removeAbandonedPartials(Path dir, String target) {
        String prefix = partialPrefix(target);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(PARTIAL_SUFFIX) && name.length() > prefix.length() + PARTIAL_SUFFIX.length();
        })) {
            for (Path leftover : leftovers) {
                try (FileChannel ch = FileChannel.open(leftover, StandardOpenOption.WRITE); FileLock abandoned = ch.tryLock()) {
                    if (abandoned != null) {
                        Files.deleteIfExists(leftover);
                    }
                } catch (IOException | OverlappingFileLockException inUse) {
                    // Being written by this process, or gone already: not ours to remove.
                }
            }
        } catch (IOException e) {
            // An unreadable directory fails the write itself just after; leftovers are only a nuisance.
        }
    }

    private static void zeroGaps(MemorySegment file, List<SectionEntry> entries, long tableOffset) {
        List<SectionEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(SectionEntry::offset));
        long gapStart = FileHeader.SIZE;
        for (SectionEntry e : byOffset) {
            file.asSlice(gapStart, e.offset() - gapStart).fill((byte) 0);
            gapStart = e.offset() + e.length();
        }
        file.asSlice(gapStart, tableOffset - gapStart).fill((byte) 0);
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
}
