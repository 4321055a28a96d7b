package org.mleruntime.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mleruntime.MleModel;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.Compression;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.FormatVersion;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.WriteOptions;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.quantize.QuantizationMode;
import org.mleruntime.quantize.Quantizer;

/**
 * Writes this version's golden files: one per feature of the format, each with the outputs it
 * must keep giving. Run once per released format version, by hand, and commit the result; golden
 * files of released versions are never regenerated. The keys written beside them are test keys.
 */
public final class GenerateGoldenFiles {
    private GenerateGoldenFiles() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of("src/test/resources/golden/v" + FormatVersion.current());
        Files.createDirectories(dir.resolve("keys"));
        SigningKey signer = SigningKey.generate();
        EncryptionKey key = EncryptionKey.generate();
        Files.writeString(dir.resolve("keys/priv.pem"), signer.toPem());
        Files.writeString(dir.resolve("keys/pub.pem"), signer.verifyKey().toPem());
        Files.writeString(dir.resolve("keys/aes.key"), key.toHex());
        Model forest = SampleModels.forest(10, 5, 4, 21, true);
        Model mlp = SampleModels.mlp(4, 48, 22);
        WriteOptions plain = WriteOptions.defaults();
        write(dir, "pipeline_classifier", "StandardScaler + multinomial logistic regression, string labels", TestModels.classifier(), plain, List.of());
        write(dir, "forest_zstd", "random forest with float64 thresholds, Zstandard sections", forest, plain.compressed(Compression.ZSTD), List.of());
        write(dir, "forest_lz4_int8_leaves", "random forest, int8 leaves, LZ4 sections", quantized(forest, QuantizationMode.INT8),
                plain.compressed(Compression.LZ4), List.of());
        write(dir, "mlp_brotli_fp16", "perceptron, float16 weights, Brotli sections", quantized(mlp, QuantizationMode.FP16),
                plain.compressed(Compression.BROTLI), List.of());
        write(dir, "mlp_int8_qgemm", "perceptron, int8 weights read by QGemm", quantized(mlp, QuantizationMode.INT8), plain, List.of());
        write(dir, "classifier_signed", "linear classifier signed with keys/priv.pem", TestModels.classifier(), plain.signed(signer),
                List.of("verify-key keys/pub.pem"));
        write(dir, "classifier_encrypted", "linear classifier encrypted with keys/aes.key", TestModels.classifier(), plain.encrypted(key),
                List.of("decryption-key keys/aes.key"));
        write(dir, "forest_everything", "random forest, int8 leaves, Zstandard, encrypted and signed", quantized(forest, QuantizationMode.INT8),
                plain.compressed(Compression.ZSTD).encrypted(key).signed(signer), List.of("verify-key keys/pub.pem", "decryption-key keys/aes.key"));
        write(dir, "sequence_spread", "a sequence length as a named symbolic dimension, planned per shape of inputs",
                SampleModels.sequenceSpread(), plain, List.of());
    }

    private static Model quantized(Model model, QuantizationMode mode) {
        return Quantizer.quantize(model, mode, null).model();
    }

    private static void write(Path dir, String name, String description, Model model, WriteOptions options, List<String> directives)
            throws IOException {
        Path file = dir.resolve(name + ".mle");
        ModelFileWriter.write(model, file, options);
        Shape input = model.graph().inputs().getFirst().shape();
        int features = input.isSymbolic(1) ? 5 : Math.toIntExact(input.dim(1));
        double[][] rows = TestModels.randomRows(6, features, 11);
        List<String> lines = new ArrayList<>();
        lines.add("# " + FormatVersion.current() + " golden file: " + description);
        lines.addAll(directives);
        for (int r = 0; r < rows.length; r++) {
            lines.add("input " + r + " " + join(rows[r]));
        }
        try (MleModel m = MleModel.open(file, GoldenFile.options(file, directives), SessionOptions.defaults())) {
            Map<String, Tensor> out = m.run(Map.of("input", Tensors.of(rows)));
            for (String output : out.keySet().stream().sorted().toList()) {
                Tensor t = out.get(output);
                long perRow = t.elementCount() / rows.length;
                for (int r = 0; r < rows.length; r++) {
                    StringBuilder b = new StringBuilder(output + " " + r);
                    for (long j = 0; j < perRow; j++) {
                        b.append(' ').append(t.dtype() == DType.STRING ? t.string(r * perRow + j) : Double.toString(t.getDouble(r * perRow + j)));
                    }
                    lines.add(b.toString());
                }
            }
        }
        Files.write(dir.resolve(name + ".expected"), lines);
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.isEmpty() ? "" : " ").append(d);
        }
        return b.toString();
    }
}
