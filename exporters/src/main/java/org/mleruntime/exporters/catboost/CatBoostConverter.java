package org.mleruntime.exporters.catboost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.ModelConverter;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.common.GraphAssembler;
import org.mleruntime.exporters.common.Heads;
import org.mleruntime.exporters.common.JsonArray;
import org.mleruntime.exporters.common.JsonNumber;
import org.mleruntime.exporters.common.JsonObject;
import org.mleruntime.exporters.common.JsonReader;
import org.mleruntime.exporters.common.JsonValue;
import org.mleruntime.exporters.common.ModelDescription;
import org.mleruntime.exporters.common.PredictOption;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensors;
import org.mleruntime.operators.trees.ObliviousTreeEnsembleSchema;

/**
 * Converts a CatBoost model saved as JSON ({@code model.save_model("m.json", format="json")}),
 * CatBoost 0.2x to 1.2.x, with float features and integer-valued categorical features.
 *
 * <h2>Fields read</h2>
 * <pre>
 * model_info.params.loss_function.type   the objective (table in {@link #supportedObjectives()})
 * model_info.class_params                class_names (class index → label) and class_label_type
 *                                        ("Integer", "Float", "String"); absent for regressors
 * model_info.catboost_version_info       "... tags/v1.2.10 ..." gives the framework version
 * features_info.float_features[f]
 *   flat_feature_index                   the input column
 *   borders[]                            split values (float32, printed as doubles)
 *   nan_value_treatment                  AsIs / AsFalse: NaN compares as "not greater", goes left;
 *                                        AsTrue (nan_mode=Max): NaN goes right
 *   feature_id                           the feature name (recorded when any is set)
 * features_info.categorical_features    integer categories: see {@link CategoricalFeatures}; OnlineCtr and
 *                                        OneHotFeature splits read the columns it derives
 * features_info.text_features, embedding_features   refused when present
 * oblivious_trees[t]                     symmetric trees
 *   splits[j]                            {split_type: "FloatFeature", float_feature_index, border};
 *                                        split j gives bit j of the leaf index: 1 when x &gt; border
 *   leaf_values[2^d · D]                 leaf-major: leaf i's D values (D classes for MultiClass)
 * scale_and_bias                         [scale, [bias_0 .. bias_{D-1}]]: raw = scale · Σ trees + bias
 * </pre>
 * All symmetric trees go into one ObliviousTreeEnsemble node, which computes the leaf index
 * Σ bit_j · 2^j exactly as CatBoost does, from d splits per tree instead of 2^d − 1 nodes. CatBoost
 * compares float32 features with float32 borders; each border is kept as the largest float32 not
 * above it (for a float32 x, x &gt; that value exactly when x &gt; the border) and the input is
 * float32. Leaf values and sums are double. Option {@code predict=booster} binds {@code predict} to
 * the raw formula values ({@code scores}), which the base class {@code CatBoost.predict} returns.
 */
public final class CatBoostConverter implements ModelConverter {
    private enum Kind { REGRESSION, EXPONENTIAL, BINARY, MULTICLASS, MULTICLASS_OVA, RANKING }

    private static final Map<String, Kind> OBJECTIVES = new LinkedHashMap<>();
    private static final int MAX_DEPTH = ObliviousTreeEnsembleSchema.MAX_DEPTH;

    static {
        for (String name : List.of("RMSE", "MAE", "Quantile", "MAPE", "Lq", "Huber", "Expectile", "MultiRMSE", "LogLinQuantile")) {
            OBJECTIVES.put(name, Kind.REGRESSION);
        }
        for (String name : List.of("Poisson", "Tweedie")) {
            OBJECTIVES.put(name, Kind.EXPONENTIAL);
        }
        OBJECTIVES.put("Logloss", Kind.BINARY);
        OBJECTIVES.put("CrossEntropy", Kind.BINARY);
        OBJECTIVES.put("MultiClass", Kind.MULTICLASS);
        OBJECTIVES.put("MultiClassOneVsAll", Kind.MULTICLASS_OVA);
        for (String name : List.of("YetiRank", "YetiRankPairwise", "PairLogit", "PairLogitPairwise", "QueryRMSE", "QuerySoftMax")) {
            OBJECTIVES.put(name, Kind.RANKING);
        }
    }

    public static List<String> supportedObjectives() {
        return List.copyOf(OBJECTIVES.keySet());
    }

    @Override
    public String framework() {
        return "catboost";
    }

    @Override
    public String description() {
        return "CatBoost JSON model (save_model(\"m.json\", format=\"json\"); float and integer categorical features, symmetric trees)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(PredictOption.NAME, PredictOption.help("catboost.CatBoost (raw formula values)"));
    }

