package org.mleruntime.exporters.xgboost;

import static org.mleruntime.operators.trees.TreeEnsembleSchema.DEFAULT_LEFT;
import static org.mleruntime.operators.trees.TreeEnsembleSchema.SET_GOES_RIGHT;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.ModelConverter;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.common.GraphAssembler;
import org.mleruntime.exporters.common.Heads;
import org.mleruntime.exporters.common.JsonArray;
import org.mleruntime.exporters.common.JsonBoolean;
import org.mleruntime.exporters.common.JsonNumber;
import org.mleruntime.exporters.common.JsonObject;
import org.mleruntime.exporters.common.JsonReader;
import org.mleruntime.exporters.common.JsonString;
import org.mleruntime.exporters.common.JsonValue;
import org.mleruntime.exporters.common.ModelDescription;
import org.mleruntime.exporters.common.PredictOption;
import org.mleruntime.exporters.common.TreeEnsembleBuilder;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;

/**
 * Converts an XGBoost model saved as JSON or UBJSON ({@code Booster.save_model("m.json")} or
 * {@code "m.ubj"}, {@code save_raw("json")}/{@code save_raw("ubj")}, the sklearn wrappers'
 * {@code save_model}) by XGBoost 1.0 to 3.x.
 *
 * <h2>Fields read (everything else is ignored)</h2>
 * <pre>
 * version                                 [major, minor, patch]; recorded as the framework version
 * learner.objective.name                  the objective (table below)
 * learner.learner_model_param
 *   base_score     "5E-1" (≤ 2.x) or "[5E-1]", "[a,b,c]" (3.x: one per class or target). The user's
 *                  intercept in prediction space; the margin starts at ProbToMargin(base_score), done
 *                  in float32: logit for binary:logistic and reg:logistic, log for count:poisson,
 *                  reg:gamma, reg:tweedie and survival:cox, unchanged for every other objective
 *                  (binary:logitraw included; checked against predict(output_margin=True)).
 *   num_class      "0", or K for multi:softprob/softmax
 *   num_feature    the input width
 *   num_target     targets of a multi-output regression (≥ 1.6; default 1)
 * learner.feature_names                 recorded as the feature names (categorical splits describe
 *                                         themselves, so feature_types is not needed)
 * learner.attributes.best_iteration       set by early stopping (a string)
 * learner.gradient_booster.name           "gbtree" or "dart" ("gblinear" is refused)
 *   dart: gradient_booster.gbtree.model is the tree model and gradient_booster.weight_drop[t]
 *         (float32) multiplies tree t's leaves at prediction time
 * model.gbtree_model_param.num_parallel_tree   trees per output group and iteration
 * model.tree_info[t]                      output column (class or target) of tree t
 * model.iteration_indptr                  (≥ 2.0) trees of iteration i are [indptr[i], indptr[i+1])
 * model.cats.enc                          (≥ 3.1) training categories of each categorical feature
 *                                         (recorded as metadata: inputs are the category codes)
 * model.trees[t]
 *   tree_param.size_leaf_vector           K > 1: a vector-leaf tree (multi_strategy="multi_output_tree",
 *                                         XGBoost ≥ 2.0) whose leaves hold one value per target
 *   left_children[n], right_children[n]   -1 in left_children marks a leaf; the root is node 0
 *   leaf_weights[]                        vector-leaf trees: leaf node n's values are
 *                                         leaf_weights[right_children[n]·K .. + K)
 *   split_indices[n]                      the feature of a split
 *   split_conditions[n]                   float32: a split's threshold (x &lt; t goes left) or a leaf's value
 *   default_left[n]                       where a missing value (NaN) goes (0/1; true/false before 1.6)
 *   split_type[n]                         (≥ 1.6) 0 numeric, 1 categorical
 *   categories_nodes[k], categories_segments[k], categories_sizes[k], categories[]
 *                                         node categories_nodes[k] sends the categories
 *                                         categories[segments[k] .. segments[k] + sizes[k]) right and
 *                                         every other category (negative, unseen) left
 * </pre>
 *
 * <h2>Prediction</h2>
 * XGBoost casts features to float32 and predicts in float32: margin[g] = base_margin[g] + Σ over
 * trees t of group g of weight_drop[t] · leaf_t(x). Here the same leaves are summed in double and
 * the margin rounded to float32 once; transforms then run in float32. By default the trees are
 * those of iterations [0, best_iteration] when early stopping recorded one, as the sklearn
 * estimators (XGBClassifier, XGBRegressor…) predict; option {@code iterations=all} takes every tree,
 * as {@code Booster.predict} does. Option {@code predict=booster} binds {@code predict} to what
 * {@code Booster.predict} returns: a binary model's positive probability [N], multi:softprob's
 * probabilities [N, K], multi:softmax's and binary:hinge's class index as a float32 [N]; regressors
 * and rankers predict their values either way.
 */
