package org.mleruntime.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mleruntime.MleException;
import org.mleruntime.MleModel;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.exporters.Converters;
import org.mleruntime.exporters.common.PredictOption;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Tensor;

/**
 * What every target does with its bytes: open a model file as a user would, build its session and
 * run it. The engine's own exceptions are its documented answers to a bad file and end the run
 * quietly (unless they wrap a failure, see {@link EngineErrors}); anything else escapes to the
 * fuzzer as a finding.
 */
final class ModelRuns {
    /**
     * What one file may make the engine allocate: enough for every seed, and well under the fuzzing
     * JVM's memory limits, so that an allocation the engine did not bound shows.
     */
    static final long MAX_MODEL_MEMORY = 64L << 20;

    /** One thread: a few rows never split across threads, and the fuzzer's JVM stays small. */
    private static final SessionOptions SESSION = SessionOptions.defaults().withThreads(1);

    private ModelRuns() {}

    static OpenOptions openOptions() {
        return OpenOptions.defaults().withMaxMemoryBytes(MAX_MODEL_MEMORY);
    }

    static void openAndRun(byte[] file, OpenOptions options) {
        Path path = temporaryFile();
        try {
            Files.write(path, file);
            openAndRun(path, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(path);
        }
    }

    /**
     * Converts a framework's model file as {@code ConvertCommand} does, once for each meaning of
     * {@code predict} (they bind different output heads), and writes, opens and runs each result.
     */
    static void convertAndRun(String framework, byte[] content) {
        for (String predict : List.of("estimator", "booster")) {
            convertAndRun(framework, content, Map.of(PredictOption.NAME, predict));
        }
    }

    /** Converts a model file with the converter's default options, and writes, opens and runs the result. */
    static void convertAndRunWithDefaults(String framework, byte[] content) {
        convertAndRun(framework, content, Map.of());
    }

    private static void convertAndRun(String framework, byte[] content, Map<String, String> options) {
        Model model;
        try {
            model = Converters.convert(framework, "fuzzed model", content, options);
        } catch (MleException refused) {
            EngineErrors.acceptOnlyDocumented(refused);
            return;
        }
        Path path = temporaryFile();
        try {
            ModelFileWriter.write(model, path);
            openAndRun(path, openOptions());
        } catch (MleException refused) {
            EngineErrors.acceptOnlyDocumented(refused);
        } finally {
            delete(path);
        }
    }

    private static void openAndRun(Path path, OpenOptions options) {
        try (MleModel model = MleModel.open(path, options, SESSION)) {
            runBothTreeLayouts(model.session());
        } catch (MleException refused) {
            EngineErrors.acceptOnlyDocumented(refused);
        }
    }

    /**
     * Tree ensembles are walked from the file's records until a compiled copy is ready, and from
     * the compiled copy after: one run before and one after covers both.
     */
    private static void runBothTreeLayouts(Session session) {
        Optional<Map<String, Tensor>> inputs = SampleInputs.forInputs(session.inputs());
        if (inputs.isEmpty()) {
            return;
        }
        session.run(inputs.get());
        session.awaitPrepared();
        session.run(inputs.get());
    }

    private static Path temporaryFile() {
        try {
            return Files.createTempFile("fuzzed-", ".mle");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