    @Override
    public Model convert(String source, byte[] bytes, Map<String, String> options) {
        checkOptions(options);
        boolean booster = PredictOption.booster(options);
        JsonValue doc = JsonReader.parse(source, bytes);
        if (!(doc instanceof JsonObject root) || !root.has("oblivious_trees") && !root.has("features_info")) {
            throw new InvalidModelException(source + ": not a CatBoost JSON model (no 'oblivious_trees' and 'features_info' at the top)");
        }
        return convert(root, booster);
    }

    /** Converts a parsed model; {@code booster} binds {@code predict} to the raw formula values, as {@code CatBoost.predict} returns them. */
    public Model convert(JsonObject root, boolean booster) {
        JsonObject info = root.object("model_info");
        String loss = info.object("params").object("loss_function").string("type");
        Kind kind = OBJECTIVES.get(loss);
        if (kind == null) {
            throw new UnsupportedModelException(info.where("params.loss_function.type") + ": loss function '" + loss
                    + "' is not supported; supported loss functions: " + String.join(", ", OBJECTIVES.keySet()));
        }
        JsonObject features = root.object("features_info");
        for (String other : List.of("text_features", "embedding_features")) {
            JsonArray a = features.optArray(other);
            if (a != null && a.size() > 0) {
                throw new UnsupportedModelException(features.where(other) + ": the model has " + a.size() + " " + other.replace('_', ' ')
                        + "; only float features and integer-valued categorical features are supported");
            }
        }
        if (!root.has("oblivious_trees")) {
            throw new UnsupportedModelException(root.where("oblivious_trees") + " is missing: only symmetric trees "
                    + "(grow_policy=SymmetricTree, the default) are supported");
        }
        JsonArray floats = features.optArray("float_features");
        int count = floats == null ? 0 : floats.size();
        int[] column = new int[count];
        boolean[] nanRight = new boolean[count];
        String[] ids = new String[count];
        int width = 0;
        int floatBorders = 0;
        for (int f = 0; f < count; f++) {
            JsonObject feature = floats.object(f);
            column[f] = feature.intIn("flat_feature_index", 0, (1 << 24) - 1);
            width = Math.max(width, column[f] + 1);
            String treatment = feature.optString("nan_value_treatment", "AsIs");
            nanRight[f] = switch (treatment) {
                case "AsIs", "AsFalse" -> false;
                case "AsTrue" -> true;
                default -> throw new UnsupportedModelException(feature.where("nan_value_treatment") + ": '" + treatment
                        + "' is not supported; supported: AsIs, AsFalse, AsTrue");
            };
            ids[f] = feature.optString("feature_id", "");
            floatBorders += feature.has("borders") ? feature.array("borders").size() : 0;
        }
        CategoricalFeatures categorical = CategoricalFeatures.read(root, column, nanRight, floatBorders);
        JsonArray catFeatures = features.optArray("categorical_features");
        Map<Integer, String> catIds = new LinkedHashMap<>();
        if (categorical != null) {
            for (int c = 0; c < catFeatures.size(); c++) {
                JsonObject feature = catFeatures.object(c);
                int at = feature.intIn("flat_feature_index", 0, (1 << 24) - 1);
                width = Math.max(width, at + 1);
                catIds.put(at, feature.optString("feature_id", ""));
            }
        }
        if (width == 0) {
            throw new InvalidModelException(features.where("float_features") + " is empty: the model has no features");
        }

        JsonArray trees = root.array("oblivious_trees");
        if (trees.size() == 0) {
            throw new InvalidModelException(root.where("oblivious_trees") + " is empty");
        }
        int dims = -1;
        List<ObliviousTree> parsed = new ArrayList<>();
        for (int t = 0; t < trees.size(); t++) {
            ObliviousTree tree = new ObliviousTree(trees.object(t), column, nanRight, categorical, width);
            if (dims < 0) {
                dims = tree.dims;
            } else if (tree.dims != dims) {
                throw new InvalidModelException(trees.where(t) + " has " + tree.dims + " values per leaf, tree 0 has " + dims);
            }
            parsed.add(tree);
        }

        JsonArray scaleAndBias = root.optArray("scale_and_bias");
        double scale = 1.0;
        double[] bias = new double[dims];
        if (scaleAndBias != null) {
            if (scaleAndBias.size() != 2) {
                throw new InvalidModelException(scaleAndBias.where() + " must be [scale, [bias...]]");
            }
            scale = requireNumber(scaleAndBias, 0).asDouble();
            double[] b = scaleAndBias.array(1).doubles();
            if (b.length == 1 && dims > 1) {
                Arrays.fill(bias, b[0]);
            } else if (b.length == dims) {
                bias = b;
            } else if (b.length != 0) {
                throw new InvalidModelException(scaleAndBias.where(1) + " has " + b.length + " biases for " + dims + " dimensions");
            }
        }

        GraphAssembler g = new GraphAssembler(DType.FLOAT32, width);
        String x = categorical == null ? g.input() : categorical.addTo(g, g.input(), width);
        String out;
        if (scale == 1.0) {
            out = Heads.ensembleOutput(dims, DType.FLOAT64);
            addEnsemble(g, x, parsed, out, dims, bias);
        } else {
            // raw = scale · Σ trees + bias, in that order.
            String sum = "tree_sum";
            addEnsemble(g, x, parsed, sum, dims, new double[dims]);
            String scaled = g.node("Mul", sum, g.scalar("scale", DType.FLOAT64, scale));
            out = Heads.ensembleOutput(dims, DType.FLOAT64);
            g.node("Add", List.of(scaled, g.constant("bias", Tensors.of(DType.FLOAT64, Shape.of(dims), bias))), Map.of(), out);
        }
        Heads heads = Heads.fromEnsemble(g, out, dims, DType.FLOAT64);

        List<String> labels = List.of();
        DType labelType = DType.INT64;
        Map<String, List<String>> methods;
        switch (kind) {
            case BINARY, MULTICLASS, MULTICLASS_OVA -> {
                int classes = kind == Kind.BINARY ? 2 : dims;
                if (kind == Kind.BINARY ? dims != 1 : dims < 2) {
                    throw new InvalidModelException(trees.where(0) + ": " + dims + " values per leaf do not fit loss function " + loss);
                }
                JsonObject classParams = info.optObject("class_params");
                JsonArray names = classParams == null ? null : classParams.optArray("class_names");
                if (names != null && names.size() > 0) {
                    if (names.size() != classes) {
                        throw new InvalidModelException(classParams.where("class_names") + " has " + names.size() + " classes, the trees "
                                + classes);
                    }
                    labels = Arrays.asList(names.texts());
                    labelType = switch (classParams.optString("class_label_type", "String")) {
                        case "Integer" -> DType.INT64;
                        case "Float" -> DType.FLOAT64;
                        default -> DType.STRING;
                    };
                } else {
                    labels = ModelDescription.indexLabels(classes);
                }
                boolean indices = labelType == DType.INT64 && labels.equals(ModelDescription.indexLabels(classes));
                var labelTensor = indices ? null : ModelDescription.labelTensor(labels, labelType);
                methods = switch (kind) {
                    case BINARY -> heads.classifier(Heads.ClassLink.BINARY_SIGMOID, 1.0, labelTensor, false);
                    case MULTICLASS -> heads.classifier(Heads.ClassLink.SOFTMAX, 1.0, labelTensor, true);
                    default -> heads.classifier(Heads.ClassLink.SIGMOID_EACH, 1.0, labelTensor, false);
                };
            }
            case EXPONENTIAL -> methods = heads.regressor(Heads.Link.EXP);
            default -> methods = heads.regressor(Heads.Link.IDENTITY);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (booster) {
            methods = heads.asBooster(methods, Heads.BoosterPrediction.SCORES);
            properties.put("predict", "booster");
        }
        properties.put("loss_function", loss);
        properties.put("trees", Integer.toString(parsed.size()));
        if (scale != 1.0) {
            properties.put("scale", Double.toString(scale));
        }
        String version = "";
        if (info.has("catboost_version_info")) {
            Matcher m = Pattern.compile("tags/v([0-9][0-9.]*)").matcher(info.string("catboost_version_info"));
            if (m.find()) {
                version = m.group(1);
            }
        }
        List<String> names = new ArrayList<>();
        boolean anyName = false;
        for (int c = 0; c < width; c++) {
            names.add(Integer.toString(c));
        }
        for (int f = 0; f < count; f++) {
            if (!ids[f].isEmpty()) {
                anyName = true;
                names.set(column[f], ids[f]);
            }
        }
        for (Map.Entry<Integer, String> c : catIds.entrySet()) {
            if (!c.getValue().isEmpty()) {
                anyName = true;
                names.set(c.getKey(), c.getValue());
            }
        }
        String description = "CatBoost symmetric trees, loss " + loss + ", " + parsed.size() + " trees";
        return ModelDescription.model(g.graph(), framework(), version, "catboost:" + loss, description,
                anyName ? names : List.of(), labels, labelType, methods, properties);
    }

    private static JsonNumber requireNumber(JsonArray a, int i) {
        if (a.get(i) instanceof JsonNumber n) {
            return n;
        }
        throw JsonValue.wrongType(a.where(i), "a number", a.get(i));
    }

    /**
     * The largest float32 not above {@code border}: for a float32 x, {@code x ≤ border} exactly when
     * {@code x ≤ that float}, so the float32 threshold routes every input as the double would.
     */
    static float floatAtOrBelow(double border) {
        float f = (float) border;
        if (f > border) {
            f = Math.nextDown(f);
        }
        return f;
    }

    /**
     * One ObliviousTreeEnsemble node for all trees: per tree its splits (feature, float32 border,
     * whether NaN sets the bit) and its 2^d leaves, which CatBoost already orders by the split bits.
     */
    private static void addEnsemble(GraphAssembler g, String x, List<ObliviousTree> trees, String output, int dims, double[] base) {
        int splitCount = trees.stream().mapToInt(t -> t.depth).sum();
        int leafCount = trees.stream().mapToInt(t -> 1 << t.depth).sum();
        double[] splits = new double[2 * splitCount];
        double[] treeTable = new double[2 * trees.size()];
        double[] leaves = new double[leafCount * dims];
        int s = 0;
        int l = 0;
        for (int t = 0; t < trees.size(); t++) {
            ObliviousTree tree = trees.get(t);
            treeTable[2 * t] = s;
            treeTable[2 * t + 1] = tree.depth;
            for (int j = 0; j < tree.depth; j++, s++) {
                splits[2 * s] = tree.column[j] | (tree.nanRight[j] ? ObliviousTreeEnsembleSchema.NAN_GOES_ONE : 0);
                splits[2 * s + 1] = Float.floatToRawIntBits(tree.border[j]);
            }
            System.arraycopy(tree.leafValues, 0, leaves, l, tree.leafValues.length);
            l += tree.leafValues.length;
        }
        List<String> in = List.of(x,
                g.constant("tree_splits", Tensors.of(DType.INT32, Shape.of(splitCount, 2), splits)),
                g.constant("trees", Tensors.of(DType.INT32, Shape.of(trees.size(), 2), treeTable)),
                g.constant("tree_leaves", Tensors.of(DType.FLOAT64, Shape.of(leafCount, dims), leaves)),
                g.constant("tree_targets", Tensors.of(DType.INT32, Shape.of(trees.size()), new double[trees.size()])));
        g.node("ObliviousTreeEnsemble", in, Map.of("n_targets", new Attribute.Int(dims), "aggregate", new Attribute.Str("sum"),
                "base_values", new Attribute.Floats(base)), output);
    }

    /** One symmetric tree: d splits, split j giving bit j of the leaf index, and 2^d leaves of {@code dims} values. */
    private static final class ObliviousTree {
        final int depth;
        final int dims;
        private final int[] column;
        private final float[] border;
        private final boolean[] nanRight;
        private final double[] leafValues;

        /** {@code derivedFrom}: where the categorical columns start in the trees' input (after the model's own columns). */
        ObliviousTree(JsonObject tree, int[] columns, boolean[] nanRightByFeature, CategoricalFeatures categorical, int derivedFrom) {
            JsonArray splits = tree.array("splits");
            depth = splits.size();
            if (depth > MAX_DEPTH) {
                throw new InvalidModelException(splits.where() + ": depth " + depth + " exceeds the supported " + MAX_DEPTH);
            }
            column = new int[depth];
            border = new float[depth];
            nanRight = new boolean[depth];
            for (int j = 0; j < depth; j++) {
                JsonObject split = splits.object(j);
                String type = split.optString("split_type", "FloatFeature");
                if (type.equals("FloatFeature")) {
                    int f = split.intIn("float_feature_index", 0, columns.length - 1);
                    column[j] = columns[f];
                    nanRight[j] = nanRightByFeature[f];
                    border[j] = floatAtOrBelow(split.doubleValue("border"));
                    continue;
                }
                CategoricalFeatures.Split derived = switch (type) {
                    case "OnlineCtr" -> categorical == null ? null : categorical.ctrSplit(split);
                    case "OneHotFeature" -> categorical == null ? null : categorical.oneHotSplit(split);
                    default -> throw new UnsupportedModelException(split.where("split_type") + ": split type '" + type
                            + "' is not supported; supported: FloatFeature, OnlineCtr, OneHotFeature");
                };
                if (derived == null) {
                    throw new InvalidModelException(split.where("split_type") + ": an " + type + " split in a model without categorical features");
                }
                column[j] = derivedFrom + derived.column();
                border[j] = derived.border();
            }
            leafValues = tree.array("leaf_values").doubles();
            int leaves = 1 << depth;
            if (leafValues.length == 0 || leafValues.length % leaves != 0) {
                throw new InvalidModelException(tree.where("leaf_values") + " has " + leafValues.length + " values for " + leaves + " leaves");
            }
            dims = leafValues.length / leaves;
        }
    }
}