public final class XGBoostConverter implements ModelConverter {
    /** Objective → how its base_score maps to the margin and how the margin becomes a prediction. */
    private enum Objective {
        SQUARED_ERROR(Base.IDENTITY, Task.REGRESSOR, Heads.Link.IDENTITY),
        LOGISTIC_REGRESSION(Base.LOGIT, Task.REGRESSOR, Heads.Link.SIGMOID),
        BINARY_LOGISTIC(Base.LOGIT, Task.BINARY, null),
        LOGIT_RAW(Base.IDENTITY, Task.REGRESSOR, Heads.Link.IDENTITY),
        HINGE(Base.IDENTITY, Task.HINGE, null),
        SOFTPROB(Base.IDENTITY, Task.MULTICLASS, null),
        SOFTMAX(Base.IDENTITY, Task.MULTICLASS, null),
        EXPONENTIAL(Base.LOG, Task.REGRESSOR, Heads.Link.EXP),
        RANKING(Base.IDENTITY, Task.REGRESSOR, Heads.Link.IDENTITY);

        final Base base;
        final Task task;
        final Heads.Link link;

        Objective(Base base, Task task, Heads.Link link) {
            this.base = base;
            this.task = task;
            this.link = link;
        }
    }

    private enum Base { IDENTITY, LOGIT, LOG }

    private enum Task { REGRESSOR, BINARY, HINGE, MULTICLASS }

    private static final Map<String, Objective> OBJECTIVES = new LinkedHashMap<>();

    static {
        for (String name : List.of("reg:squarederror", "reg:linear", "reg:squaredlogerror", "reg:pseudohubererror",
                "reg:absoluteerror", "reg:quantileerror")) {
            OBJECTIVES.put(name, Objective.SQUARED_ERROR);
        }
        OBJECTIVES.put("reg:logistic", Objective.LOGISTIC_REGRESSION);
        OBJECTIVES.put("binary:logistic", Objective.BINARY_LOGISTIC);
        OBJECTIVES.put("binary:logitraw", Objective.LOGIT_RAW);
        OBJECTIVES.put("binary:hinge", Objective.HINGE);
        OBJECTIVES.put("multi:softprob", Objective.SOFTPROB);
        OBJECTIVES.put("multi:softmax", Objective.SOFTMAX);
        for (String name : List.of("count:poisson", "reg:gamma", "reg:tweedie", "survival:cox")) {
            OBJECTIVES.put(name, Objective.EXPONENTIAL);
        }
        for (String name : List.of("rank:pairwise", "rank:ndcg", "rank:map")) {
            OBJECTIVES.put(name, Objective.RANKING);
        }
    }

    /** The objectives this converter translates, in a stable order. */
    public static List<String> supportedObjectives() {
        return List.copyOf(OBJECTIVES.keySet());
    }

    @Override
    public String framework() {
        return "xgboost";
    }

