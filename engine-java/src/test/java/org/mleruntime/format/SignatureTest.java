package org.mleruntime.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.CorruptFileException;
import org.mleruntime.MleException;
import org.mleruntime.SampleModels;
import org.mleruntime.SignatureException;
import org.mleruntime.TestModels;

class SignatureTest {
    private static final SigningKey SIGNER = SigningKey.generate();
    private static final OpenOptions VERIFY = OpenOptions.defaults().withVerifyKey(SIGNER.verifyKey(), true);

    @TempDir
    Path dir;

    private Path signed(String name) {
        Path file = dir.resolve(name);
        ModelFileWriter.write(TestModels.classifier(), file, WriteOptions.defaults().signed(SIGNER));
        return file;
    }

    @Test
    void rfc8032TestVectorOne() {
        HexFormat hex = HexFormat.of();
        SigningKey key = SigningKey.of(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", hex.formatHex(key.verifyKey().raw()));
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                hex.formatHex(key.sign(new byte[0])));
    }

    @Test
    void keysRoundTripThroughPem() {
        SigningKey fromPem = SigningKey.of(SIGNER.toPem().getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(SIGNER.seed(), fromPem.seed());
        VerifyKey pub = VerifyKey.of(SIGNER.verifyKey().toPem().getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(SIGNER.verifyKey().raw(), pub.raw());
        assertEquals(SIGNER.verifyKey().idHex(), VerifyKey.of(pub.raw()).idHex());
        assertTrue(SIGNER.toPem().startsWith("-----BEGIN PRIVATE KEY-----\n"));
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> VerifyKey.of(SIGNER.toPem().getBytes(StandardCharsets.US_ASCII)));
        assertTrue(swapped.getMessage().contains("PUBLIC KEY"), swapped.getMessage());
    }

    @Test
    void aSignedFileVerifiesBeforeUseAndLoadsWithoutAKeyToo() {
        Path file = signed("m.mle");
        try (ModelFile f = ModelFile.open(file, VERIFY)) {
            assertTrue(f.signatureVerified());
            assertEquals(SIGNER.verifyKey().idHex(), FileSigner.signerId(f.layout()));
            assertEquals(4, f.sections().size());
        }
        try (ModelFile f = ModelFile.open(file)) {
            assertFalse(f.signatureVerified(), "without a trusted key the signature is not checked");
        }
        FileSigner.verify(file, SIGNER.verifyKey(), Progress.NONE);
    }

    @Test
    void everySingleFlippedByteOfASignedFileIsASignatureError() throws IOException {
        byte[] good = Files.readAllBytes(signed("m.mle"));
        Path bad = dir.resolve("bad.mle");
        for (int i = 0; i < good.length; i++) {
            Files.write(bad, new FileSurgery(good).flip(i).bytes());
            int position = i;
            MleException e = assertThrows(MleException.class, () -> ModelFile.open(bad, VERIFY).close(),
                    () -> "flipped byte at " + position + " was accepted");
            assertInstanceOf(SignatureException.class, e, "byte " + i + ": " + e.getMessage());
        }
    }

    @Test
    void sampledFlippedBytesOfALargeSignedFileAreSignatureErrors() throws IOException {
        Path file = dir.resolve("large.mle");
        ModelFileWriter.write(SampleModels.mlp(64, 2048, 1), file, WriteOptions.defaults().signed(SIGNER).compressed(Compression.LZ4));
        byte[] good = Files.readAllBytes(file);
        assertTrue(good.length > 1_000_000);
        FileSurgery s = new FileSurgery(good);
        SectionEntry signature = s.entry(SectionKind.SIGNATURE);
        Random r = new Random(42);
        long[] positions = new long[200];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = switch (i % 4) {
                case 0 -> r.nextInt(FileHeader.SIZE);
                case 1 -> s.tableOffset() + r.nextInt(s.count() * SectionEntry.SIZE);
                case 2 -> signature.offset() + r.nextInt((int) signature.length());
                default -> r.nextInt(good.length);
            };
        }
        Path bad = dir.resolve("bad.mle");
        for (long p : positions) {
            Files.write(bad, new FileSurgery(good).flip(p).bytes());
            assertThrows(SignatureException.class, () -> ModelFile.open(bad, VERIFY).close(), () -> "flipped byte at " + p + " was accepted");
        }
        // An attacker who also fixes every CRC is caught by the signature itself.
        for (int i = 0; i < 30; i++) {
            long p = r.nextLong(signature.offset());
            Files.write(bad, new FileSurgery(good).flip(p).resealed().bytes());
            assertThrows(SignatureException.class, () -> ModelFile.open(bad, VERIFY).close(), () -> "resealed flip at " + p + " was accepted");
        }
    }

