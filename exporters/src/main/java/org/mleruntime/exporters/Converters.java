package org.mleruntime.exporters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.mleruntime.exporters.catboost.CatBoostConverter;
import org.mleruntime.exporters.lightgbm.LightGbmConverter;
import org.mleruntime.exporters.onnx.OnnxConverter;
import org.mleruntime.exporters.xgboost.XGBoostConverter;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.ir.Model;

/**
 * The registry of converters from framework model files. The list below is the only place a
 * converter is named; everything that reports what is supported reads it.
 */
public final class Converters {
    private static final List<ModelConverter> ALL = List.of(new XGBoostConverter(), new LightGbmConverter(), new CatBoostConverter(),
            new OnnxConverter());

    private Converters() {}

    public static List<ModelConverter> all() {
        return ALL;
    }

    /** The supported framework names, in registry order. */
    public static List<String> frameworks() {
        List<String> names = new ArrayList<>();
        for (ModelConverter c : ALL) {
            names.add(c.framework());
        }
        return names;
    }

    /** The converter for {@code framework} (case-insensitive); an unknown name is an error listing the supported ones. */
    public static ModelConverter forFramework(String framework) {
        Objects.requireNonNull(framework, "framework");
        String wanted = framework.trim().toLowerCase(Locale.ROOT);
        for (ModelConverter c : ALL) {
            if (c.framework().equals(wanted)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no converter for framework '" + framework + "'; supported frameworks: "
                + String.join(", ", frameworks()));
    }

    public static Model convert(String framework, Path in) {
        return forFramework(framework).convert(in);
    }

    public static Model convert(String framework, Path in, Map<String, String> options) {
        return forFramework(framework).convert(in, options);
    }

    /** Converts a model file's content held in memory; {@code source} names it in errors. */
    public static Model convert(String framework, String source, byte[] content, Map<String, String> options) {
        return forFramework(framework).convert(source, content, options);
    }

    /** Converts {@code in} and writes the model to {@code out} (atomically); returns the model written. */
    public static Model convert(String framework, Path in, Path out) {
        return convert(framework, in, out, Map.of());
    }

    public static Model convert(String framework, Path in, Path out, Map<String, String> options) {
        Model model = convert(framework, in, options);
        ModelFileWriter.write(model, out);
        return model;
    }
}
