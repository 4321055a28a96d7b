package org.mleruntime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.MleModel;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.VerifyKey;
import org.mleruntime.ir.Tensors;

class MainTest {
    @TempDir
    Path dir;
    private Path model;

    private record Result(int status, String out, String err) {}

    private Result mle(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] strings = java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int status = Main.run(strings, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void failsWithOneLine(Result r, int status, String containing) {
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(containing), r.err());
    }

    private static double[] probabilities(Path file, OpenOptions options) {
        try (MleModel m = MleModel.open(file, options, SessionOptions.defaults())) {
            return Tensors.toDoubles(m.run(Map.of("input", Tensors.of(TestModels.randomRows(9, 4, 1)))).get("probabilities"));
        }
    }

    @BeforeEach
    void writeModel() {
        model = dir.resolve("m.mle");
        ModelFileWriter.write(SampleModels.forest(20, 5, 4, 3, false), model);
    }

    @Test
    void keygenSignVerifyAndATamperedFileFails() throws IOException {
        Result keys = mle("keygen", "--out", dir.resolve("keys"));
        assertEquals(0, keys.status(), keys.err());
        assertTrue(keys.out().contains("Ed25519, key id "), keys.out());
        failsWithOneLine(mle("keygen", "--out", dir.resolve("keys")), 1, "pass --force");
        Path signed = dir.resolve("signed.mle");
        Result sign = mle("sign", model, "--key", dir.resolve("keys/priv.pem"), "--out", signed);
        assertEquals(0, sign.status(), sign.err());
        Result ok = mle("verify", signed, "--key", dir.resolve("keys/pub.pem"));
        assertEquals(0, ok.status(), ok.err());
        String keyId = VerifyKey.read(dir.resolve("keys/pub.pem")).idHex();
        assertTrue(ok.out().contains("OK, signed by key id " + keyId), ok.out());
        assertTrue(mle("verify", signed).out().contains("give --key PUBLIC_KEY to check the signature"));

        byte[] b = Files.readAllBytes(signed);
        b[200] ^= 1;
        Files.write(signed, b);
        failsWithOneLine(mle("verify", signed, "--key", dir.resolve("keys/pub.pem")), 1, "fails signature verification");
        failsWithOneLine(mle("verify", signed), 1, "checksum mismatch");
    }

    /** A fresh key pair in keys/; the private key's path. */
    private Path keys() {
        assertEquals(0, mle("keygen", "--out", dir.resolve("keys"), "--force").status());
        return dir.resolve("keys/priv.pem");
    }

