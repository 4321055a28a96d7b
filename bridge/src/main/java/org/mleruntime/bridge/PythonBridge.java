package org.mleruntime.bridge;

import java.nio.file.Path;
import org.mleruntime.MleModel;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.kernels.MathKernelsProvider;

/**
 * The Python-facing facade, made for JPype: few, coarse calls on plain types (strings, long arrays,
 * native addresses). Errors surface as the engine's own exceptions, whose class names and messages
 * the Python SDK maps onto its error hierarchy.
 */
public final class PythonBridge {
    private PythonBridge() {}

    public static String version() {
        String v = PythonBridge.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    public static boolean vectorKernelsEnabled() {
        return !MathKernelsProvider.selected().name().equals("plain-java");
    }

    public static String kernels() {
        return MathKernelsProvider.selected().name();
    }

    public static ModelWriter newWriter() {
        return new ModelWriter();
    }

    public static LoadedModel load(String path, boolean deferTensorChecksum) {
        return load(path, deferTensorChecksum, 0);
    }

    /** As {@link #load(String, boolean)}, with at most {@code threads} threads per run (0: all cores). */
    public static LoadedModel load(String path, boolean deferTensorChecksum, int threads) {
        OpenOptions options = deferTensorChecksum ? OpenOptions.deferredVerification() : OpenOptions.defaults();
        SessionOptions session = threads > 0 ? SessionOptions.defaults().withThreads(threads) : SessionOptions.defaults();
        return new LoadedModel(MleModel.open(Path.of(path), options, session));
    }

    /**
     * Converts a framework's own saved model ({@code content}, e.g. XGBoost JSON or a LightGBM text
     * model) with the exporters module; options are parallel key/value arrays.
     */
    public static ConvertedModel convert(String framework, String source, byte[] content, String[] optionKeys, String[] optionValues) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < optionKeys.length; i++) {
            options.put(optionKeys[i], optionValues[i]);
        }
        return new ConvertedModel(org.mleruntime.exporters.Converters.convert(framework, source, content, options));
    }

    public static String inspect(String path) {
        try (ModelFile file = ModelFile.open(Path.of(path))) {
            return Json.write(Descriptions.inspect(file));
        }
    }
}
