package org.mleruntime.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mleruntime.MleModel;
import org.mleruntime.TestModels;
import org.mleruntime.format.FormatVersion;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/**
 * Writes this version's golden files. Run once per released format version, by hand, and commit
 * the result; golden files of released versions are never regenerated.
 */
public final class GenerateGoldenFiles {
    private GenerateGoldenFiles() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of("src/test/resources/golden/v" + FormatVersion.current());
        Files.createDirectories(dir);
        Path model = dir.resolve("pipeline_classifier.mle");
        ModelFileWriter.write(TestModels.classifier(), model);
        double[][] rows = TestModels.randomRows(6, 4, 11);
        List<String> lines = new ArrayList<>();
        lines.add("# " + FormatVersion.current() + " golden file: StandardScaler + multinomial logistic regression, string labels");
        for (int r = 0; r < rows.length; r++) {
            lines.add("input " + r + " " + join(rows[r]));
        }
        try (MleModel m = MleModel.open(model)) {
            Map<String, Tensor> out = m.run(Map.of("input", Tensors.of(rows)));
            for (String name : List.of("scores", "probabilities", "label")) {
                Tensor t = out.get(name);
                long perRow = t.elementCount() / rows.length;
                for (int r = 0; r < rows.length; r++) {
                    StringBuilder b = new StringBuilder(name + " " + r);
                    for (long j = 0; j < perRow; j++) {
                        b.append(' ').append(t.dtype() == DType.STRING ? t.string(r * perRow + j) : Double.toString(t.getDouble(r * perRow + j)));
                    }
                    lines.add(b.toString());
                }
            }
        }
        Files.write(dir.resolve("pipeline_classifier.expected"), lines);
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.isEmpty() ? "" : " ").append(d);
        }
        return b.toString();
    }
}