    @Test
    void inspectShowsSectionsSignatureAndGraph() {
        Result r = mle("inspect", model);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("SECTION") && r.out().contains("TENSOR_DATA") && r.out().contains("COMPRESSION"), r.out());
        assertTrue(r.out().contains("TreeEnsemble") && r.out().contains("RandomForestClassifier"), r.out());
        assertTrue(r.out().contains("signature: none") && r.out().contains("encryption: none"), r.out());
        Result json = mle("inspect", model, "--json");
        assertTrue(json.out().startsWith("{\"path\":") && json.out().contains("\"sections\":["), json.out());
    }

    @Test
    void compressEncryptDecryptKeepTheModel() throws IOException {
        Path key = dir.resolve("aes.key");
        Files.writeString(key, EncryptionKey.generate().toHex());
        double[] expected = probabilities(model, OpenOptions.defaults());

        Result compress = mle("compress", model, dir.resolve("z.mle"), "--codec", "zstd", "--level", "19");
        assertEquals(0, compress.status(), compress.err());
        assertTrue(compress.out().contains("zstd level 19"), compress.out());
        assertTrue(Files.size(dir.resolve("z.mle")) < Files.size(model));

        Result encrypt = mle("encrypt", dir.resolve("z.mle"), dir.resolve("e.mle"), "--key", key);
        assertEquals(0, encrypt.status(), encrypt.err());
        EncryptionKey aes = EncryptionKey.read(key);
        assertArrayEquals(expected, probabilities(dir.resolve("e.mle"), OpenOptions.defaults().withDecryptionKey(aes)));
        assertTrue(mle("inspect", dir.resolve("e.mle")).out().contains("give the decryption key"));
        assertTrue(mle("sign", dir.resolve("e.mle"), "--key", keys()).status() == 0, "an encrypted file is signed without its key");
        assertTrue(mle("inspect", dir.resolve("e.mle"), "--verify-key", dir.resolve("keys/pub.pem")).out().contains("(verified)"));
        assertTrue(mle("inspect", dir.resolve("e.mle"), "--key", key).out().contains("TreeEnsemble"));
        failsWithOneLine(mle("encrypt", dir.resolve("e.mle"), dir.resolve("x.mle"), "--key", key), 2, "already encrypted");
        failsWithOneLine(mle("compress", dir.resolve("e.mle"), dir.resolve("x.mle")), 2, "is encrypted");

        Result decrypt = mle("decrypt", dir.resolve("e.mle"), dir.resolve("d.mle"), "--key", key);
        assertEquals(0, decrypt.status(), decrypt.err());
        assertTrue(decrypt.out().contains("zstd"), "decrypt keeps the compression: " + decrypt.out());
        assertArrayEquals(expected, probabilities(dir.resolve("d.mle"), OpenOptions.defaults()));

        Path other = dir.resolve("other.key");
        Files.writeString(other, EncryptionKey.generate().toHex());
        failsWithOneLine(mle("decrypt", dir.resolve("e.mle"), dir.resolve("x.mle"), "--key", other), 1, "not with the given key");
    }

    @Test
    void quantizeReportsTheChangeOnCalibrationRows() throws IOException {
        Path rows = dir.resolve("rows.csv");
        StringBuilder csv = new StringBuilder("a,b,c,d\n");
        for (double[] row : TestModels.randomRows(30, 4, 2)) {
            csv.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append(',').append(row[3]).append('\n');
        }
        Files.writeString(rows, csv);
        Result r = mle("quantize", model, dir.resolve("q.mle"), "--mode", "int8", "--calibration", rows);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("tree_leaves") && r.out().contains("int8"), r.out());
        assertTrue(r.out().contains("calibration: 30 rows given") && r.out().contains("MAX ABS CHANGE"), r.out());
        double[] before = probabilities(model, OpenOptions.defaults());
        double[] after = probabilities(dir.resolve("q.mle"), OpenOptions.defaults());
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 0.02);
        }
        failsWithOneLine(mle("quantize", model, dir.resolve("q.mle"), "--mode", "int4"), 2, "supported: fp16, int8");
    }

    @Test
    void benchPrintsLatencyAndThroughput() {
        Result r = mle("bench", model, "--rows", "200", "--repeat", "2", "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("1 row, median of") && r.out().contains("rows/s"), r.out());
        assertFalse(r.err().contains("\r"), "no progress when standard error is not a terminal");
    }

    @Test
    void misuseGetsOneLineAndStatusTwo() {
        failsWithOneLine(mle("frobnicate"), 2, "unknown command 'frobnicate'");
        failsWithOneLine(mle("inspect", model, "--colour"), 2, "unknown option --colour");
        failsWithOneLine(mle("inspect"), 2, "usage: mle inspect");
        failsWithOneLine(mle("compress", model, dir.resolve("x.mle"), "--codec", "gzip"), 2, "supported: none, lz4, zstd, brotli");
        failsWithOneLine(mle("compress", model, dir.resolve("x.mle"), "--level", "99"), 2, "between 1 and 22");
        failsWithOneLine(mle("inspect", dir.resolve("missing.mle")), 1, "not found");
        Result help = mle("--help");
        assertEquals(0, help.status());
        for (String command : new String[] {"inspect", "verify", "sign", "encrypt", "decrypt", "compress", "quantize", "keygen", "bench", "convert"}) {
            assertTrue(help.out().contains("mle " + command + " "), command);
        }
        assertEquals(0, mle("convert", "--help").status(), "convert is the exporters' command");
    }
}
