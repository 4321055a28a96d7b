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

    public static ModelMetadata empty() {
        return new ModelMetadata("", "", "", "", "", "", "", List.of(), List.of(), null, Map.of(), Map.of());
    }
}
