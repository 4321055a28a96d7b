package org.mleruntime.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;
import org.mleruntime.MleModel;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

class CompressionTest {
    @TempDir
    Path dir;

    static Stream<Arguments> codecsAndLevels() {
        List<Arguments> out = new ArrayList<>();
        for (Compression c : Compression.values()) {
            if (c != Compression.NONE) {
                for (int level : new int[] {c.minLevel(), c.defaultLevel(), c.maxLevel()}) {
                    out.add(Arguments.of(c, level));
                }
            }
        }
        return out.stream();
    }

    static double[] run(Path file, OpenOptions options, double[][] rows) {
        try (MleModel m = MleModel.open(file, options, SessionOptions.defaults())) {
            return Tensors.toDoubles(m.run(Map.of("input", Tensors.of(rows))).get("probabilities"));
        }
    }

    @ParameterizedTest
    @MethodSource("codecsAndLevels")
    void everyCodecAndLevelRoundTripsBitForBit(Compression codec, int level) {
        Model model = SampleModels.forest(20, 5, 16, 3, false);
        Path plain = dir.resolve("plain.mle");
        Path packed = dir.resolve("packed.mle");
        ModelFileWriter.write(model, plain);
        ModelFileWriter.write(model, packed, WriteOptions.defaults().compressed(codec, level).withBlockSize(1 << 14));
        double[][] rows = TestModels.randomRows(20, 16, 5);
        assertArrayEquals(run(plain, OpenOptions.defaults(), rows), run(packed, OpenOptions.defaults(), rows));
        try (ModelFile f = ModelFile.open(packed)) {
            SectionEntry data = f.layout().section(SectionKind.TENSOR_DATA);
            assertEquals(codec.code(), data.compression(), "weights are compressed");
            assertTrue(data.length() < data.rawLength(), "compression shrinks tree records");
            for (Tensor t : f.model().graph().constants().values()) {
                if (t.dtype().isNumeric()) {
                    assertEquals(0, t.data().address() % 64, "decoded tensors stay 64-byte aligned");
                    assertTrue(t.data().isNative() && !t.data().isMapped(), "decoded once into off-heap memory");
                }
            }
        }
    }

    @Test
    void incompressibleSectionsStayPlainAndMemoryMapped() {
        byte[] noise = new byte[1 << 16];
        new Random(1).nextBytes(noise);
        Graph g = TestModels.classifier().graph();
        Map<String, Tensor> constants = new java.util.LinkedHashMap<>(g.constants());
        constants.put("noise", Tensor.numeric(DType.INT32, Shape.of(noise.length / 4), java.lang.foreign.MemorySegment.ofArray(noise)));
        Model model = new Model(g.withNodes(g.nodes(), constants), TestModels.classifier().metadata());
        Path file = dir.resolve("noise.mle");
        ModelFileWriter.write(model, file, WriteOptions.defaults().compressed(Compression.ZSTD));
        try (ModelFile f = ModelFile.open(file)) {
            assertEquals(0, f.layout().section(SectionKind.TENSOR_DATA).compression(), "random bytes do not compress");
            assertTrue(f.model().graph().constants().get("coef").data().isMapped(), "the plain section is used in place");
        }
    }

