package org.mleruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.MleModel;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.Compression;
import org.mleruntime.format.EncryptionKey;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.SectionEntry;
import org.mleruntime.format.SigningKey;
import org.mleruntime.format.WriteOptions;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/**
 * Every combination of compression, quantization, signature and encryption on a linear model, a
 * tree ensemble and a perceptron: the file gives exactly what the (quantized) model gives in memory,
 * and stays within the quantization's tolerance of the original.
 */
class FeatureMatrixTest {
    private static final SigningKey SIGNER = SigningKey.generate();
    private static final EncryptionKey KEY = EncryptionKey.generate();
    private static final Map<String, Supplier<Model>> MODELS = Map.of(
            "linear", SampleModels::linear,
            "forest", () -> SampleModels.forest(12, 5, 4, 11, false),
            "mlp", () -> SampleModels.mlp(4, 64, 12));

    @TempDir
    Path dir;

    static Stream<Arguments> combinations() {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("linear", "forest", "mlp")) {
            for (String quantize : List.of("none", "fp16", "int8")) {
                for (Compression codec : Compression.values()) {
                    for (boolean signed : new boolean[] {false, true}) {
                        for (boolean encrypted : new boolean[] {false, true}) {
                            out.add(Arguments.of(model, quantize, codec, signed, encrypted));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    private static Map<String, Tensor> run(Path file, OpenOptions options, double[][] rows) {
        try (MleModel m = MleModel.open(file, options, SessionOptions.defaults())) {
            return m.run(Map.of("input", Tensors.of(rows)));
        }
    }

    @ParameterizedTest(name = "{0} quantize={1} {2} signed={3} encrypted={4}")
    @MethodSource("combinations")
    void roundTrip(String modelName, String quantize, Compression codec, boolean signed, boolean encrypted) {
        Model original = MODELS.get(modelName).get();
        double[][] rows = TestModels.randomRows(40, 4, 17);
        Model model = quantize.equals("none") ? original
                : Quantizer.quantize(original, QuantizationMode.fromLabel(quantize), Tensors.of(rows)).model();
        Map<String, Tensor> expected = QuantizerTest.run(model.graph(), rows);
        Map<String, Tensor> unmodified = QuantizerTest.run(original.graph(), rows);

        WriteOptions write = WriteOptions.defaults().compressed(codec).withBlockSize(1 << 12);
        OpenOptions read = OpenOptions.defaults();
        if (signed) {
            write = write.signed(SIGNER);
            read = read.withVerifyKey(SIGNER.verifyKey(), true);
        }
        if (encrypted) {
            write = write.encrypted(KEY);
            read = read.withDecryptionKey(KEY);
        }
        Path file = dir.resolve("m.mle");
        ModelFileWriter.write(model, file, write);
        Map<String, Tensor> actual = run(file, read, rows);

        assertArrayEquals(Tensors.toDoubles(expected.get("probabilities")), Tensors.toDoubles(actual.get("probabilities")),
                "coding a file changes no bit");
        assertArrayEquals(Tensors.toStrings(expected.get("label")), Tensors.toStrings(actual.get("label")));
        double tolerance = switch (quantize) {
            case "none" -> 0;
            case "fp16" -> 5e-3;
            default -> 5e-2;
        };
        double change = QuantizerTest.maxAbsDiff(unmodified.get("probabilities"), actual.get("probabilities"));
        assertTrue(change <= tolerance, quantize + " moved probabilities by " + change);
        try (ModelFile f = ModelFile.open(file, read)) {
            assertEquals(signed, f.signatureVerified());
            assertEquals(encrypted, f.header().hasKeyId());
            for (SectionEntry e : f.sections()) {
                assertTrue(e.compression() == 0 || e.compression() == codec.code());
            }
        }
    }
}