    @Test
    void wrongKeyAndMissingSignatureAreSignatureErrors() {
        Path file = signed("m.mle");
        VerifyKey other = SigningKey.generate().verifyKey();
        SignatureException wrong = assertThrows(SignatureException.class,
                () -> ModelFile.open(file, OpenOptions.defaults().withVerifyKey(other, true)).close());
        assertTrue(wrong.getMessage().contains(SIGNER.verifyKey().idHex()) && wrong.getMessage().contains(other.idHex()), wrong.getMessage());

        Path unsigned = dir.resolve("plain.mle");
        ModelFileWriter.write(TestModels.classifier(), unsigned);
        SignatureException missing = assertThrows(SignatureException.class, () -> ModelFile.open(unsigned, VERIFY).close());
        assertTrue(missing.getMessage().contains("not signed"), missing.getMessage());
        try (ModelFile f = ModelFile.open(unsigned, OpenOptions.defaults().withVerifyKey(SIGNER.verifyKey(), false))) {
            assertFalse(f.signatureVerified(), "an unsigned file passes when a signature is not required");
        }
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.defaults().withVerifyKey(null, true));
    }

    @Test
    void signingAnExistingFileLeavesEverySectionWhereItWas() throws IOException {
        Path plain = dir.resolve("plain.mle");
        ModelFileWriter.write(SampleModels.forest(10, 5, 6, 2, false), plain);
        Path out = dir.resolve("signed.mle");
        FileSigner.sign(plain, out, SIGNER, Progress.NONE);
        byte[] before = Files.readAllBytes(plain);
        byte[] after = Files.readAllBytes(out);
        List<SectionEntry> original = new FileSurgery(before).entries();
        List<SectionEntry> signedEntries = new FileSurgery(after).entries();
        for (int i = 0; i < original.size(); i++) {
            SectionEntry e = original.get(i);
            assertEquals(e, signedEntries.get(i), "entry " + e.kindName() + " unchanged");
            assertArrayEquals(Arrays.copyOfRange(before, (int) e.offset(), (int) (e.offset() + e.length())),
                    Arrays.copyOfRange(after, (int) e.offset(), (int) (e.offset() + e.length())));
        }
        assertEquals(SectionKind.SIGNATURE, signedEntries.getLast().knownKind());
        try (ModelFile f = ModelFile.open(out, VERIFY)) {
            assertTrue(f.model().graph().constants().get("tree_nodes").data().isMapped(), "signed weights are still used in place");
        }
        SigningKey second = SigningKey.generate();
        FileSigner.sign(out, out, second, Progress.NONE);
        assertThrows(SignatureException.class, () -> ModelFile.open(out, VERIFY).close(), "re-signing replaces the signature");
        ModelFile.open(out, OpenOptions.defaults().withVerifyKey(second.verifyKey(), true)).close();
        assertEquals(after.length, Files.size(out), "the new signature takes the old one's place");
    }

    @Test
    void encryptedFilesAreSignedAndVerifiedWithoutTheirKey() {
        Path file = dir.resolve("enc.mle");
        EncryptionKey key = EncryptionKey.generate();
        ModelFileWriter.write(TestModels.classifier(), file, WriteOptions.defaults().encrypted(key));
        FileSigner.sign(file, file, SIGNER, Progress.NONE);
        FileSigner.verify(file, SIGNER.verifyKey(), Progress.NONE);
        try (ModelFile f = ModelFile.open(file, VERIFY.withDecryptionKey(key))) {
            assertTrue(f.signatureVerified());
        }
    }

    @Test
    void corruptFilesCannotBeSigned() throws IOException {
        Path file = dir.resolve("m.mle");
        ModelFileWriter.write(TestModels.classifier(), file);
        byte[] b = Files.readAllBytes(file);
        SectionEntry data = new FileSurgery(b).entry(SectionKind.TENSOR_DATA);
        Files.write(file, new FileSurgery(b).flip(data.offset() + 1).bytes());
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> FileSigner.sign(file, dir.resolve("s.mle"), SIGNER, Progress.NONE));
        assertTrue(e.getMessage().contains("TENSOR_DATA"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("s.mle")));
    }

    @Test
    void aFileWithoutSignatureHasNoSignerId() {
        Path file = dir.resolve("m.mle");
        ModelFileWriter.write(TestModels.classifier(), file);
        try (FileLayout layout = FileLayout.open(file)) {
            assertNull(FileSigner.signerId(layout));
        }
    }
}
