package org.mleruntime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** Small hand-built models with known weights, and a straightforward reference of what they compute. */
public final class TestModels {
    public static final double[] MEAN = {5.8, 3.0, 3.7, 1.2};
    public static final double[] STD = {0.8, 0.4, 1.7, 0.7};
    public static final double[][] COEF = {{-1.0, 1.2, -1.8, -1.7}, {0.5, -0.3, -0.2, -0.7}, {0.5, -0.9, 2.0, 2.4}};
    public static final double[] INTERCEPT = {-0.2, 1.9, -1.7};
    public static final String[] LABELS = {"setosa", "versicolor", "virginica"};

    private TestModels() {}

    public static Node node(String name, String op, List<String> in, List<String> out, Map<String, Attribute> attrs) {
        return new Node(name, op, 1, in, out, attrs);
    }

    /** StandardScaler → multinomial logistic regression with string labels, as the exporters build it. */
    public static Model classifier() {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("mean", Tensors.of(DType.FLOAT64, Shape.of(4), MEAN));
        c.put("std", Tensors.of(DType.FLOAT64, Shape.of(4), STD));
        c.put("coef", Tensors.of(DType.FLOAT64, Shape.of(3, 4), flat(COEF)));
        c.put("intercept", Tensors.of(DType.FLOAT64, Shape.of(3), INTERCEPT));
        c.put("classes", Tensors.strings(Shape.of(3), LABELS));
        List<Node> nodes = List.of(
                node("sub", "Sub", List.of("input", "mean"), List.of("centred"), Map.of()),
                node("div", "Div", List.of("centred", "std"), List.of("scaled"), Map.of()),
                node("gemm", "Gemm", List.of("scaled", "coef", "intercept"), List.of("scores"), Map.of("transB", new Attribute.Int(1))),
                node("softmax", "Softmax", List.of("scores"), List.of("probabilities"), Map.of()),
                node("argmax", "ArgMax", List.of("scores"), List.of("index"), Map.of()),
                node("labels", "LabelMap", List.of("index", "classes"), List.of("label"), Map.of()));
        Graph g = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, 4))),
                List.of(new ValueInfo("label", DType.STRING, Shape.of(-1)),
                        new ValueInfo("probabilities", DType.FLOAT64, Shape.of(-1, 3)),
                        new ValueInfo("scores", DType.FLOAT64, Shape.of(-1, 3))),
                c, nodes);
        ModelMetadata m = new ModelMetadata("mle-runtime-tests", "0.1.0", "handmade", "1", "Pipeline(StandardScaler,LogisticRegression)",
                "test model", "2026-01-01T00:00:00Z", List.of("a", "b", "c", "d"), List.of(LABELS), DType.STRING,
                Map.of("predict", List.of("label"), "predict_proba", List.of("probabilities")), Map.of("seed", "7"));
        return new Model(g, m);
    }

    /** Reference scores of {@link #classifier()} for one row. */
    public static double[] scores(double[] row) {
        double[] s = new double[3];
        for (int j = 0; j < 3; j++) {
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                sum += (row[k] - MEAN[k]) / STD[k] * COEF[j][k];
            }
            s[j] = sum + INTERCEPT[j];
        }
        return s;
    }

    public static double[] flat(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    public static double[][] randomRows(int n, int cols, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[][] x = new double[n][cols];
        for (double[] row : x) {
            for (int j = 0; j < cols; j++) {
                row[j] = 4 + 3 * r.nextGaussian();
            }
        }
        return x;
    }
}
