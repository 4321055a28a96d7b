package org.mleruntime.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.CorruptFileException;
import org.mleruntime.DecryptionException;
import org.mleruntime.MleException;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.ir.Tensor;

class EncryptionTest {
    private static final EncryptionKey KEY = EncryptionKey.of(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    @TempDir
    Path dir;

    private Path encrypted(String name, WriteOptions options) {
        Path file = dir.resolve(name);
        ModelFileWriter.write(TestModels.classifier(), file, options.encrypted(KEY));
        return file;
    }

    @Test
    void encryptedFilesRoundTripIntoOffHeapMemoryOnly() throws IOException {
        Path plain = dir.resolve("plain.mle");
        ModelFileWriter.write(TestModels.classifier(), plain);
        double[][] rows = TestModels.randomRows(7, 4, 3);
        for (Compression codec : Compression.values()) {
            Path file = encrypted(codec.label() + ".mle", WriteOptions.defaults().compressed(codec));
            assertArrayEquals(CompressionTest.run(plain, OpenOptions.defaults(), rows),
                    CompressionTest.run(file, OpenOptions.defaults().withDecryptionKey(KEY), rows));
            try (ModelFile f = ModelFile.open(file, OpenOptions.defaults().withDecryptionKey(KEY))) {
                assertArrayEquals(KEY.id(), f.header().keyId());
                for (SectionEntry e : f.sections()) {
                    SectionKind kind = e.knownKind();
                    assertEquals(kind != SectionKind.ENCRYPTION, e.encrypted(), "every data section is encrypted: " + kind);
                }
                Tensor coef = f.model().graph().constants().get("coef");
                assertTrue(coef.data().isNative() && !coef.data().isMapped(), "weights are decrypted into off-heap memory");
                assertEquals(0, coef.data().address() % 64);
            }
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : new String[] {"versicolor", "handmade", "Pipeline(StandardScaler", "setosa"}) {
                assertFalse(bytes.contains(secret), "'" + secret + "' appears in the encrypted file");
            }
        }
    }

    @Test
    void aMissingOrWrongKeyIsADecryptionErrorNamingTheKeyIds() {
        Path file = encrypted("m.mle", WriteOptions.defaults());
        DecryptionException missing = assertThrows(DecryptionException.class, () -> ModelFile.open(file).close());
        assertTrue(missing.getMessage().contains("encrypted (key id " + KEY.idHex()), missing.getMessage());
        EncryptionKey other = EncryptionKey.generate();
        DecryptionException wrong = assertThrows(DecryptionException.class,
                () -> ModelFile.open(file, OpenOptions.defaults().withDecryptionKey(other)).close());
        assertTrue(wrong.getMessage().contains(KEY.idHex()) && wrong.getMessage().contains(other.idHex()), wrong.getMessage());
    }

    @Test
    void changedCiphertextFailsAuthenticationEvenWithMatchingChecksums() throws IOException {
        Path file = encrypted("m.mle", WriteOptions.defaults().compressed(Compression.ZSTD));
        FileSurgery good = new FileSurgery(Files.readAllBytes(file));
        Path bad = dir.resolve("bad.mle");
        for (SectionKind kind : new SectionKind[] {SectionKind.METADATA, SectionKind.GRAPH, SectionKind.TENSOR_DATA}) {
            SectionEntry e = good.entry(kind);
            for (long p = e.offset() + e.length() - 20; p < e.offset() + e.length(); p += 3) {
                Files.write(bad, new FileSurgery(good.bytes()).flip(p).resealed().bytes());
                MleException failure = assertThrows(MleException.class, () -> ModelFile.open(bad, OpenOptions.defaults().withDecryptionKey(KEY)).close());
                assertInstanceOf(DecryptionException.class, failure, kind + " byte " + p + ": " + failure.getMessage());
            }
        }
        SectionEntry flags = good.entry(SectionKind.GRAPH);
        Files.write(bad, new FileSurgery(good.bytes()).putInt(good.entryField(SectionKind.GRAPH, 4), flags.flags() & ~0xF | Compression.LZ4.code())
                .resealed().bytes());
        assertThrows(DecryptionException.class, () -> ModelFile.open(bad, OpenOptions.defaults().withDecryptionKey(KEY)).close(),
                "the section flags are authenticated");
    }