    @Test
    void largeSectionsAreCodedInBlocksOnEveryCore() throws IOException {
        Model model = SampleModels.forest(200, 8, 64, 9, false);
        Path file = dir.resolve("blocks.mle");
        ModelFileWriter.write(model, file, WriteOptions.defaults().compressed(Compression.LZ4).withBlockSize(1 << 16));
        FileSurgery s = new FileSurgery(Files.readAllBytes(file));
        SectionEntry data = s.entry(SectionKind.TENSOR_DATA);
        int blocks = java.nio.ByteBuffer.wrap(s.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt((int) data.offset() + 8);
        assertEquals((data.rawLength() + (1 << 16) - 1) / (1 << 16), blocks);
        assertTrue(blocks > 30, "a 2 MB section is split into 64 KiB blocks");
        assertEquals(Compression.LZ4.code(), data.compression());
        double[][] rows = TestModels.randomRows(3, 64, 2);
        Path plain = dir.resolve("plain.mle");
        ModelFileWriter.write(model, plain);
        assertArrayEquals(run(plain, OpenOptions.defaults(), rows), run(file, OpenOptions.defaults(), rows));
    }

    private Path zstdFile() {
        Path file = dir.resolve("z.mle");
        ModelFileWriter.write(SampleModels.forest(10, 6, 16, 4, false), file, WriteOptions.defaults().compressed(Compression.ZSTD).withBlockSize(1 << 12));
        return file;
    }

    private CorruptFileException refused(byte[] bytes, OpenOptions options) throws IOException {
        Path bad = dir.resolve("bad.mle");
        Files.write(bad, bytes);
        return assertThrows(CorruptFileException.class, () -> ModelFile.open(bad, options).close());
    }

    @Test
    void declaredSizesAreNotTrustedBeyondTheirBounds() throws IOException {
        FileSurgery file = new FileSurgery(Files.readAllBytes(zstdFile()));
        SectionEntry data = file.entry(SectionKind.TENSOR_DATA);
        int rawLengthField = file.entryField(SectionKind.TENSOR_DATA, 24);
        int envelope = (int) data.offset();

        CorruptFileException huge = refused(new FileSurgery(file.bytes()).putLong(rawLengthField, 1L << 40).resealed().bytes(), OpenOptions.defaults());
        assertTrue(huge.getMessage().contains("1099511627776"), huge.getMessage());

        CorruptFileException limit = refused(file.bytes(), OpenOptions.defaults().withMaxMemoryBytes(data.rawLength() - 1));
        assertTrue(limit.getMessage().contains("at most " + (data.rawLength() - 1)), limit.getMessage());

        CorruptFileException moreBlocks = refused(new FileSurgery(file.bytes()).putLong(rawLengthField, data.rawLength() + 8192).resealed().bytes(),
                OpenOptions.defaults());
        assertTrue(moreBlocks.getMessage().contains("do not match"), moreBlocks.getMessage());

        CorruptFileException longBlock = refused(new FileSurgery(file.bytes()).putInt(envelope + 16, 1 << 30).resealed().bytes(), OpenOptions.defaults());
        assertTrue(longBlock.getMessage().contains("block 0 is stored in"), longBlock.getMessage());

        CorruptFileException manyBlocks = refused(new FileSurgery(file.bytes()).putInt(envelope + 8, Integer.MAX_VALUE).resealed().bytes(),
                OpenOptions.defaults());
        assertTrue(manyBlocks.getMessage().contains("do not match"), manyBlocks.getMessage());

        CorruptFileException blockSize = refused(new FileSurgery(file.bytes()).putInt(envelope, 3).resealed().bytes(), OpenOptions.defaults());
        assertTrue(blockSize.getMessage().contains("block size"), blockSize.getMessage());

        // A last block declared one byte shorter than what its frame decodes to: the decoder has no room for the rest.
        long shorter = data.rawLength() - 1;
        CorruptFileException overflow = refused(new FileSurgery(file.bytes()).putLong(rawLengthField, shorter).resealed().bytes(),
                OpenOptions.defaults());
        assertTrue(overflow.getMessage().contains("Zstandard") || overflow.getMessage().contains("decodes to"), overflow.getMessage());
    }

    @Test
    void damagedCompressedBlocksAreRefusedOrDecodedWithinBoundsButNeverCrash() throws IOException {
        for (Compression codec : List.of(Compression.LZ4, Compression.ZSTD, Compression.BROTLI)) {
            Path file = dir.resolve(codec.label() + ".mle");
            ModelFileWriter.write(SampleModels.forest(4, 5, 8, 4, false), file, WriteOptions.defaults().compressed(codec).withBlockSize(1 << 12));
            FileSurgery good = new FileSurgery(Files.readAllBytes(file));
            SectionEntry data = good.entry(SectionKind.TENSOR_DATA);
            long blocksStart = data.offset() + SectionEnvelope.HEADER_LENGTH + 4L * ((data.rawLength() + 4095) / 4096);
            Path bad = dir.resolve("bad.mle");
            int refusedCount = 0;
            for (long p = blocksStart; p < data.offset() + data.length(); p += 7) {
                Files.write(bad, new FileSurgery(good.bytes()).flip(p).resealed().bytes());
                try {
                    ModelFile.open(bad).close();
                } catch (MleException e) {
                    assertInstanceOf(CorruptFileException.class, e, codec + " byte " + p + ": " + e);
                    refusedCount++;
                }
            }
            assertTrue(refusedCount > 0, codec + ": some damaged blocks are detected by the decoder itself");
        }
    }

    @Test
    void everySingleFlippedByteOfACompressedFileIsRejected() throws IOException {
        Path file = dir.resolve("small.mle");
        ModelFileWriter.write(TestModels.classifier(), file, WriteOptions.defaults().compressed(Compression.LZ4));
        byte[] good = Files.readAllBytes(file);
        Path bad = dir.resolve("bad.mle");
        for (int i = 0; i < good.length; i++) {
            Files.write(bad, new FileSurgery(good).flip(i).bytes());
            int position = i;
            assertThrows(CorruptFileException.class, () -> ModelFile.open(bad).close(), () -> "flipped byte at " + position + " was accepted");
        }
    }

    @Test
    void levelsOutsideTheCodecsRangeAreRefusedWithTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WriteOptions.defaults().compressed(Compression.ZSTD, 23));
        assertTrue(e.getMessage().contains("between 1 and 22"), e.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Compression.fromLabel("gzip"));
        assertTrue(name.getMessage().contains("lz4, zstd, brotli"), name.getMessage());
        assertFalse(Compression.fromLabel("brotli") == Compression.NONE);
    }
}
