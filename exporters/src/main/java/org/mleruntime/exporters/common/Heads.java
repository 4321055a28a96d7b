package org.mleruntime.exporters.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/**
 * The outputs every tree-ensemble converter adds after its {@code TreeEnsemble} node, under the
 * names the SDK and the metadata's method bindings use:
 * <ul>
 * <li>{@code scores}: the raw margin, [N] for one column, else [N, K];</li>
 * <li>{@code probabilities} [N, classes] and {@code label} [N] for classifiers (a binary model's
 *     probabilities are the two columns [1 − p, p], as the frameworks' predict_proba gives them);</li>
 * <li>{@code variable}: the transformed prediction of a regressor or ranker, the shape of scores.</li>
 * </ul>
 * Arithmetic is in {@code dtype}: float32 for a framework that predicts in float32 (the margin is
 * rounded to float32 once, after the trees are summed in double), float64 otherwise.
 */
public final class Heads {
    /** How a classifier turns margins into probabilities. */
    public enum ClassLink {
        /** One margin column; p = sigmoid(scale · margin); probabilities [1 − p, p]. */
        BINARY_SIGMOID,
        /** K columns; softmax over them. */
        SOFTMAX,
        /** K columns; sigmoid(scale · margin) for each, not normalised (one-vs-all). */
        SIGMOID_EACH
    }

    /**
     * What {@code predict} returns for a model converted as the framework's raw model object predicts
     * (converter option {@code predict=booster}) rather than as its scikit-learn style estimator does.
     */
    public enum BoosterPrediction {
        /** The positive class's probability [N] (XGBoost's and LightGBM's binary {@code Booster.predict}). */
        POSITIVE_PROBABILITY,
        /** The probability matrix [N, K] (multi-class {@code Booster.predict}). */
        PROBABILITIES,
        /** The class index as a number of the margin's dtype (XGBoost's multi:softmax and binary:hinge). */
        LABEL_AS_VALUE,
        /** The raw margins (CatBoost's {@code CatBoost.predict}, whose default prediction type is RawFormulaVal). */
        SCORES
    }

    /** How a regressor or ranker turns its margin into its prediction. */
    public enum Link {
        IDENTITY, SIGMOID, EXP,
        /** sign(x) · x², LightGBM's {@code reg_sqrt}. */
        SIGNED_SQUARE
    }

    private final GraphAssembler g;
    private final DType dtype;
    private final int columns;
    private final String margin;
    private final String scores;
    private final Shape scoreShape;
    /** The positive class's probability [N, 1] once a binary classifier head is built. */
    private String positive;

    private Heads(GraphAssembler g, DType dtype, int columns, String margin, String scores, Shape scoreShape) {
        this.g = g;
        this.dtype = dtype;
        this.columns = columns;
        this.margin = margin;
        this.scores = scores;
        this.scoreShape = scoreShape;
    }

    /**
     * Heads whose transforms (probabilities, variable) read the margin divided by {@code divisor},
     * while {@code scores} stays the plain sum: LightGBM's random-forest mode averages in
     * {@code GBDT::Predict} but not in {@code PredictRaw}, so its raw scores are sums.
     */
    public Heads averagedBy(double divisor) {
        String averaged = g.node("Div", margin, g.scalar("iterations", dtype, divisor));
        String shaped = columns == 1
                ? g.node("Reshape", List.of(averaged), Map.of("shape", new Attribute.Ints(new long[] {-1})), null) : averaged;
        return new Heads(g, dtype, columns, averaged, shaped, scoreShape);
    }

    /**
     * The name the {@code TreeEnsemble} node's output should have: {@code scores} itself when it needs
     * neither rounding nor reshaping.
     */
    public static String ensembleOutput(int columns, DType dtype) {
        return columns > 1 && dtype == DType.FLOAT64 ? "scores" : "margin";
    }

    /**
     * Starts the heads from the ensemble's float64 [N, columns] output: rounds it to {@code dtype}
     * when that is float32 and adds the {@code scores} output.
     */
    public static Heads fromEnsemble(GraphAssembler g, String ensemble, int columns, DType dtype) {
        String margin = ensemble;
        boolean single = columns == 1;
        if (dtype != DType.FLOAT64) {
            margin = g.node("Cast", List.of(ensemble), Map.of("to", new Attribute.Str(dtype.label())), single ? null : "scores");
        } else if (!single && !ensemble.equals("scores")) {
            margin = g.node("Identity", List.of(ensemble), Map.of(), "scores");
        }
        Shape shape = single ? Shape.of(Shape.BATCH) : Shape.of(Shape.BATCH, columns);
        if (single) {
            g.node("Reshape", List.of(margin), Map.of("shape", new Attribute.Ints(new long[] {-1})), "scores");
        }
        g.output("scores", dtype, shape);
        return new Heads(g, dtype, columns, margin, "scores", shape);
    }

    private String scaled(double scale) {
        return scale == 1.0 ? margin : g.node("Mul", margin, g.scalar("sigmoid_scale", dtype, scale));
    }

