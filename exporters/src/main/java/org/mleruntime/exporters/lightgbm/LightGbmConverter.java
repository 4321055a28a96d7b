package org.mleruntime.exporters.lightgbm;

import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.NAN_AS_ZERO;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.TRUNCATE_CATEGORY;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.ZERO_IS_MISSING;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.ModelConverter;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.common.GraphAssembler;
import org.mleruntime.exporters.common.Heads;
import org.mleruntime.exporters.common.JsonArray;
import org.mleruntime.exporters.common.JsonReader;
import org.mleruntime.exporters.common.ModelDescription;
import org.mleruntime.exporters.common.PredictOption;
import org.mleruntime.exporters.common.TreeEnsembleBuilder;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;

/**
 * Converts LightGBM's text model ({@code Booster.save_model("m.txt")}, {@code model_to_string()},
 * model format v2 to v4; the sklearn estimators' {@code booster_}).
 *
 * <h2>Fields read</h2>
 * <pre>
 * header
 *   num_class                 K (1 for regression and binary)
 *   num_tree_per_iteration    trees per iteration; tree t adds to output column t mod K
 *   max_feature_idx           input width − 1
 *   objective                 name and options, e.g. "binary sigmoid:1", "multiclassova num_class:3 sigmoid:1",
 *                             "regression sqrt" (table in {@link #supportedObjectives()})
 *   average_output            present in random-forest mode: the prediction is the sum divided by the
 *                             number of iterations
 *   feature_names             recorded unless they are LightGBM's defaults Column_0, Column_1, ...
 * Tree=t
 *   num_leaves                L; L = 1 is a tree that is one leaf (leaf_value holds it)
 *   split_feature[L−1]        feature of internal node i
 *   threshold[L−1]            double; x ≤ threshold goes left; for a categorical node, the index of its category set
 *   decision_type[L−1]        bit 0 categorical, bit 1 default left, bits 2–3 missing type (0 None, 1 Zero, 2 NaN)
 *   left_child, right_child   ≥ 0 an internal node, negative c the leaf ~c; the root is node 0
 *   leaf_value[L]             double; shrinkage and the boost-from-average score are already in it
 *   cat_boundaries, cat_threshold   set k is the uint32 bitset words cat_threshold[cat_boundaries[k] .. cat_boundaries[k+1])
 *   is_linear                 1 (linear trees) is refused
 * pandas_categorical          recorded as metadata, and as categories.&lt;feature&gt; for the features whose
 *                             feature_infos list categories (inputs are the category codes)
 * </pre>
 *
 * <h2>Routing (LightGBM's Tree::NumericalDecision and CategoricalDecision, include/LightGBM/tree.h)</h2>
 * Numerical node, by missing type: None — NaN is read as 0.0 and nothing is missing (flag
 * NAN_AS_ZERO); Zero — NaN is read as 0.0, and |x| ≤ 1e−35 goes the default way (ZERO_IS_MISSING);
 * NaN — NaN goes the default way. Otherwise x ≤ threshold goes left. LightGBM's predictor reads any
 * |x| ≤ 1e-35f as 0.0 before the trees; thresholds inside that band are moved to its edge so the
 * whole band routes as 0 does (see {@code LightGbmTree.threshold}). Categorical node: NaN and a
 * value of −1 or less go right; otherwise the value truncated to an int (so x in (−1, 0) is
 * category 0, flag TRUNCATE_CATEGORY) goes left when its bit is set.
 * Predictions are in double throughout, as LightGBM's; input is float64. Option
 * {@code predict=booster} binds {@code predict} to what {@code Booster.predict} returns: a binary
 * model's positive probability [N], a multi-class model's probabilities [N, K]; regressors and
 * rankers predict their values either way.
 */
public final class LightGbmConverter implements ModelConverter {
    /** LightGBM's kZeroThreshold (include/LightGBM/meta.h), a float32 constant. */
    private static final double ZERO_THRESHOLD = 1e-35f;
    private enum Kind { REGRESSION, BINARY, MULTICLASS, MULTICLASS_OVA, CROSS_ENTROPY, EXPONENTIAL, RANKING, RAW }

