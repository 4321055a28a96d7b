package org.mleruntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/**
 * The three model families every format feature is proven on: a linear model (scaler and
 * multinomial logistic regression, {@link TestModels#classifier()}), a random forest of
 * TreeEnsemble trees, and a two-layer perceptron (Gemm, Relu, MatMul + Add, Softmax). Weights are
 * random with fixed seeds; each model returns probabilities and string labels.
 */
public final class SampleModels {
    private static final String[] LABELS = {"a", "b", "c"};

    private SampleModels() {}

    public static Model linear() {
        return TestModels.classifier();
    }

    /**
     * Full binary trees of {@code depth} over {@code features} inputs with three-class probability
     * leaves. With {@code doubleThresholds} the thresholds are the float64 input (as for LightGBM and
     * HistGradientBoosting), every third of them an exact float32 value.
     */
    public static Model forest(int trees, int depth, int features, long seed, boolean doubleThresholds) {
        Random r = new Random(seed);
        List<double[]> nodes = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        List<double[]> leaves = new ArrayList<>();
        double[] roots = new double[trees];
        for (int t = 0; t < trees; t++) {
            roots[t] = grow(r, depth, features, nodes, thresholds, leaves, doubleThresholds);
        }
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("tree_nodes", Tensors.of(DType.INT32, Shape.of(nodes.size(), 4), TestModels.flat(nodes.toArray(double[][]::new))));
        c.put("tree_roots", Tensors.of(DType.INT32, Shape.of(trees), roots));
        c.put("tree_leaves", Tensors.of(DType.FLOAT64, Shape.of(leaves.size(), 3), TestModels.flat(leaves.toArray(double[][]::new))));
        c.put("tree_targets", Tensors.of(DType.INT32, Shape.of(trees), new double[trees]));
        List<String> inputs = new ArrayList<>(List.of("input", "tree_nodes", "tree_roots", "tree_leaves", "tree_targets"));
        if (doubleThresholds) {
            c.put("tree_thresholds", Tensors.of(DType.FLOAT64, Shape.of(nodes.size()), thresholds.stream().mapToDouble(Double::doubleValue).toArray()));
            inputs.add("tree_thresholds");
        }
        c.put("classes", Tensors.strings(Shape.of(3), LABELS));
        Map<String, Attribute> attrs = Map.of("n_targets", new Attribute.Int(3), "aggregate", new Attribute.Str("average"),
                "comparison", new Attribute.Str("le"), "max_depth", new Attribute.Int(depth));
        List<Node> graphNodes = List.of(
                TestModels.node("forest", "TreeEnsemble", inputs, List.of("probabilities"), attrs),
                TestModels.node("argmax", "ArgMax", List.of("probabilities"), List.of("index"), Map.of()),
                TestModels.node("labels", "LabelMap", List.of("index", "classes"), List.of("label"), Map.of()));
        return model(features, c, graphNodes, "RandomForestClassifier");
    }

    private static int grow(Random r, int depth, int features, List<double[]> nodes, List<Double> thresholds, List<double[]> leaves,
                            boolean doubleThresholds) {
        if (depth == 0) {
            double[] p = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
            double sum = p[0] + p[1] + p[2];
            leaves.add(new double[] {p[0] / sum, p[1] / sum, p[2] / sum});
            return ~(leaves.size() - 1);
        }
        int index = nodes.size();
        double[] record = new double[4];
        nodes.add(record);
        double threshold = 4 + 3 * r.nextGaussian();
        if (!doubleThresholds || index % 3 == 0) {
            threshold = (float) threshold;
        }
        thresholds.add(threshold);
        record[0] = r.nextInt(features);
        record[3] = doubleThresholds ? 0 : Float.floatToRawIntBits((float) threshold);
        record[1] = grow(r, depth - 1, features, nodes, thresholds, leaves, doubleThresholds);
        record[2] = grow(r, depth - 1, features, nodes, thresholds, leaves, doubleThresholds);
        return index;
    }

