package org.mleruntime.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mleruntime.CorruptFileException;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;

/**
 * An .mle file mapped into memory once and validated strictly before any use: header, section
 * table, every section's bounds, alignment and CRC32C, and, when a verification key is given, the
 * signature over all of it before any section is decoded. Plain sections are used in place: the
 * decoded model's constants are slices of the mapping and nothing of the tensor data is copied.
 * Compressed and encrypted sections are decoded once, here, into off-heap memory that closing the
 * file zeroes and frees; decrypted bytes never reach the disk.
 */
public final class ModelFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final FileLayout layout;
    private final Model model;
    private final CompletableFuture<Void> tensorCheck;
    private final AtomicBoolean closing;
    private final List<MemorySegment> decoded;
    private final boolean signatureVerified;
    private final FileCipher cipher;

    private ModelFile(Path path, Arena arena, FileLayout layout, Model model, CompletableFuture<Void> tensorCheck, AtomicBoolean closing,
                      List<MemorySegment> decoded, boolean signatureVerified, FileCipher cipher) {
        this.path = path;
        this.arena = arena;
        this.layout = layout;
        this.model = model;
        this.tensorCheck = tensorCheck;
        this.closing = closing;
        this.decoded = decoded;
        this.signatureVerified = signatureVerified;
        this.cipher = cipher;
    }

    public static ModelFile open(Path path) {
        return open(path, OpenOptions.defaults());
    }

    public static ModelFile open(Path path, OpenOptions options) {
        Arena arena = Arena.ofShared();
        List<MemorySegment> decoded = new ArrayList<>();
        try {
            return decode(path, arena, FileLayout.map(path, arena), options, decoded);
        } catch (RuntimeException e) {
            decoded.forEach(s -> s.fill((byte) 0));
            arena.close();
            throw e;
        }
    }

    private static ModelFile decode(Path path, Arena arena, MemorySegment mapping, OpenOptions options, List<MemorySegment> decoded) {
        FileLayout layout = options.verifyKey() == null ? FileLayout.read(mapping)
                : FileSignature.verifiedLayout(mapping, options.verifyKey(), options.requireSignature(), Progress.NONE);
        boolean verifying = options.verifyKey() != null && layout.section(SectionKind.SIGNATURE) != null;
        FileCipher cipher = layout.header().hasKeyId() ? FileCipher.forReading(layout, options.decryptionKey()) : null;
        checkDecodedSize(layout, options.maxMemoryBytes());
        checkNonces(layout);
        MemorySegment metadataBytes = content(layout, layout.section(SectionKind.METADATA), cipher, arena, decoded);
        MemorySegment graphBytes = content(layout, layout.section(SectionKind.GRAPH), cipher, arena, decoded);
        SectionEntry dataEntry = layout.section(SectionKind.TENSOR_DATA);
        MemorySegment tensorData;
        CompletableFuture<Void> tensorCheck = CompletableFuture.completedFuture(null);
        AtomicBoolean closing = new AtomicBoolean();
        if (dataEntry == null) {
            tensorData = MemorySegment.NULL.reinterpret(0);
        } else if (dataEntry.enveloped() || verifying || options.verifyTensorData() == OpenOptions.TensorVerification.EAGER) {
            tensorData = content(layout, dataEntry, cipher, arena, decoded);
        } else {
            tensorData = layout.stored(dataEntry);
            FileLayout checked = layout;
            tensorCheck = CompletableFuture.runAsync(() -> checked.verify(dataEntry, closing::get), Thread.ofVirtual()::start);
        }
        GraphCodec.DecodedMetadata metadata = GraphCodec.decodeMetadata(metadataBytes.asByteBuffer());
        Graph graph = GraphCodec.decodeGraph(graphBytes.asByteBuffer(), tensorData);
        if (!metadata.inputs().equals(graph.inputs()) || !metadata.outputs().equals(graph.outputs())) {
            throw new CorruptFileException("the signature in the metadata section differs from the graph's inputs and outputs");
        }
        graph.validated();
        return new ModelFile(path, arena, layout, new Model(graph, metadata.metadata()), tensorCheck, closing, decoded, verifying, cipher);
    }

    /** A section's content after its CRC is checked: the mapped bytes, or the bytes decoded into off-heap memory. */
    private static MemorySegment content(FileLayout layout, SectionEntry e, FileCipher cipher, Arena arena, List<MemorySegment> decoded) {
        layout.verify(e);
        if (!e.enveloped()) {
            return layout.stored(e);
        }
        MemorySegment out = SectionEnvelope.decode(layout.stored(e), e, e.encrypted() ? cipher : null, arena);
        decoded.add(out);
        return out;
    }

    private static void checkDecodedSize(FileLayout layout, long limit) {
        long total = 0;
        for (SectionEntry e : layout.sections()) {
            if (e.enveloped() && e.knownKind() != null) {
                total += e.rawLength();
                if (e.rawLength() < 0 || total < 0 || total > limit) {
                    throw new CorruptFileException("section " + e.kindName() + " at offset " + e.offset() + " declares " + Long.toUnsignedString(e.rawLength())
                            + " bytes after decoding; this reader decodes at most " + limit + " bytes of a file (OpenOptions.maxMemoryBytes, the mle.maxModelMemory property)");
                }
            }
        }
    }

    /** Nonce ids must differ between the encrypted sections of a file, so that no nonce repeats under its key. */
    private static void checkNonces(FileLayout layout) {
        Set<Integer> seen = new HashSet<>();
        for (SectionEntry e : layout.sections()) {
            if (e.encrypted() && !seen.add(SectionEnvelope.nonceId(layout.stored(e)))) {
                throw new CorruptFileException("section " + e.kindName() + " at offset " + e.offset() + " reuses the nonce id of another section");
            }
        }
    }

    /**
     * The content of every section but SIGNATURE and ENCRYPTION, in table order, decoded: what a
     * rewrite of this file with other compression, encryption or signature keeps.
     */
    List<ModelFileWriter.RawSection> dataSections() {
        List<ModelFileWriter.RawSection> out = new ArrayList<>();
        for (SectionEntry e : layout.sections()) {
            SectionKind kind = e.knownKind();
            if (kind == SectionKind.SIGNATURE || kind == SectionKind.ENCRYPTION) {
                continue;
            }
            if (Compression.fromCode(e.compression()) == null) {
                throw new org.mleruntime.UnsupportedVersionException("section " + e.kindName() + " at offset " + e.offset()
                        + " is compressed with codec " + e.compression() + ", which this runtime cannot decode to rewrite it");
            }
            MemorySegment content = content(layout, e, cipher, arena, decoded);
            out.add(new ModelFileWriter.RawSection(e.kind(), e.flags() & SectionEntry.FLAG_REQUIRED, new FileAssembler.Slice(content)));
        }
        return out;
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
        return layout.header();
    }

    public List<SectionEntry> sections() {
        return layout.sections();
    }

    public FileLayout layout() {
        return layout;
    }

    public Model model() {
        return model;
    }

    public long fileSize() {
        return layout.fileSize();
    }

    /** The memory this file's compressed and encrypted sections took when decoded. */
    public long decodedBytes() {
        return decoded.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    /** Whether the signature was checked against a trusted key when the file was opened. */
    public boolean signatureVerified() {
        return signatureVerified;
    }

    @Override
    public void close() {
        // A background check still reading the mapped file holds it open: it stops at its next chunk,
        // and the file is unmapped once it has.
        closing.set(true);
        try {
            tensorCheck.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            // Its outcome no longer matters: nothing will read the file again.
        }
        decoded.forEach(s -> s.fill((byte) 0));
        arena.close();
    }
}
