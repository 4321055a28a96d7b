package org.mleruntime.exporters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Model;

/**
 * Translates one framework's own saved model file into the engine's IR. Implementations are
 * stateless and thread-safe; they read the file, never execute anything from it, and refuse
 * (with {@link org.mleruntime.InvalidModelException} or {@link UnsupportedModelException}) anything
 * they cannot reproduce exactly.
 */
public interface ModelConverter {
    /** The framework's name as users type it: "xgboost", "lightgbm", "catboost", "onnx". */
    String framework();

    /** One line: which files this converter reads. */
    String description();

    /** Options this converter understands, name → what it does (empty when it has none). */
    default Map<String, String> options() {
        return Map.of();
    }

    /** Converts {@code file} with default options. */
    default Model convert(Path file) {
        return convert(file, Map.of());
    }

    /** Converts {@code file}; an option this converter does not know is an error that lists the known ones. */
    default Model convert(Path file, Map<String, String> options) {
        checkOptions(options);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage());
        }
        Path name = file.getFileName();
        return convert(name == null ? file.toString() : name.toString(), content, options);
    }

    /** Rejects options this converter does not know, naming the ones it does. */
    default void checkOptions(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!options().containsKey(key)) {
                throw new IllegalArgumentException("the " + framework() + " converter has no option '" + key + "'"
                        + (options().isEmpty() ? "; it takes no options" : "; its options: " + String.join(", ", options().keySet())));
            }
        }
    }

    /**
     * Converts a model file's content held in memory (what {@code Booster.save_raw("json")} or
     * {@code model_to_string()} returns); {@code source} names it in error messages.
     */
    Model convert(String source, byte[] content, Map<String, String> options);
}
