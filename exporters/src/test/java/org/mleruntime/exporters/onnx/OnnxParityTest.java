package org.mleruntime.exporters.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.MleModel;
import org.mleruntime.exporters.Converters;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Tensor;

/**
 * Every fixture with data, converted by the registry's "onnx" converter, written, opened and run,
 * gives ONNX Runtime's outputs: floating outputs within 1e-5 of the output's largest magnitude,
 * integer and boolean outputs exactly.
 */
class OnnxParityTest {
    private static final double RELATIVE = 1e-5;

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesOnnxRuntime() {
        List<OnnxFixtures.Case> cases = OnnxFixtures.withData();
        assertTrue(cases.size() >= 6, "fixtures with data: " + cases);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(OnnxFixtures.Case c) {
        Model model = Converters.convert("onnx", c.model());
        Path out = tmp.resolve(c.name() + ".mle");
        ModelFileWriter.write(model, out);
        try (MleModel mle = MleModel.open(out)) {
            Map<String, Tensor> result = mle.run(c.inputs());
            for (Map.Entry<String, Tensor> expected : c.outputs().entrySet()) {
                Tensor got = result.get(expected.getKey());
                assertTrue(got != null, c.name() + ": no output '" + expected.getKey() + "' among " + result.keySet());
                double error = relativeError(expected.getValue(), got, c.name() + " " + expected.getKey());
                System.out.printf("onnx parity %s %s: max error %.3g of the output's magnitude%n", c.name(), expected.getKey(), error);
                assertTrue(error <= RELATIVE, c.name() + " " + expected.getKey() + ": error " + error + " of the output's magnitude");
            }
        }
    }

    /** The largest difference, over the largest expected magnitude (exact comparison for integers). */
    static double relativeError(Tensor want, Tensor got, String what) {
        assertEquals(want.shape(), got.shape(), what + ": shape");
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        double scale = 0;
        double worst = 0;
        for (long i = 0; i < want.elementCount(); i++) {
            scale = Math.max(scale, Math.abs(want.getDouble(i)));
            worst = Math.max(worst, Math.abs(want.getDouble(i) - got.getDouble(i)));
        }
        if (!want.dtype().isFloating()) {
            assertEquals(0.0, worst, what + ": integer outputs differ");
            return 0;
        }
        return scale == 0 ? worst : worst / scale;
    }

    @Test
    void recordsWhereTheModelCameFrom() {
        Model model = Converters.convert("onnx", OnnxFixtures.model("skl_mlp_regressor"));
        Map<String, String> properties = model.metadata().properties();
        assertEquals("skl2onnx", properties.get("onnx.producer_name"));
        assertEquals("21", properties.get("onnx.opset"));
        assertEquals("onnx", model.metadata().framework());
        assertTrue(model.metadata().description().contains("skl2onnx"), model.metadata().description());
    }
}