    private static final Map<String, Kind> OBJECTIVES = new LinkedHashMap<>();

    static {
        for (String name : List.of("regression", "regression_l1", "huber", "fair", "quantile", "mape")) {
            OBJECTIVES.put(name, Kind.REGRESSION);
        }
        for (String name : List.of("poisson", "gamma", "tweedie")) {
            OBJECTIVES.put(name, Kind.EXPONENTIAL);
        }
        OBJECTIVES.put("binary", Kind.BINARY);
        OBJECTIVES.put("cross_entropy", Kind.CROSS_ENTROPY);
        OBJECTIVES.put("multiclass", Kind.MULTICLASS);
        OBJECTIVES.put("multiclassova", Kind.MULTICLASS_OVA);
        OBJECTIVES.put("lambdarank", Kind.RANKING);
        OBJECTIVES.put("rank_xendcg", Kind.RANKING);
        OBJECTIVES.put("custom", Kind.RAW);
        OBJECTIVES.put("none", Kind.RAW);
    }

    public static List<String> supportedObjectives() {
        return List.copyOf(OBJECTIVES.keySet());
    }

    @Override
    public String framework() {
        return "lightgbm";
    }

    @Override
    public String description() {
        return "LightGBM text model (Booster.save_model(\"m.txt\") or model_to_string(), format v2 to v4)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(PredictOption.NAME, PredictOption.help("lightgbm.Booster"));
    }

