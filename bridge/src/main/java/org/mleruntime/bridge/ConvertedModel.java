package org.mleruntime.bridge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * A model converted from a framework's own file by the {@code exporters} module, for the Python
 * exporters to finish with what only the live Python object knows (the class labels of a
 * scikit-learn-style wrapper, feature names, the framework's version) before writing it.
 */
public final class ConvertedModel {
    private Model model;

    ConvertedModel(Model model) {
        this.model = model;
    }

    /**
     * Makes the {@code label} output return these labels (by class index) instead of the indices
     * the model file knows, and records them in the metadata.
     */
    public void relabel(String dtype, String[] labels) {
        Graph g = model.graph();
        DType type = DType.fromLabel(dtype);
        ValueInfo label = g.outputs().stream().filter(v -> v.name().equals("label")).findFirst()
                .orElseThrow(() -> new InvalidModelException("the converted model has no 'label' output to relabel"));
        Tensor values = labelTensor(type, labels);
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> constants = new LinkedHashMap<>(g.constants());
        String labelsName = unique(g, "class_labels");
        constants.put(labelsName, values);
        for (Node n : g.nodes()) {
            if (!n.outputs().contains("label")) {
                nodes.add(n);
            } else if (n.opType().equals("LabelMap")) {
                nodes.add(n.withInputs(List.of(n.inputs().getFirst(), labelsName)));
            } else {
                String index = unique(g, "label_index");
                nodes.add(new Node(n.name(), n.opType(), n.opsetVersion(), n.inputs(),
                        n.outputs().stream().map(o -> o.equals("label") ? index : o).toList(), n.attributes()));
                nodes.add(new Node(unique(g, "relabel"), "LabelMap", 1, List.of(index, labelsName), List.of("label"), Map.of()));
            }
        }
        List<ValueInfo> outputs = g.outputs().stream()
                .map(v -> v == label ? new ValueInfo("label", type, Shape.of(Shape.BATCH)) : v).toList();
        ModelMetadata m = model.metadata();
        model = new Model(new Graph(g.inputs(), outputs, constants, nodes),
                new ModelMetadata(m.producerName(), m.producerVersion(), m.framework(), m.frameworkVersion(), m.modelType(),
                        m.description(), m.created(), m.featureNames(), List.of(labels), type, m.methods(), m.properties()));
    }

    private static Tensor labelTensor(DType type, String[] labels) {
        Tensor t = org.mleruntime.ir.Tensors.zeros(type, Shape.of(labels.length));
        for (int i = 0; i < labels.length; i++) {
            switch (type) {
                case STRING -> t.setString(i, labels[i]);
                case INT64, INT32 -> t.setLong(i, Long.parseLong(labels[i]));
                case BOOL -> t.setLong(i, Boolean.parseBoolean(labels[i]) ? 1 : 0);
                case FLOAT64, FLOAT32 -> t.setDouble(i, Double.parseDouble(labels[i]));
            }
        }
        return t;
    }

    private static String unique(Graph g, String hint) {
        String name = hint;
        for (int i = 1; g.constants().containsKey(name) || nameUsed(g, name); i++) {
            name = hint + "_" + i;
        }
        return name;
    }

    private static boolean nameUsed(Graph g, String name) {
        return g.nodes().stream().anyMatch(n -> n.name().equals(name) || n.outputs().contains(name) || n.inputs().contains(name))
                || g.inputs().stream().anyMatch(v -> v.name().equals(name));
    }

    /** Sets a metadata field (producer/framework fields, model_type, description) or a free property. */
    public void metadata(String key, String value) {
        ModelMetadata m = model.metadata();
        Map<String, String> properties = new LinkedHashMap<>(m.properties());
        String frameworkVersion = key.equals("framework_version") ? value : m.frameworkVersion();
        String modelType = key.equals("model_type") ? value : m.modelType();
        String description = key.equals("description") ? value : m.description();
        if (!List.of("framework_version", "model_type", "description").contains(key)) {
            properties.put(key, value);
        }
        model = new Model(model.graph(), new ModelMetadata(m.producerName(), m.producerVersion(), m.framework(), frameworkVersion,
                modelType, description, m.created(), m.featureNames(), m.classLabels(), m.classLabelDtype(), m.methods(), properties));
    }

    public void featureNames(String[] names) {
        ModelMetadata m = model.metadata();
        model = new Model(model.graph(), new ModelMetadata(m.producerName(), m.producerVersion(), m.framework(), m.frameworkVersion(),
                m.modelType(), m.description(), m.created(), List.of(names), m.classLabels(), m.classLabelDtype(), m.methods(),
                m.properties()));
    }

    public String describe() {
        return Json.write(Descriptions.metadata(model.metadata(), model.graph()));
    }

    public void write(String path) {
        ModelFileWriter.write(model, Path.of(path));
    }
}
