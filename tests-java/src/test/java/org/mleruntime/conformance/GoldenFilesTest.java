package org.mleruntime.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.MleModel;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/** Every golden file of every released format version keeps loading and computing what it computed. */
class GoldenFilesTest {
    static List<Path> goldenFiles() throws IOException {
        return GoldenFile.all();
    }

    @Test
    void thereAreGoldenFilesOfEveryReleasedMinorVersion() throws IOException {
        for (String version : List.of("v1.0", "v1.1", "v1.2")) {
            assertFalse(goldenFiles().stream().filter(p -> p.toString().contains(version)).toList().isEmpty(), version);
        }
    }

    @ParameterizedTest
    @MethodSource("goldenFiles")
    void goldenFileGivesItsRecordedOutputs(Path path) throws IOException {
        GoldenFile golden = GoldenFile.read(path);
        try (MleModel model = MleModel.open(path, golden.options(), SessionOptions.defaults())) {
            String input = model.session().inputs().getFirst().name();
            Map<String, Tensor> out = model.run(Map.of(input, Tensors.of(golden.inputs().toArray(double[][]::new))));
            assertFalse(golden.outputs().isEmpty());
            for (Map.Entry<String, List<String[]>> expected : golden.outputs().entrySet()) {
                Tensor actual = out.get(expected.getKey());
                long perRow = actual.elementCount() / golden.inputs().size();
                for (int r = 0; r < expected.getValue().size(); r++) {
                    String[] row = expected.getValue().get(r);
                    assertEquals(perRow, row.length, expected.getKey() + " row " + r);
                    for (int j = 0; j < row.length; j++) {
                        long i = r * perRow + j;
                        if (actual.dtype() == DType.STRING) {
                            assertEquals(row[j], actual.string(i));
                        } else {
                            double e = Double.parseDouble(row[j]);
                            assertEquals(e, actual.getDouble(i), 1e-12 * Math.max(1, Math.abs(e)), path + " " + expected.getKey());
                        }
                    }
                }
            }
            assertTrue(model.file().header().major() == 1);
        }
    }
}
