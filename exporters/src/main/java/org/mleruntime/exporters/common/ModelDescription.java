package org.mleruntime.exporters.common;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/** The metadata every converter records, and the class-label constants it needs. */
public final class ModelDescription {
    public static final String PRODUCER = "mle-runtime";
    /**
     * Prefix of the property {@code categories.<feature>}: the JSON list of a categorical feature's
     * training categories, whose positions are the codes the model takes for that feature (the
     * Python SDK turns a DataFrame column of such categories into those codes).
     */
    public static final String CATEGORIES_PREFIX = "categories.";

    private ModelDescription() {}

    public static String producerVersion() {
        String v = ModelDescription.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    /**
     * The model: {@code graph} with metadata naming the framework, its version and the model type
     * ("xgboost:binary:logistic"); {@code labels} are the class labels as strings (empty for a
     * regressor) with {@code labelType} their dtype.
     */
    public static Model model(Graph graph, String framework, String frameworkVersion, String modelType, String description,
                              List<String> featureNames, List<String> labels, DType labelType,
                              Map<String, List<String>> methods, Map<String, String> properties) {
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ModelMetadata m = new ModelMetadata(PRODUCER, producerVersion(), framework, frameworkVersion, modelType, description, created,
                featureNames, labels, labels.isEmpty() ? null : labelType, methods, new LinkedHashMap<>(properties));
        return new Model(graph, m);
    }

    /** A JSON array of strings. */
    public static String jsonStrings(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"');
            for (char c : values.get(i).toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    /** "0" .. "K−1". */
    public static List<String> indexLabels(int classes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    /** A rank-1 constant holding the labels in their own dtype (int64, float64 or string). */
    public static Tensor labelTensor(List<String> labels, DType dtype) {
        Shape shape = Shape.of(labels.size());
        if (dtype == DType.STRING) {
            return Tensors.strings(shape, labels.toArray(String[]::new));
        }
        double[] values = labels.stream().mapToDouble(Double::parseDouble).toArray();
        return Tensors.of(dtype, shape, values);
    }
}
