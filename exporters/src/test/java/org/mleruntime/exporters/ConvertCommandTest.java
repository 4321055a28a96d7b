package org.mleruntime.exporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.MleModel;

class ConvertCommandTest {
    @TempDir
    Path tmp;

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConvertCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void convertsAndSaysWhatItWrote() {
        Path target = tmp.resolve("m.mle");
        Result r = run("xgboost", Fixtures.file("xgb_multi_softprob.json").toString(), target.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("wrote " + target + " ("), r.out());
        assertTrue(r.out().contains("multi:softprob") && r.out().contains("[scores, probabilities, label]"), r.out());
        assertTrue(Files.exists(target));
        try (MleModel m = MleModel.open(target)) {
            assertEquals("xgboost", m.metadata().framework());
        }
        r = run("lightgbm", Fixtures.file("lgb_binary.txt").toString(), tmp.resolve("l.mle").toString());
        assertEquals(0, r.status(), r.err());
        r = run("xgboost", Fixtures.file("xgb_early_stopping.json").toString(), tmp.resolve("a.mle").toString(), "iterations=all");
        assertEquals(0, r.status(), r.err());
        r = run("lightgbm", Fixtures.file("lgb_multiclass.txt").toString(), tmp.resolve("b.mle").toString(), "predict=booster");
        assertEquals(0, r.status(), r.err());
        try (MleModel m = MleModel.open(tmp.resolve("b.mle"))) {
            assertEquals(java.util.List.of("probabilities"), m.metadata().methods().get("predict"));
        }
        Path onnx = Path.of(Fixtures.dir().getParent().toString(), "onnx", "gemm_mlp_external", "model.onnx");
        r = run("onnx", onnx.toString(), tmp.resolve("o.mle").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("ONNX graph 'gemm_mlp'") && r.out().contains("[probabilities, logits]"), r.out());
    }

    @Test
    void errorsAreOneLineAndNonZero() {
        Result r = run("xgboost", Fixtures.file("bad_xgb_gblinear.json").toString(), tmp.resolve("x.mle").toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("gblinear"), r.err());
        assertTrue(!Files.exists(tmp.resolve("x.mle")));

        r = run("tensorflow", "m.pb", "x.mle");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("supported frameworks: xgboost, lightgbm, catboost, onnx"), r.err());
        r = run("xgboost", tmp.resolve("absent.json").toString(), "x.mle");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("is not a readable file"), r.err());
        r = run("xgboost");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("usage:") && r.err().contains("lightgbm"), r.err());
        r = run("xgboost", Fixtures.file("xgb_binary_logistic.json").toString(), tmp.resolve("o.mle").toString(), "iterations");
        assertEquals(2, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("catboost"), r.out());
    }
}
