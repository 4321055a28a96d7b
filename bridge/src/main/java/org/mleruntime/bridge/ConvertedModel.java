package org.mleruntime.bridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
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
        model = new Model(new Graph(g.inputs(), outputs, constants, nodes), model.metadata().withClassLabels(List.of(labels), type));
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

    /** Sets a typed metadata field (framework_version, model_type, description, …) or a free property. */
    public void metadata(String key, String value) {
        model = new Model(model.graph(), model.metadata().with(key, value));
    }

    public void featureNames(String[] names) {
        model = new Model(model.graph(), model.metadata().withFeatureNames(List.of(names)));
    }

    public String describe() {
        return Json.write(Descriptions.metadata(model.metadata(), model.graph()));
    }

    public void write(String path) {
        write(path, new ExportOptions());
    }

    /** Writes the model compressed, quantized, signed and encrypted as {@code options} say; returns the JSON report. */
    public String write(String path, ExportOptions options) {
        return options.write(model, path);
    }
}