    /**
     * Adds {@code probabilities} and {@code label}; {@code labels} maps class index to label (null
     * when the labels are the indices 0..K−1 as int64). {@code labelFromScores} takes the first
     * maximum of the margins instead of the probabilities. Returns the method bindings.
     */
    public Map<String, List<String>> classifier(ClassLink link, double scale, Tensor labels, boolean labelFromScores) {
        int classes;
        switch (link) {
            case BINARY_SIGMOID -> {
                requireColumns(1, link);
                String p = g.node("Sigmoid", scaled(scale));
                positive = p;
                String q = g.node("Sub", g.scalar("one", dtype, 1.0), p);
                g.node("Concat", List.of(q, p), Map.of("axis", new Attribute.Int(1)), "probabilities");
                classes = 2;
            }
            case SOFTMAX -> {
                requireAtLeast(2, link);
                g.node("Softmax", List.of(margin), Map.of(), "probabilities");
                classes = columns;
            }
            case SIGMOID_EACH -> {
                requireAtLeast(2, link);
                g.node("Sigmoid", List.of(scaled(scale)), Map.of(), "probabilities");
                classes = columns;
            }
            default -> throw new IllegalArgumentException(link.name());
        }
        g.output("probabilities", dtype, Shape.of(Shape.BATCH, classes));
        String from = labelFromScores && link != ClassLink.BINARY_SIGMOID ? margin : "probabilities";
        label(g.node("ArgMax", List.of(from), Map.of(), labels == null ? "label" : null), labels);
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("predict", List.of("label"));
        methods.put("predict_proba", List.of("probabilities"));
        methods.put("decision_function", List.of("scores"));
        methods.put("predict_margin", List.of("scores"));
        return methods;
    }

    /** A classifier whose class is {@code margin > 0} and that has no probabilities (XGBoost's binary:hinge). */
    public Map<String, List<String>> marginSign(Tensor labels) {
        requireColumns(1, null);
        String positive = g.node("Greater", scores, g.scalar("zero", dtype, 0.0));
        label(g.node("Cast", List.of(positive), Map.of("to", new Attribute.Str("int64")), labels == null ? "label" : null), labels);
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("predict", List.of("label"));
        methods.put("decision_function", List.of("scores"));
        methods.put("predict_margin", List.of("scores"));
        return methods;
    }

    /**
     * Rebinds {@code predict} in {@code methods} (built by this object's classifier, marginSign or
     * regressor) to {@code what}, adding the output {@code prediction} where it is not an existing one.
     * A regressor's prediction is already what its booster returns, so only SCORES changes it.
     */
    public Map<String, List<String>> asBooster(Map<String, List<String>> methods, BoosterPrediction what) {
        String output = switch (what) {
            case POSITIVE_PROBABILITY -> {
                if (positive == null) {
                    throw new IllegalStateException("POSITIVE_PROBABILITY needs a binary classifier head");
                }
                g.node("Reshape", List.of(positive), Map.of("shape", new Attribute.Ints(new long[] {-1})), "prediction");
                g.output("prediction", dtype, Shape.of(Shape.BATCH));
                yield "prediction";
            }
            case PROBABILITIES -> "probabilities";
            case LABEL_AS_VALUE -> {
                if (!methods.get("predict").equals(List.of("label"))) {
                    throw new IllegalStateException("LABEL_AS_VALUE needs class indices as labels");
                }
                g.node("Cast", List.of("label"), Map.of("to", new Attribute.Str(dtype.label())), "prediction");
                g.output("prediction", dtype, Shape.of(Shape.BATCH));
                yield "prediction";
            }
            case SCORES -> "scores";
        };
        Map<String, List<String>> out = new LinkedHashMap<>(methods);
        out.put("predict", List.of(output));
        return out;
    }

    private void label(String index, Tensor labels) {
        if (labels == null) {
            g.output("label", DType.INT64, Shape.of(Shape.BATCH));
        } else {
            g.node("LabelMap", List.of(index, g.constant("class_labels", labels)), Map.of(), "label");
            g.output("label", labels.dtype(), Shape.of(Shape.BATCH));
        }
    }

    /** Adds {@code variable}, the regressor's or ranker's prediction; returns the method bindings. */
    public Map<String, List<String>> regressor(Link link) {
        switch (link) {
            case IDENTITY -> g.node("Identity", List.of(scores), Map.of(), "variable");
            case SIGMOID -> g.node("Sigmoid", List.of(scores), Map.of(), "variable");
            case EXP -> g.node("Exp", List.of(scores), Map.of(), "variable");
            case SIGNED_SQUARE -> g.node("Mul", List.of(scores, g.node("Abs", scores)), Map.of(), "variable");
            default -> throw new IllegalArgumentException(link.name());
        }
        g.output("variable", dtype, scoreShape);
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("predict", List.of("variable"));
        methods.put("predict_margin", List.of("scores"));
        return methods;
    }

    private void requireColumns(int n, ClassLink link) {
        if (columns != n) {
            throw new IllegalStateException((link == null ? "this head" : link) + " needs " + n + " margin column(s), the ensemble has " + columns);
        }
    }

    private void requireAtLeast(int n, ClassLink link) {
        if (columns < n) {
            throw new IllegalStateException(link + " needs at least " + n + " margin columns, the ensemble has " + columns);
        }
    }
}
