package org.mleruntime.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file says about its model beyond the graph: who produced it from what, when,
 * the feature names and class labels, and which outputs each prediction method returns.
 */
public record ModelMetadata(String producerName, String producerVersion, String framework, String frameworkVersion,
                            String modelType, String description, String created, List<String> featureNames,
                            List<String> classLabels, DType classLabelDtype, Map<String, List<String>> methods,
                            Map<String, String> properties) {
    public ModelMetadata {
        featureNames = List.copyOf(featureNames);
        classLabels = List.copyOf(classLabels);
        methods = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methods));
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    private static final List<String> TYPED_FIELDS = List.of("producer_name", "producer_version", "framework", "framework_version",
            "model_type", "description", "created");

    public static ModelMetadata empty() {
        return new ModelMetadata("", "", "", "", "", "", "", List.of(), List.of(), null, Map.of(), Map.of());
    }

    /**
     * This metadata with one field set: producer_name, producer_version, framework,
     * framework_version, model_type, description and created are typed fields; any other key is a
     * free property.
     */
    public ModelMetadata with(String key, String value) {
        Map<String, String> props = properties;
        if (!TYPED_FIELDS.contains(key)) {
            props = new LinkedHashMap<>(properties);
            props.put(key, value);
        }
        return new ModelMetadata(pick(key, "producer_name", value, producerName), pick(key, "producer_version", value, producerVersion),
                pick(key, "framework", value, framework), pick(key, "framework_version", value, frameworkVersion),
                pick(key, "model_type", value, modelType), pick(key, "description", value, description),
                pick(key, "created", value, created), featureNames, classLabels, classLabelDtype, methods, props);
    }

    private static String pick(String key, String field, String value, String current) {
        return key.equals(field) ? value : current;
    }

    public ModelMetadata withFeatureNames(List<String> names) {
        return new ModelMetadata(producerName, producerVersion, framework, frameworkVersion, modelType, description, created,
                names, classLabels, classLabelDtype, methods, properties);
    }

    public ModelMetadata withClassLabels(List<String> labels, DType dtype) {
        return new ModelMetadata(producerName, producerVersion, framework, frameworkVersion, modelType, description, created,
                featureNames, labels, dtype, methods, properties);
    }

    public ModelMetadata withMethod(String method, List<String> outputs) {
        Map<String, List<String>> m = new LinkedHashMap<>(methods);
        m.put(method, outputs);
        return new ModelMetadata(producerName, producerVersion, framework, frameworkVersion, modelType, description, created,
                featureNames, classLabels, classLabelDtype, m, properties);
    }
}