    @Override
    public Model convert(String source, byte[] bytes, Map<String, String> options) {
        checkOptions(options);
        boolean booster = PredictOption.booster(options);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidModelException(source + ": not a LightGBM text model (not UTF-8 text; binary models are not supported, save with "
                    + "Booster.save_model(\"m.txt\"))");
        }
        return convert(source, text, booster);
    }

    /**
     * Converts a model given as text ({@code model_to_string()}); {@code source} names it in errors;
     * {@code booster} binds {@code predict} as {@code Booster.predict} returns.
     */
    public Model convert(String source, String text, boolean booster) {
        LightGbmModelText model = LightGbmModelText.parse(source, text);
        LightGbmModelText.Block h = model.header;
        int features = h.intIn("max_feature_idx", 0, (1 << 24) - 1) + 1;
        int numClass = h.intIn("num_class", 1, 1 << 20);
        int perIteration = h.has("num_tree_per_iteration") ? h.intIn("num_tree_per_iteration", 1, 1 << 20) : numClass;
        if (perIteration != numClass) {
            throw new InvalidModelException(h.where("num_tree_per_iteration") + ": " + perIteration + " trees per iteration for "
                    + numClass + " classes");
        }
        String objectiveLine = h.has("objective") ? h.string("objective").trim() : "none";
        String[] tokens = objectiveLine.isEmpty() ? new String[] {"none"} : objectiveLine.split("\\s+");
        String objective = tokens[0];
        Kind kind = OBJECTIVES.get(objective);
        if (kind == null) {
            String why = objective.equals("cross_entropy_lambda")
                    ? " (its prediction log(1 + exp(x)) needs a log1p the engine does not have)" : "";
            throw new UnsupportedModelException(h.where("objective") + ": objective '" + objective + "' is not supported" + why
                    + "; supported objectives: " + String.join(", ", OBJECTIVES.keySet()));
        }
        Map<String, String> objectiveOptions = new LinkedHashMap<>();
        boolean sqrt = false;
        for (int i = 1; i < tokens.length; i++) {
            int colon = tokens[i].indexOf(':');
            if (colon > 0) {
                objectiveOptions.put(tokens[i].substring(0, colon), tokens[i].substring(colon + 1));
            } else if (tokens[i].equals("sqrt")) {
                sqrt = true;
            }
        }
        double sigmoid = 1.0;
        if (objectiveOptions.containsKey("sigmoid")) {
            try {
                sigmoid = Double.parseDouble(objectiveOptions.get("sigmoid"));
            } catch (NumberFormatException e) {
                throw new InvalidModelException(h.where("objective") + ": sigmoid:" + objectiveOptions.get("sigmoid") + " is not a number");
            }
        }
        boolean multi = kind == Kind.MULTICLASS || kind == Kind.MULTICLASS_OVA;
        if (multi != (numClass > 1) && kind != Kind.RAW) {
            throw new InvalidModelException(h.where("num_class") + ": num_class " + numClass + " does not fit objective " + objective);
        }

        if (model.trees.isEmpty()) {
            throw new InvalidModelException(source + ": the model has no trees");
        }
        if (model.trees.size() % perIteration != 0) {
            throw new InvalidModelException(source + ": " + model.trees.size() + " trees is not a whole number of iterations of "
                    + perIteration + " trees");
        }
        TreeEnsembleBuilder ensemble = new TreeEnsembleBuilder(features, 1, DType.FLOAT64, DType.FLOAT64);
        for (int t = 0; t < model.trees.size(); t++) {
            LightGbmModelText.Block block = model.trees.get(t);
            ensemble.addTree(new LightGbmTree(block), t % perIteration, block.where(null));
        }
        int iterations = model.trees.size() / perIteration;

        GraphAssembler g = new GraphAssembler(DType.FLOAT64, features);
        String out = Heads.ensembleOutput(numClass, DType.FLOAT64);
        ensemble.addTo(g, g.input(), out, numClass, new double[numClass], "sum", "le");
        Heads heads = Heads.fromEnsemble(g, out, numClass, DType.FLOAT64);
        if (model.averageOutput) {
            heads = heads.averagedBy(iterations);
        }
        Map<String, List<String>> methods;
        List<String> labels = List.of();
        switch (kind) {
            case BINARY -> {
                labels = ModelDescription.indexLabels(2);
                methods = heads.classifier(Heads.ClassLink.BINARY_SIGMOID, sigmoid, null, false);
                if (booster) {
                    methods = heads.asBooster(methods, Heads.BoosterPrediction.POSITIVE_PROBABILITY);
                }
            }
            case MULTICLASS -> {
                labels = ModelDescription.indexLabels(numClass);
                methods = heads.classifier(Heads.ClassLink.SOFTMAX, 1.0, null, false);
                if (booster) {
                    methods = heads.asBooster(methods, Heads.BoosterPrediction.PROBABILITIES);
                }
            }
            case MULTICLASS_OVA -> {
                labels = ModelDescription.indexLabels(numClass);
                methods = heads.classifier(Heads.ClassLink.SIGMOID_EACH, sigmoid, null, false);
                if (booster) {
                    methods = heads.asBooster(methods, Heads.BoosterPrediction.PROBABILITIES);
                }
            }
            case CROSS_ENTROPY -> methods = heads.regressor(Heads.Link.SIGMOID);
            case EXPONENTIAL -> methods = heads.regressor(Heads.Link.EXP);
            case REGRESSION -> methods = heads.regressor(sqrt ? Heads.Link.SIGNED_SQUARE : Heads.Link.IDENTITY);
            default -> methods = heads.regressor(Heads.Link.IDENTITY);
        }

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("objective", objectiveLine);
        properties.put("trees", Integer.toString(model.trees.size()));
        properties.put("iterations", Integer.toString(iterations));
        if (h.has("version")) {
            properties.put("model_format", h.string("version"));
        }
        if (model.averageOutput) {
            properties.put("average_output", "true");
        }
        if (booster) {
            properties.put("predict", "booster");
        }
        if (model.pandasCategorical != null) {
            properties.put("pandas_categorical", model.pandasCategorical);
            properties.putAll(pandasCategories(source, model, featureNames(h, features), features));
        }
        String description = "LightGBM " + (model.averageOutput ? "random forest" : "gradient boosting") + ", objective " + objective
                + ", " + model.trees.size() + " trees";
        return ModelDescription.model(g.graph(), framework(), "", "lightgbm:" + objective, description,
                featureNames(h, features), labels, DType.INT64, methods, properties);
    }

    /**
     * {@code categories.<feature>} for each pandas categorical column: LightGBM lists their
     * categories in {@code pandas_categorical}, in the order of the DataFrame's categorical columns,
     * and codes each value by its position there. Those columns are the features whose
     * {@code feature_infos} lists categories; when that count differs (categorical_feature also
     * named numeric columns) the list cannot be matched to features and only pandas_categorical is kept.
     */
    private static Map<String, String> pandasCategories(String source, LightGbmModelText model, List<String> names, int features) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!(JsonReader.parse(source + " (pandas_categorical)", model.pandasCategorical) instanceof JsonArray lists)
                || !model.header.has("feature_infos")) {
            return out;
        }
        String[] infos = model.header.string("feature_infos").trim().split("\\s+");
        List<Integer> categorical = new ArrayList<>();
        for (int f = 0; f < infos.length && f < features; f++) {
            if (!infos[f].startsWith("[") && !infos[f].equals("none")) {
                categorical.add(f);
            }
        }
        if (categorical.size() != lists.size()) {
            return out;
        }
        for (int k = 0; k < lists.size(); k++) {
            int f = categorical.get(k);
            String name = names.isEmpty() ? Integer.toString(f) : names.get(f);
            out.put(ModelDescription.CATEGORIES_PREFIX + name, ModelDescription.jsonStrings(Arrays.asList(lists.array(k).texts())));
        }
        return out;
    }

    private static List<String> featureNames(LightGbmModelText.Block h, int features) {
        if (!h.has("feature_names")) {
            return List.of();
        }
        String[] names = h.string("feature_names").trim().split("\\s+");
        if (names.length != features) {
            throw new InvalidModelException(h.where("feature_names") + ": " + names.length + " names for " + features + " features");
        }
        boolean defaults = true;
        for (int i = 0; i < names.length; i++) {
            defaults &= names[i].equals("Column_" + i);
        }
        return defaults ? List.of() : Arrays.asList(names);
    }

    /** One LightGBM tree: internal nodes are ids 0..L−2, leaf j is id L−1+j. */
    private static final class LightGbmTree implements TreeEnsembleBuilder.TreeSource {
        private final int internal;
        private final int[] feature;
        private final double[] threshold;
        private final int[] decision;
        private final int[] left;
        private final int[] right;
        private final double[] leafValue;
        private final List<int[]> categorySets = new ArrayList<>();

        LightGbmTree(LightGbmModelText.Block tree) {
            int leaves = tree.intIn("num_leaves", 1, Integer.MAX_VALUE - 1);
            internal = leaves - 1;
            if (tree.has("is_linear") && tree.integer("is_linear") != 0) {
                throw new UnsupportedModelException(tree.where("is_linear") + ": linear trees (linear_tree=true) are not supported; "
                        + "their leaves hold linear models, the engine's trees hold constants");
            }
            leafValue = tree.doubles("leaf_value", leaves);
            if (internal == 0) {
                feature = new int[0];
                threshold = new double[0];
                decision = new int[0];
                left = new int[0];
                right = new int[0];
                return;
            }
            feature = tree.ints("split_feature", internal);
            threshold = tree.doubles("threshold", internal);
            decision = tree.ints("decision_type", internal);
            left = tree.ints("left_child", internal);
            right = tree.ints("right_child", internal);
            int numCat = tree.has("num_cat") ? tree.intIn("num_cat", 0, Integer.MAX_VALUE) : 0;
            if (numCat > 0) {
                int[] bounds = tree.ints("cat_boundaries", numCat + 1);
                long[] words = tree.longs("cat_threshold", -1);
                for (int k = 0; k < numCat; k++) {
                    if (bounds[k] < 0 || bounds[k] > bounds[k + 1] || bounds[k + 1] > words.length) {
                        throw new InvalidModelException(tree.where("cat_boundaries") + ": set " + k + " lies outside cat_threshold");
                    }
                    int[] set = new int[bounds[k + 1] - bounds[k]];
                    for (int w = 0; w < set.length; w++) {
                        long word = words[bounds[k] + w];
                        if (word < 0 || word > 0xFFFF_FFFFL) {
                            throw new InvalidModelException(tree.where("cat_threshold") + ": " + word + " is not a 32-bit word");
                        }
                        set[w] = (int) word;
                    }
                    categorySets.add(set);
                }
            }
            for (int i = 0; i < internal; i++) {
                int d = decision[i];
                if (d < 0 || d > 15 || ((d >> 2) & 3) == 3) {
                    throw new InvalidModelException(tree.where("decision_type") + ": node " + i + " has decision type " + d
                            + " (bit 0 categorical, bit 1 default left, bits 2-3 missing type 0, 1 or 2)");
                }
                if ((d & 1) != 0) {
                    double k = threshold[i];
                    if (k != Math.rint(k) || k < 0 || k >= categorySets.size()) {
                        throw new InvalidModelException(tree.where("threshold") + ": categorical node " + i + " names category set " + k
                                + ", the tree has " + categorySets.size());
                    }
                }
                for (int child : new int[] {left[i], right[i]}) {
                    if (child >= internal || child < -leaves) {
                        throw new InvalidModelException(tree.where(null) + ": node " + i + " has child " + child + ", outside the tree's "
                                + internal + " nodes and " + leaves + " leaves");
                    }
                }
            }
        }

        /** Marks the features of categorical nodes whose set holds category 0; returns whether there is one. */
        @Override
        public int nodeCount() {
            return internal + leafValue.length;
        }

        @Override
        public int root() {
            return 0;
        }

        private int id(int child) {
            return child >= 0 ? child : internal + ~child;
        }

        @Override
        public boolean isLeaf(int node) {
            return node >= internal;
        }

        @Override
        public int left(int node) {
            return id(left[node]);
        }

        @Override
        public int right(int node) {
            return id(right[node]);
        }

        @Override
        public int feature(int node) {
            return feature[node];
        }

        @Override
        public int flags(int node) {
            int d = decision[node];
            if ((d & 1) != 0) {
                // CategoricalDecision: NaN goes right whatever the missing type, so no default-left and no NaN-as-zero;
                // the value is cast to int first, so x in (−1, 0) is category 0.
                return TRUNCATE_CATEGORY;
            }
            int flags = (d & 2) != 0 ? DEFAULT_LEFT : 0;
            return switch ((d >> 2) & 3) {
                case 0 -> flags | NAN_AS_ZERO;
                case 1 -> flags | ZERO_IS_MISSING;
                default -> flags;
            };
        }

        /**
         * The threshold, moved out of (−z, z) where needed: LightGBM's predictor reads every input
         * with |x| ≤ z = kZeroThreshold as 0.0 before any tree sees it, so all of [−z, z] must
         * route as 0 does. A threshold t in [−z, 0) sends 0 right, which the largest double below
         * −z does for the whole interval; one in [0, z) sends 0 left, which z does.
         */
        @Override
        public double threshold(int node) {
            double t = threshold[node];
            if (t >= -ZERO_THRESHOLD && t < 0) {
                return Math.nextDown(-ZERO_THRESHOLD);
            }
            if (t >= 0 && t < ZERO_THRESHOLD) {
                return ZERO_THRESHOLD;
            }
            return t;
        }

        @Override
        public int[] categories(int node) {
            return (decision[node] & 1) != 0 ? categorySets.get((int) threshold[node]) : null;
        }

        @Override
        public void leaf(int node, double[] out) {
            out[0] = leafValue[node - internal];
        }
    }
}