    @Test
    void sectionsCannotBeMovedBetweenFilesEncryptedWithTheSameKey() throws IOException {
        FileSurgery a = new FileSurgery(Files.readAllBytes(encrypted("a.mle", WriteOptions.defaults())));
        byte[] b = Files.readAllBytes(encrypted("b.mle", WriteOptions.defaults()));
        SectionEntry data = a.entry(SectionKind.TENSOR_DATA);
        byte[] spliced = a.bytes();
        System.arraycopy(b, (int) data.offset(), spliced, (int) data.offset(), (int) data.length());
        Path bad = dir.resolve("spliced.mle");
        Files.write(bad, new FileSurgery(spliced).resealed().bytes());
        assertThrows(DecryptionException.class, () -> ModelFile.open(bad, OpenOptions.defaults().withDecryptionKey(KEY)).close(),
                "each file has its own key, derived from its salt");
    }

    @Test
    void nonceIdsAreUniqueWithinAFileAndAReusedOneIsRefused() throws IOException {
        FileSurgery file = new FileSurgery(Files.readAllBytes(encrypted("m.mle", WriteOptions.defaults())));
        Set<Integer> ids = new HashSet<>();
        ByteBuffer b = ByteBuffer.wrap(file.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (SectionEntry e : file.entries()) {
            if (e.encrypted()) {
                assertTrue(ids.add(b.getInt((int) e.offset() + 4)), "nonce id reused");
            }
        }
        assertEquals(3, ids.size());
        int graphNonce = (int) file.entry(SectionKind.GRAPH).offset() + 4;
        int metadataNonce = b.getInt((int) file.entry(SectionKind.METADATA).offset() + 4);
        Path bad = dir.resolve("bad.mle");
        Files.write(bad, new FileSurgery(file.bytes()).putInt(graphNonce, metadataNonce).resealed().bytes());
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelFile.open(bad, OpenOptions.defaults().withDecryptionKey(KEY)).close());
        assertTrue(e.getMessage().contains("nonce id"), e.getMessage());
    }

    @Test
    void everySingleFlippedByteOfAnEncryptedFileIsRejected() throws IOException {
        byte[] good = Files.readAllBytes(encrypted("m.mle", WriteOptions.defaults()));
        Path bad = dir.resolve("bad.mle");
        for (int i = 0; i < good.length; i++) {
            Files.write(bad, new FileSurgery(good).flip(i).bytes());
            int position = i;
            assertThrows(MleException.class, () -> ModelFile.open(bad, OpenOptions.defaults().withDecryptionKey(KEY)).close(),
                    () -> "flipped byte at " + position + " was accepted");
        }
    }

    @Test
    void truncatedCodedFilesAreRejectedWithTheirLength() throws IOException {
        byte[] good = Files.readAllBytes(encrypted("m.mle", WriteOptions.defaults().compressed(Compression.BROTLI).signed(SigningKey.generate())));
        Path bad = dir.resolve("short.mle");
        for (int len : new int[] {0, 63, 64, 200, good.length / 2, good.length - 1}) {
            Files.write(bad, java.util.Arrays.copyOf(good, len));
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelFile.open(bad, OpenOptions.defaults().withDecryptionKey(KEY)).close());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("shorter"), e.getMessage());
        }
    }

    @Test
    void keysAreReadRawAsHexOrAsBase64() {
        byte[] raw = KEY.bytes();
        assertArrayEquals(KEY.id(), EncryptionKey.of(KEY.toHex().getBytes(StandardCharsets.US_ASCII)).id());
        assertArrayEquals(KEY.id(), EncryptionKey.of((java.util.Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII)).id());
        assertNotEquals(KEY.idHex(), EncryptionKey.generate().idHex());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncryptionKey.of(new byte[16]));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    }

    @Test
    void largeEncryptedSectionsDecryptBlockByBlock() {
        Path plain = dir.resolve("plain.mle");
        Path file = dir.resolve("big.mle");
        var model = SampleModels.mlp(32, 2048, 5);
        ModelFileWriter.write(model, plain);
        ModelFileWriter.write(model, file, WriteOptions.defaults().encrypted(KEY).withBlockSize(1 << 14));
        double[][] rows = TestModels.randomRows(5, 32, 8);
        assertArrayEquals(CompressionTest.run(plain, OpenOptions.defaults(), rows),
                CompressionTest.run(file, OpenOptions.defaults().withDecryptionKey(KEY), rows));
    }
}
