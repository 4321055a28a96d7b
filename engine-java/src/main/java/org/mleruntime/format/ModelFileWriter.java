package org.mleruntime.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Tensor;

/**
 * Writes a model as an .mle file: METADATA, GRAPH and TENSOR_DATA sections at 64-byte aligned
 * offsets, compressed, encrypted and signed as the {@link WriteOptions} say, then the section table
 * and the header. The file appears atomically (see {@link FileAssembler}).
 */
public final class ModelFileWriter {
    private ModelFileWriter() {}

    /** A section's kind, flags (the required bit) and raw content, before compression and encryption. */
    record RawSection(int kind, int flags, FileAssembler.Content content) {}

    public static void write(Model model, Path target) {
        write(model, target, WriteOptions.defaults());
    }

    public static void write(Model model, Path target, WriteOptions options) {
        model.graph().validated();
        GraphCodec.TensorLayout layout = GraphCodec.TensorLayout.of(model.graph());
        byte[] metadata = GraphCodec.encodeMetadata(model.metadata(), model.graph());
        byte[] graph = GraphCodec.encodeGraph(model.graph(), layout);
        FileAssembler.Content tensorData = new FileAssembler.Content() {
            @Override
            public long length() {
                return layout.size();
            }

            @Override
            public void copyTo(MemorySegment target) {
                for (Map.Entry<String, Long> e : layout.offsets().entrySet()) {
                    Tensor t = model.graph().constants().get(e.getKey());
                    MemorySegment.copy(t.data(), 0, target, e.getValue(), t.data().byteSize());
                }
            }
        };
        boolean quantized = model.graph().constants().values().stream()
                .anyMatch(t -> t.dtype() == DType.FLOAT16 || t.dtype() == DType.INT8);
        List<RawSection> sections = List.of(
                new RawSection(SectionKind.METADATA.code(), 0, new FileAssembler.Bytes(metadata)),
                new RawSection(SectionKind.GRAPH.code(), 0, new FileAssembler.Bytes(graph)),
                new RawSection(SectionKind.TENSOR_DATA.code(), 0, tensorData));
        writeSections(target, quantized ? FileHeader.FLAG_QUANTIZED : 0, sections, options);
    }

    /**
     * Writes data sections with the coding the options ask for. A compressed section that would not
     * be smaller is stored plain, so that it stays memory-mapped; an encrypted one is always coded.
     */
    static void writeSections(Path target, int headerFlags, List<RawSection> sections, WriteOptions options) {
        FileCipher cipher = options.encryptionKey() == null ? null : FileCipher.forWriting(options.encryptionKey());
        boolean coded = cipher != null || options.compression() != Compression.NONE;
        List<FileAssembler.Part> parts = new ArrayList<>();
        if (cipher != null) {
            byte[] section = cipher.section();
            parts.add(new FileAssembler.Part(SectionKind.ENCRYPTION.code(), SectionEntry.FLAG_REQUIRED, section.length, -1,
                    new FileAssembler.Bytes(section)));
        }
        try (Arena scratch = Arena.ofShared()) {
            int nonceId = 1;
            for (RawSection s : sections) {
                long rawLength = s.content().length();
                if (!coded) {
                    parts.add(new FileAssembler.Part(s.kind(), s.flags(), rawLength, -1, s.content()));
                    continue;
                }
                MemorySegment raw = s.content() instanceof FileAssembler.Slice slice ? slice.segment()
                        : scratch.allocate(Math.max(rawLength, 1), FileHeader.ALIGNMENT).asSlice(0, rawLength);
                if (!(s.content() instanceof FileAssembler.Slice)) {
                    s.content().copyTo(raw);
                }
                int flags = s.flags() | options.compression().code() | (cipher != null ? SectionEntry.FLAG_ENCRYPTED : 0);
                SectionEnvelope.Coding coding = new SectionEnvelope.Coding(s.kind(), flags, options.compression(), options.level(),
                        options.blockSize(), cipher, cipher != null ? nonceId++ : 0);
                SectionEnvelope.Encoded encoded = SectionEnvelope.encode(raw, coding, options.progress());
                if (cipher == null && encoded.length() >= rawLength) {
                    parts.add(new FileAssembler.Part(s.kind(), s.flags(), rawLength, -1, new FileAssembler.Slice(raw)));
                } else {
                    parts.add(new FileAssembler.Part(s.kind(), flags, rawLength, -1, encoded));
                }
            }
            byte[] keyId = cipher != null ? cipher.keyId() : new byte[16];
            FileAssembler.write(target, new FileAssembler.HeaderFields(FormatVersion.MINOR, headerFlags, keyId), parts,
                    options.signingKey(), options.progress());
        }
    }
}