    /** x → Gemm(W1ᵀ) + b1 → Relu → MatMul(W2) + b2 → Softmax, with three classes. */
    public static Model mlp(int features, int hidden, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("w1", Tensors.of(DType.FLOAT64, Shape.of(hidden, features), gaussian(r, hidden * features, 1 / Math.sqrt(features))));
        c.put("b1", Tensors.of(DType.FLOAT64, Shape.of(hidden), gaussian(r, hidden, 0.1)));
        c.put("w2", Tensors.of(DType.FLOAT64, Shape.of(hidden, 3), gaussian(r, hidden * 3, 1 / Math.sqrt(hidden))));
        c.put("b2", Tensors.of(DType.FLOAT64, Shape.of(3), gaussian(r, 3, 0.1)));
        c.put("classes", Tensors.strings(Shape.of(3), LABELS));
        List<Node> nodes = List.of(
                TestModels.node("layer1", "Gemm", List.of("input", "w1", "b1"), List.of("h1"), Map.of("transB", new Attribute.Int(1))),
                TestModels.node("relu", "Relu", List.of("h1"), List.of("a1"), Map.of()),
                TestModels.node("layer2", "MatMul", List.of("a1", "w2"), List.of("h2"), Map.of()),
                TestModels.node("bias2", "Add", List.of("h2", "b2"), List.of("scores"), Map.of()),
                TestModels.node("softmax", "Softmax", List.of("scores"), List.of("probabilities"), Map.of()),
                TestModels.node("argmax", "ArgMax", List.of("probabilities"), List.of("index"), Map.of()),
                TestModels.node("labels", "LabelMap", List.of("index", "classes"), List.of("label"), Map.of()));
        return model(features, c, nodes, "MLPClassifier");
    }

    /**
     * Each row's spread over a sequence of any length: x [batch, seq] → Σ (x − mean)² over seq, as
     * [batch, 1]; the sequence length is a named symbolic dimension (format 1.2).
     */
    public static Model sequenceSpread() {
        Shape rows = new Shape(new long[] {Shape.BATCH, Shape.BATCH}, new String[] {"batch", "seq"});
        Map<String, Attribute> overSeq = Map.of("axes", new Attribute.Ints(new long[] {1}));
        Graph g = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, rows)),
                List.of(new ValueInfo("spread", DType.FLOAT64, new Shape(new long[] {Shape.BATCH, 1}, new String[] {"batch", null}))),
                Map.of(),
                List.of(TestModels.node("mean", "ReduceMean", List.of("input"), List.of("mean"), overSeq),
                        TestModels.node("centre", "Sub", List.of("input", "mean"), List.of("centred"), Map.of()),
                        TestModels.node("square", "Mul", List.of("centred", "centred"), List.of("squares"), Map.of()),
                        TestModels.node("sum", "ReduceSum", List.of("squares"), List.of("spread"), overSeq)));
        ModelMetadata m = new ModelMetadata("mle-runtime-tests", "0.1.0", "handmade", "1", "SequenceSpread", "sample model",
                "2026-01-01T00:00:00Z", List.of(), List.of(), null, Map.of("predict", List.of("spread")), Map.of());
        return new Model(g, m);
    }

    private static double[] gaussian(Random r, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * r.nextGaussian();
        }
        return v;
    }

    private static Model model(int features, Map<String, Tensor> constants, List<Node> nodes, String type) {
        Graph g = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, features))),
                List.of(new ValueInfo("label", DType.STRING, Shape.of(-1)), new ValueInfo("probabilities", DType.FLOAT64, Shape.of(-1, 3))),
                constants, nodes);
        ModelMetadata m = new ModelMetadata("mle-runtime-tests", "0.1.0", "handmade", "1", type, "sample model", "2026-01-01T00:00:00Z",
                List.of(), List.of(LABELS), DType.STRING, Map.of("predict", List.of("label"), "predict_proba", List.of("probabilities")), Map.of());
        return new Model(g, m);
    }
}