    @Override
    public String description() {
        return "XGBoost JSON or UBJSON model (Booster.save_model(\"m.json\" | \"m.ubj\"), XGBoost 1.0 to 3.x; gbtree and dart)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of("iterations", "'best' (default: up to best_iteration when early stopping set one, as the sklearn estimators predict) "
                + "or 'all' (every tree, as Booster.predict)", PredictOption.NAME, PredictOption.help("xgboost.Booster"));
    }

    @Override
    public Model convert(String source, byte[] bytes, Map<String, String> options) {
        checkOptions(options);
        String iterations = options.getOrDefault("iterations", "best");
        if (!iterations.equals("best") && !iterations.equals("all")) {
            throw new IllegalArgumentException("option iterations must be 'best' or 'all', found '" + iterations + "'");
        }
        JsonValue doc = UbjsonReader.looksLikeUbjson(bytes) ? UbjsonReader.parse(source, bytes) : JsonReader.parse(source, bytes);
        if (!(doc instanceof JsonObject root)) {
            throw new InvalidModelException(source + ": not an XGBoost model (the document is " + doc.kind() + ", not an object)");
        }
        if (!root.has("learner")) {
            throw new InvalidModelException(source + ": not an XGBoost model (no 'learner' object; XGBoost's JSON models have "
                    + "'version' and 'learner' at the top)");
        }
        return convert(root, iterations.equals("all"), PredictOption.booster(options));
    }

    /**
     * Converts an already parsed model document: with every tree or up to best_iteration, and with
     * {@code predict} bound as {@code Booster.predict} returns ({@code booster}) or as the wrappers do.
     */
    public Model convert(JsonObject root, boolean allIterations, boolean boosterPredict) {
        JsonObject learner = root.object("learner");
        String objectiveName = learner.object("objective").string("name");
        Objective objective = OBJECTIVES.get(objectiveName);
        if (objective == null) {
            throw new UnsupportedModelException(learner.where("objective.name") + ": objective '" + objectiveName
                    + "' is not supported; supported objectives: " + String.join(", ", OBJECTIVES.keySet()));
        }
        JsonObject params = learner.object("learner_model_param");
        int features = params.intIn("num_feature", 1, 1 << 24);
        int numClass = params.intIn("num_class", 0, 1 << 20);
        int numTarget = params.has("num_target") ? params.intIn("num_target", 1, 1 << 20) : 1;
        int groups = Math.max(Math.max(numClass, numTarget), 1);
        if (objective.task == Task.MULTICLASS && numClass < 2) {
            throw new InvalidModelException(params.where("num_class") + ": objective " + objectiveName + " needs num_class ≥ 2, found " + numClass);
        }
        if (objective.task != Task.MULTICLASS && numClass > 1) {
            throw new InvalidModelException(params.where("num_class") + ": num_class is " + numClass + " but objective " + objectiveName
                    + " is not a multi-class objective");
        }
        if (groups > 1 && (objective.task == Task.BINARY || objective.task == Task.HINGE)) {
            throw new UnsupportedModelException(params.where("num_target") + ": multi-label classification (" + objectiveName + " with "
                    + numTarget + " targets) is not supported; supported: one binary target, multi:softprob/softmax, multi-target regression");
        }

        JsonObject booster = learner.object("gradient_booster");
        String boosterName = booster.string("name");
        JsonObject model;
        float[] weightDrop = null;
        switch (boosterName) {
            case "gbtree" -> model = booster.object("model");
            case "dart" -> {
                model = booster.object("gbtree").object("model");
                weightDrop = booster.array("weight_drop").floats();
            }
            default -> throw new UnsupportedModelException(booster.where("name") + ": booster '" + boosterName
                    + "' is not supported (a linear booster has no trees); supported boosters: gbtree, dart");
        }

        JsonArray trees = model.array("trees");
        int[] treeInfo = model.array("tree_info").ints();
        if (treeInfo.length != trees.size()) {
            throw new InvalidModelException(model.where("tree_info") + " has " + treeInfo.length + " entries for " + trees.size() + " trees");
        }
        if (weightDrop != null && weightDrop.length != trees.size()) {
            throw new InvalidModelException(booster.where("weight_drop") + " has " + weightDrop.length + " entries for " + trees.size() + " trees");
        }
        int parallel = model.has("gbtree_model_param") ? (int) model.object("gbtree_model_param").optLong("num_parallel_tree", 1) : 1;
        int[] indptr = iterationBounds(model, trees.size(), groups, parallel);
        int iterationsTotal = indptr.length - 1;
        int used = iterationsTotal;
        Map<String, String> properties = new LinkedHashMap<>();
        JsonObject attributes = learner.optObject("attributes");
        if (attributes != null && attributes.has("best_iteration")) {
            int best = (int) attributes.number("best_iteration").asLong(attributes.where("best_iteration"));
            properties.put("best_iteration", Integer.toString(best));
            if (!allIterations && best >= 0 && best + 1 < iterationsTotal) {
                used = best + 1;
            }
        }
        int treeCount = indptr[used];
        if (treeCount == 0) {
            throw new InvalidModelException(model.where("trees") + " is empty: the model has no trees to convert");
        }

        double[] base = baseMargin(params, objective, objectiveName, groups);
        int leafWidth = leafWidth(trees.object(0));
        if (leafWidth > 1 && leafWidth != groups) {
            throw new InvalidModelException(trees.where(0) + ": vector leaves of " + leafWidth + " values for " + groups + " targets");
        }
        TreeEnsembleBuilder ensemble = new TreeEnsembleBuilder(features, leafWidth, DType.FLOAT32, DType.FLOAT32);
        for (int t = 0; t < treeCount; t++) {
            JsonObject tree = trees.object(t);
            if (leafWidth(tree) != leafWidth) {
                throw new UnsupportedModelException(trees.where(t) + " has " + leafWidth(tree) + " values per leaf, tree 0 has " + leafWidth
                        + "; a model mixing vector-leaf and scalar trees is not supported");
            }
            if (treeInfo[t] < 0 || treeInfo[t] + leafWidth > groups) {
                throw new InvalidModelException(model.where("tree_info") + "[" + t + "] is " + treeInfo[t] + ", outside the model's "
                        + groups + " output group(s)");
            }
            ensemble.addTree(new XGBoostTree(tree, weightDrop == null ? 1f : weightDrop[t], leafWidth), treeInfo[t], trees.where(t));
        }

        GraphAssembler g = new GraphAssembler(DType.FLOAT32, features);
        String out = Heads.ensembleOutput(groups, DType.FLOAT32);
        ensemble.addTo(g, g.input(), out, groups, base, "sum", "lt");
        Heads heads = Heads.fromEnsemble(g, out, groups, DType.FLOAT32);
        Map<String, List<String>> methods;
        List<String> labels = List.of();
        switch (objective.task) {
            case BINARY -> {
                labels = ModelDescription.indexLabels(2);
                methods = heads.classifier(Heads.ClassLink.BINARY_SIGMOID, 1.0, null, false);
                if (boosterPredict) {
                    methods = heads.asBooster(methods, Heads.BoosterPrediction.POSITIVE_PROBABILITY);
                }
            }
            case HINGE -> {
                labels = ModelDescription.indexLabels(2);
                methods = heads.marginSign(null);
                if (boosterPredict) {
                    methods = heads.asBooster(methods, Heads.BoosterPrediction.LABEL_AS_VALUE);
                }
            }
            case MULTICLASS -> {
                labels = ModelDescription.indexLabels(numClass);
                boolean softmax = objective == Objective.SOFTMAX;
                methods = heads.classifier(Heads.ClassLink.SOFTMAX, 1.0, null, softmax);
                if (boosterPredict) {
                    methods = heads.asBooster(methods, softmax ? Heads.BoosterPrediction.LABEL_AS_VALUE : Heads.BoosterPrediction.PROBABILITIES);
                }
            }
            default -> methods = heads.regressor(objective.link);
        }
        if (boosterPredict) {
            properties.put("predict", "booster");
        }

        properties.put("objective", objectiveName);
        properties.put("booster", boosterName);
        properties.put("trees", Integer.toString(treeCount));
        properties.put("iterations", used + " of " + iterationsTotal);
        if (parallel != 1) {
            properties.put("num_parallel_tree", Integer.toString(parallel));
        }
        properties.put("base_score", baseScoreText(params));
        properties.putAll(categoryEncodings(model, learner));
        String version = "";
        if (root.has("version")) {
            version = String.join(".", root.array("version").texts());
        }
        String description = "XGBoost " + boosterName + " model, objective " + objectiveName + ", " + treeCount + " trees";
        return ModelDescription.model(g.graph(), framework(), version, "xgboost:" + objectiveName, description,
                featureNames(learner, features), labels, DType.INT64, methods, properties);
    }

    /** Values per leaf: tree_param.size_leaf_vector, where "0" (older files) and "1" both mean one. */
    private static int leafWidth(JsonObject tree) {
        JsonObject param = tree.optObject("tree_param");
        return param == null || !param.has("size_leaf_vector") ? 1 : Math.max(1, param.intIn("size_leaf_vector", 0, 1 << 20));
    }

    /** Tree offsets of each iteration: iteration_indptr when present, else groups × num_parallel_tree trees an iteration. */
    private static int[] iterationBounds(JsonObject model, int trees, int groups, int parallel) {
        if (model.has("iteration_indptr")) {
            int[] indptr = model.array("iteration_indptr").ints();
            if (indptr.length == 0 || indptr[0] != 0 || indptr[indptr.length - 1] != trees) {
                throw new InvalidModelException(model.where("iteration_indptr") + " must run from 0 to the number of trees (" + trees + ")");
            }
            for (int i = 1; i < indptr.length; i++) {
                if (indptr[i] < indptr[i - 1]) {
                    throw new InvalidModelException(model.where("iteration_indptr") + " must not decrease (entry " + i + ")");
                }
            }
            return indptr;
        }
        int perIteration = Math.max(1, groups * Math.max(1, parallel));
        int iterations = (trees + perIteration - 1) / perIteration;
        int[] indptr = new int[iterations + 1];
        for (int i = 1; i <= iterations; i++) {
            indptr[i] = Math.min(trees, i * perIteration);
        }
        return indptr;
    }

    /** The starting margin of each output group: ProbToMargin(base_score), in float32 as XGBoost computes it. */
    private static double[] baseMargin(JsonObject params, Objective objective, String objectiveName, int groups) {
        String text = baseScoreText(params);
        String where = params.where("base_score");
        String[] parts = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1).split(",") : new String[] {text};
        if (parts.length != 1 && parts.length != groups) {
            throw new InvalidModelException(where + " has " + parts.length + " values for " + groups + " output groups");
        }
        double[] out = new double[groups];
        for (int i = 0; i < groups; i++) {
            float score;
            try {
                score = Float.parseFloat(parts[parts.length == 1 ? 0 : i].trim());
            } catch (NumberFormatException e) {
                throw new InvalidModelException(where + " must be a number or a list of numbers, found \"" + text + "\"");
            }
            out[i] = switch (objective.base) {
                case IDENTITY -> score;
                case LOGIT -> {
                    if (!(score > 0f && score < 1f)) {
                        throw new InvalidModelException(where + " must lie strictly between 0 and 1 for " + objectiveName + ", found " + score);
                    }
                    yield (float) -Math.log(1f / score - 1f);
                }
                case LOG -> {
                    if (!(score > 0f)) {
                        throw new InvalidModelException(where + " must be positive for " + objectiveName + ", found " + score);
                    }
                    yield (float) Math.log(score);
                }
            };
        }
        return out;
    }

    private static String baseScoreText(JsonObject params) {
        JsonValue v = params.get("base_score");
        if (!(v instanceof JsonString) && !(v instanceof JsonNumber)) {
            throw JsonValue.wrongType(params.where("base_score"), "a number or a string of numbers", v);
        }
        return v.text().trim();
    }

    private static List<String> featureNames(JsonObject learner, int features) {
        JsonArray names = learner.optArray("feature_names");
        if (names == null || names.size() == 0) {
            return List.of();
        }
        if (names.size() != features) {
            throw new InvalidModelException(learner.where("feature_names") + " has " + names.size() + " names for " + features + " features");
        }
        return Arrays.asList(names.strings());
    }

    /** XGBoost ≥ 3.1 records the training categories of each categorical feature; inputs are their codes (positions). */
    private static Map<String, String> categoryEncodings(JsonObject model, JsonObject learner) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonObject cats = model.optObject("cats");
        if (cats == null || !cats.has("enc")) {
            return out;
        }
        JsonArray enc = cats.array("enc");
        JsonArray names = learner.optArray("feature_names");
        for (int f = 0; f < enc.size(); f++) {
            JsonObject e = enc.object(f);
            JsonArray values = e.optArray("values");
            if (values == null || values.size() == 0) {
                continue;
            }
            List<String> categories = new ArrayList<>();
            JsonArray offsets = e.optArray("offsets");
            if (offsets != null && offsets.size() > 0) {
                int[] o = offsets.ints();
                int[] bytes = values.ints();
                for (int k = 0; k + 1 < o.length; k++) {
                    if (o[k] < 0 || o[k] > o[k + 1] || o[k + 1] > bytes.length) {
                        throw new InvalidModelException(e.where("offsets") + " do not fit the " + bytes.length + " bytes of values");
                    }
                    byte[] b = new byte[o[k + 1] - o[k]];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) bytes[o[k] + i];
                    }
                    categories.add(new String(b, StandardCharsets.UTF_8));
                }
            } else {
                categories.addAll(Arrays.asList(values.texts()));
            }
            String feature = names != null && f < names.size() ? names.strings()[f] : Integer.toString(f);
            out.put(ModelDescription.CATEGORIES_PREFIX + feature, ModelDescription.jsonStrings(categories));
        }
        return out;
    }

    /** One XGBoost tree as the ensemble builder reads it. */
    private static final class XGBoostTree implements TreeEnsembleBuilder.TreeSource {
        private final int[] left;
        private final int[] right;
        private final int[] feature;
        private final float[] condition;
        private final int[] defaultLeft;
        private final Map<Integer, int[]> categories = new HashMap<>();
        private final int[] splitType;
        private final float weight;
        private final int width;
        private final float[] leafWeights;

        XGBoostTree(JsonObject tree, float weight, int width) {
            this.weight = weight;
            this.width = width;
            left = tree.array("left_children").ints();
            right = tree.array("right_children").ints();
            feature = tree.array("split_indices").ints();
            condition = tree.array("split_conditions").floats();
            defaultLeft = flags(tree.array("default_left"));
            int n = left.length;
            for (String key : List.of("right_children", "split_indices", "split_conditions", "default_left")) {
                if (tree.array(key).size() != n) {
                    throw new InvalidModelException(tree.where(key) + " has " + tree.array(key).size() + " entries, left_children has " + n);
                }
            }
            if (n == 0) {
                throw new InvalidModelException(tree.where(null) + " has no nodes");
            }
            splitType = tree.has("split_type") ? tree.array("split_type").ints() : new int[n];
            if (splitType.length != n) {
                throw new InvalidModelException(tree.where("split_type") + " has " + splitType.length + " entries for " + n + " nodes");
            }
            if (tree.has("categories_nodes")) {
                int[] nodes = tree.array("categories_nodes").ints();
                int[] segments = tree.array("categories_segments").ints();
                int[] sizes = tree.array("categories_sizes").ints();
                int[] values = tree.array("categories").ints();
                if (segments.length != nodes.length || sizes.length != nodes.length) {
                    throw new InvalidModelException(tree.where("categories_nodes") + ", categories_segments and categories_sizes differ in length");
                }
                for (int k = 0; k < nodes.length; k++) {
                    if (segments[k] < 0 || sizes[k] < 0 || (long) segments[k] + sizes[k] > values.length) {
                        throw new InvalidModelException(tree.where("categories_segments") + "[" + k + "] lies outside categories");
                    }
                    categories.put(nodes[k], bitset(Arrays.copyOfRange(values, segments[k], segments[k] + sizes[k]), tree));
                }
            }
            leafWeights = width > 1 ? tree.array("leaf_weights").floats() : null;
            for (int i = 0; i < n; i++) {
                if (width > 1 && left[i] == -1 && (right[i] < 0 || ((long) right[i] + 1) * width > leafWeights.length)) {
                    throw new InvalidModelException(tree.where("right_children") + "[" + i + "]: leaf " + right[i] + " lies outside the "
                            + leafWeights.length / width + " vector leaves of leaf_weights");
                }
                if (left[i] != -1 && splitType[i] == 1 && !categories.containsKey(i)) {
                    throw new InvalidModelException(tree.where(null) + ": node " + i + " is a categorical split without a category set");
                }
                if (splitType[i] != 0 && splitType[i] != 1) {
                    throw new InvalidModelException(tree.where("split_type") + "[" + i + "] is " + splitType[i] + " (0 numeric, 1 categorical)");
                }
            }
        }

        /** 0/1 flags, written as integers (XGBoost ≥ 1.6) or as booleans (earlier JSON models). */
        private static int[] flags(JsonArray a) {
            int[] out = new int[a.size()];
            for (int i = 0; i < out.length; i++) {
                JsonValue v = a.get(i);
                if (v instanceof JsonBoolean b) {
                    out[i] = b.value() ? 1 : 0;
                } else if (v instanceof JsonNumber n) {
                    out[i] = n.asLong(a.where(i)) != 0 ? 1 : 0;
                } else {
                    throw JsonValue.wrongType(a.where(i), "0, 1, true or false", v);
                }
            }
            return out;
        }

        private static int[] bitset(int[] values, JsonObject tree) {
            int max = -1;
            for (int v : values) {
                if (v < 0 || v >= 1 << 24) {
                    throw new InvalidModelException(tree.where("categories") + " holds category " + v + "; categories lie in [0, 2^24)");
                }
                max = Math.max(max, v);
            }
            int[] words = new int[max / 32 + 1];
            for (int v : values) {
                words[v >>> 5] |= 1 << (v & 31);
            }
            return words;
        }

        @Override
        public int nodeCount() {
            return left.length;
        }

        @Override
        public int root() {
            return 0;
        }

        @Override
        public boolean isLeaf(int node) {
            return left[node] == -1;
        }

        @Override
        public int left(int node) {
            return left[node];
        }

        @Override
        public int right(int node) {
            return right[node];
        }

        @Override
        public int feature(int node) {
            return feature[node];
        }

        @Override
        public int flags(int node) {
            return (defaultLeft[node] != 0 ? DEFAULT_LEFT : 0) | (splitType[node] == 1 ? SET_GOES_RIGHT : 0);
        }

        @Override
        public double threshold(int node) {
            return condition[node];
        }

        @Override
        public int[] categories(int node) {
            return splitType[node] == 1 ? categories.get(node) : null;
        }

        @Override
        public void leaf(int node, double[] out) {
            if (width == 1) {
                out[0] = weight == 1f ? condition[node] : weight * condition[node];
                return;
            }
            for (int k = 0; k < width; k++) {
                float v = leafWeights[right[node] * width + k];
                out[k] = weight == 1f ? v : weight * v;
            }
        }
    }
}
