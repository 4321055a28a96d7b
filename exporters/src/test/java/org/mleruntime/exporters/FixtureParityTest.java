package org.mleruntime.exporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.MleModel;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/**
 * Every fixture model, converted, written to an .mle file, opened and run, gives the framework's
 * own predictions on the fixture's rows (dataset rows, rows on split thresholds and one step either
 * side, missing values, odd categories): float32 frameworks (XGBoost, CatBoost) to 1e-5 relative on
 * margins and 1e-6 absolute on probabilities, LightGBM (double throughout) to 1e-9 relative, class
 * labels exactly. A model saved from the raw model object is converted a second time with option
 * predict=booster, and its {@code predict} gives what that object's own predict returned.
 */
class FixtureParityTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesItsFramework() {
        List<Fixtures.Fixture> fixtures = Fixtures.all();
        assertTrue(fixtures.size() >= 40, "the manifest lists " + fixtures.size() + " fixtures");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f)));
    }

    private void check(Fixtures.Fixture f) {
        Model model = Converters.convert(f.framework(), f.model());
        Path out = tmp.resolve(f.name() + ".mle");
        org.mleruntime.format.ModelFileWriter.write(model, out);
        Fixtures.Table table = Fixtures.table(f.data());
        try (MleModel mle = MleModel.open(out)) {
            ValueInfo input = mle.graph().inputs().getFirst();
            assertEquals("input", input.name());
            assertEquals(f.framework().equals("lightgbm") ? DType.FLOAT64 : DType.FLOAT32, input.dtype(), "input dtype");
            assertEquals(f.features(), input.shape().dim(1), "input width");
            double[][] x = table.group("x");
            Tensor in = Tensors.of(input.dtype(), Shape.of(x.length, f.features()), flat(x));
            Map<String, Tensor> result = mle.run(Map.of("input", in));
            boolean lightgbm = f.framework().equals("lightgbm");
            if (!f.featureNames().isEmpty()) {
                assertEquals(f.featureNames(), mle.metadata().featureNames(), "feature names");
            }
            for (Map.Entry<String, List<String>> c : f.categories().entrySet()) {
                String recorded = mle.metadata().properties().get("categories." + c.getKey());
                assertEquals(org.mleruntime.exporters.common.ModelDescription.jsonStrings(c.getValue()), recorded,
                        "categories of " + c.getKey() + " are recorded: " + mle.metadata().properties());
                if (lightgbm) {
                    assertTrue(mle.metadata().properties().containsKey("pandas_categorical"));
                }
            }
            for (String output : f.outputs()) {
                Tensor got = result.get(output);
                assertTrue(got != null, f.name() + ": no output '" + output + "'; outputs " + result.keySet());
                if (output.equals("label")) {
                    checkLabels(f, table.group("label"), got, mle.metadata().classLabels());
                    continue;
                }
                double[][] want = table.group(output);
                double rel = lightgbm ? 1e-9 : 1e-5;
                double abs = output.equals("probabilities") ? (lightgbm ? 1e-12 : 1e-6) : 0;
                compare(f.name() + " " + output, want, got, rel, abs, x);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> boosterPredictMatchesTheRawModelsPredict() {
        List<Fixtures.Fixture> fixtures = Fixtures.all().stream().filter(Fixtures.Fixture::boosterPrediction).toList();
        assertTrue(fixtures.size() >= 30, "the manifest lists " + fixtures.size() + " raw-model fixtures");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> checkBooster(f)));
    }

    private void checkBooster(Fixtures.Fixture f) {
        Model model = Converters.convert(f.framework(), f.model(), Map.of("predict", "booster"));
        assertEquals("booster", model.metadata().properties().get("predict"));
        Path out = tmp.resolve(f.name() + "-booster.mle");
        org.mleruntime.format.ModelFileWriter.write(model, out);
        Fixtures.Table table = Fixtures.table(f.data());
        try (MleModel mle = MleModel.open(out)) {
            List<String> predict = mle.metadata().methods().get("predict");
            assertEquals(1, predict.size(), "predict returns one output: " + predict);
            ValueInfo input = mle.graph().inputs().getFirst();
            double[][] x = table.group("x");
            Map<String, Tensor> result = mle.run(Map.of("input", Tensors.of(input.dtype(), Shape.of(x.length, f.features()), flat(x))));
            Tensor got = result.get(predict.getFirst());
            assertTrue(got.dtype() == input.dtype() || got.dtype() == DType.FLOAT64, "predict's dtype " + got.dtype());
            boolean lightgbm = f.framework().equals("lightgbm");
            compare(f.name() + " predict=booster", table.group("prediction"), got, lightgbm ? 1e-9 : 1e-5, 0, x);
        }
    }

    private static void compare(String what, double[][] want, Tensor got, double rel, double abs, double[][] x) {
        long columns = want[0].length;
        assertEquals(want.length * columns, got.elementCount(), what + ": element count " + got.shape());
        List<String> failures = new ArrayList<>();
        for (int r = 0; r < want.length; r++) {
            for (int k = 0; k < columns; k++) {
                double w = want[r][k];
                double g = got.getDouble(r * columns + k);
                double tolerance = abs > 0 ? abs : rel * Math.max(1.0, Math.abs(w));
                if (!(Math.abs(g - w) <= tolerance) && !(Double.isNaN(w) && Double.isNaN(g))) {
                    failures.add("row " + r + " column " + k + ": expected " + w + ", got " + g + " (input " + java.util.Arrays.toString(x[r]) + ")");
                }
            }
        }
        assertTrue(failures.isEmpty(), what + ": " + failures.size() + " mismatches, first: " + failures.subList(0, Math.min(3, failures.size())));
    }

    private static void checkLabels(Fixtures.Fixture f, double[][] want, Tensor got, List<String> labels) {
        assertFalse(labels.isEmpty(), f.name() + ": a classifier records its class labels");
        List<String> failures = new ArrayList<>();
        for (int r = 0; r < want.length; r++) {
            int index = (int) want[r][0];
            String expected = f.classLabels().isEmpty() ? Integer.toString(index) : f.classLabels().get(index);
            String actual = got.dtype() == DType.STRING ? got.string(r) : Long.toString(got.getLong(r));
            if (!expected.equals(actual)) {
                failures.add("row " + r + ": expected " + expected + ", got " + actual);
            }
        }
        assertTrue(failures.isEmpty(), f.name() + " label: " + failures.size() + " mismatches, first: " + failures.subList(0, Math.min(3, failures.size())));
    }

    private static double[] flat(double[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
