package org.mleruntime.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;
import org.mleruntime.TestModels;
import org.mleruntime.UnsupportedVersionException;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

class ModelFileTest {
    @TempDir
    Path dir;

    private Path written() {
        Path p = dir.resolve("m.mle");
        ModelFileWriter.write(TestModels.classifier(), p);
        return p;
    }

    @Test
    void roundTripKeepsGraphMetadataAndWeights() {
        Model original = TestModels.classifier();
        try (ModelFile f = ModelFile.open(written())) {
            Model m = f.model();
            assertEquals(original.graph().inputs(), m.graph().inputs());
            assertEquals(original.graph().outputs(), m.graph().outputs());
            assertEquals(original.graph().nodes(), m.graph().nodes());
            assertEquals(original.metadata(), m.metadata());
            for (String name : original.graph().constants().keySet()) {
                Tensor a = original.graph().constants().get(name);
                Tensor b = m.graph().constants().get(name);
                assertEquals(a.shape(), b.shape());
                if (a.dtype().isNumeric()) {
                    assertArrayEquals(Tensors.toDoubles(a), Tensors.toDoubles(b));
                    assertEquals(0, b.data().address() % 64, "tensor data is 64-byte aligned in the mapping");
                    assertTrue(b.data().isNative(), "weights are read in place from the mapping");
                } else {
                    assertArrayEquals(Tensors.toStrings(a), Tensors.toStrings(b));
                }
            }
            assertEquals(1, f.header().major());
            assertEquals(3, f.sections().size());
            for (SectionEntry e : f.sections()) {
                assertEquals(0, e.offset() % 64, "section " + e.kindName() + " aligned");
            }
        }
    }

    @Test
    void everySingleFlippedByteIsRejected() throws IOException {
        byte[] good = Files.readAllBytes(written());
        Path bad = dir.resolve("bad.mle");
        for (int i = 0; i < good.length; i++) {
            byte[] b = good.clone();
            b[i] ^= (byte) 0x5A;
            Files.write(bad, b);
            int position = i;
            MleException e = assertThrows(MleException.class, () -> ModelFile.open(bad).close(),
                    () -> "flipped byte at " + position + " was accepted");
            assertInstanceOf(CorruptFileException.class, e, "byte " + i + ": " + e.getMessage());
        }
    }

    @Test
    void truncatedFilesAreRejectedWithTheirLength() throws IOException {
        byte[] good = Files.readAllBytes(written());
        Path bad = dir.resolve("short.mle");
        for (int len : new int[] {0, 10, 63, 64, good.length / 2, good.length - 1}) {
            Files.write(bad, java.util.Arrays.copyOf(good, len));
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelFile.open(bad).close());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("shorter"), e.getMessage());
        }
    }

    @Test
    void wrongMagicSaysNotAnMleFile() throws IOException {
        Path bad = dir.resolve("x.mle");
        Files.writeString(bad, "PK\u0003\u0004 this is a zip file, not a model ".repeat(4));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelFile.open(bad).close());
        assertTrue(e.getMessage().contains("not an .mle file"), e.getMessage());
    }

    @Test
    void newerMajorVersionNamesBothVersions() throws IOException {
        byte[] b = Files.readAllBytes(written());
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort(8, (short) 2);
        bb.putShort(10, (short) 3);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, 60);
        bb.putInt(60, (int) crc.getValue());
        Path newer = dir.resolve("newer.mle");
        Files.write(newer, b);
        UnsupportedVersionException e = assertThrows(UnsupportedVersionException.class, () -> ModelFile.open(newer).close());
        assertTrue(e.getMessage().contains("2.3") && e.getMessage().contains("1."), e.getMessage());
    }

    @Test
    void newerMinorVersionIsRead() throws IOException {
        byte[] b = Files.readAllBytes(written());
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort(10, (short) 7);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, 60);
        bb.putInt(60, (int) crc.getValue());
        Path newer = dir.resolve("minor.mle");
        Files.write(newer, b);
        try (ModelFile f = ModelFile.open(newer)) {
            assertEquals(7, f.header().minor());
        }
    }

    @Test
    void aDirectoryIsReportedAsOne() {
        MleException e = assertThrows(MleException.class, () -> ModelFile.open(dir).close());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void missingFileIsReportedByPath() {
        MleException e = assertThrows(MleException.class, () -> ModelFile.open(dir.resolve("nope.mle")));
        assertTrue(e.getMessage().contains("nope.mle"), e.getMessage());
    }

    @Test
    void deferredVerificationOpensAndThenReportsCorruptWeights() throws IOException {
        Path p = written();
        byte[] b = Files.readAllBytes(p);
        long dataOffset;
        try (ModelFile f = ModelFile.open(p)) {
            dataOffset = f.sections().stream().filter(s -> s.knownKind() == SectionKind.TENSOR_DATA).findFirst().orElseThrow().offset();
        }
        b[(int) dataOffset + 3] ^= 1;
        Path bad = dir.resolve("weights.mle");
        Files.write(bad, b);
        assertThrows(CorruptFileException.class, () -> ModelFile.open(bad).close());
        try (ModelFile f = ModelFile.open(bad, OpenOptions.deferredVerification())) {
            CorruptFileException e = assertThrows(CorruptFileException.class, f::awaitVerification);
            assertTrue(e.getMessage().contains("TENSOR_DATA"), e.getMessage());
            assertThrows(CorruptFileException.class, f::ensureIntact);
        }
    }

    @Test
    void closingWhileTheDeferredCheckRunsWaitsForItToStop() throws IOException {
        Path p = dir.resolve("large.mle");
        // 64 MB of weights: a check of several chunks, still running when the file is closed.
        ModelFileWriter.write(org.mleruntime.SampleModels.mlp(4096, 4096, 1), p);
        for (int i = 0; i < 20; i++) {
            ModelFile f = ModelFile.open(p, OpenOptions.deferredVerification());
            f.close();
        }
        try (ModelFile f = ModelFile.open(p, OpenOptions.deferredVerification())) {
            f.awaitVerification();
        }
    }

    @Test
    void writingIsAtomicAndLeavesNoPartialFile() throws IOException {
        Path target = dir.resolve("atomic.mle");
        Files.writeString(target, "previous content");
        Model broken = new Model(TestModels.classifier().graph().withNodes(List.of(), TestModels.classifier().graph().constants()),
                TestModels.classifier().metadata());
        assertThrows(MleException.class, () -> ModelFileWriter.write(broken, target));
        assertEquals("previous content", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".partial")));
        }
    }
}
