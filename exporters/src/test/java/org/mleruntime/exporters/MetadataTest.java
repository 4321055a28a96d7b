package org.mleruntime.exporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** What the converters record besides the graph, and the shapes of the outputs they declare. */
class MetadataTest {
    private static ValueInfo output(Model m, String name) {
        return m.graph().outputs().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void xgboostBinaryClassifier() {
        Model m = Converters.convert("xgboost", Fixtures.file("xgb_binary_logistic.json"));
        ModelMetadata md = m.metadata();
        assertEquals("mle-runtime", md.producerName());
        assertEquals("xgboost", md.framework());
        assertEquals("3.2.0", md.frameworkVersion());
        assertEquals("xgboost:binary:logistic", md.modelType());
        assertEquals(List.of("0", "1"), md.classLabels());
        assertEquals(DType.INT64, md.classLabelDtype());
        assertEquals(Map.of("predict", List.of("label"), "predict_proba", List.of("probabilities"), "decision_function", List.of("scores"),
                "predict_margin", List.of("scores")), md.methods());
        assertEquals(new ValueInfo("input", DType.FLOAT32, Shape.of(-1, 30)), m.graph().inputs().getFirst());
        assertEquals(new ValueInfo("scores", DType.FLOAT32, Shape.of(-1)), output(m, "scores"));
        assertEquals(new ValueInfo("probabilities", DType.FLOAT32, Shape.of(-1, 2)), output(m, "probabilities"));
        assertEquals(new ValueInfo("label", DType.INT64, Shape.of(-1)), output(m, "label"));
        assertTrue(md.created().endsWith("Z"));
        Node trees = m.graph().nodes().stream().filter(n -> n.opType().equals("TreeEnsemble")).findFirst().orElseThrow();
        assertEquals("lt", trees.stringAttr("comparison", ""));
        assertEquals(1, m.graph().nodes().stream().filter(n -> n.opType().equals("TreeEnsemble")).count());
    }

    @Test
    void boosterPredictBindsWhatEachRawModelsPredictReturns() {
        Map<String, String> booster = Map.of("predict", "booster");
        Model m = Converters.convert("xgboost", Fixtures.file("xgb_binary_logistic.json"), booster);
        assertEquals(List.of("prediction"), m.metadata().methods().get("predict"));
        assertEquals(List.of("probabilities"), m.metadata().methods().get("predict_proba"));
        assertEquals(List.of("scores"), m.metadata().methods().get("decision_function"));
        assertEquals(new ValueInfo("prediction", DType.FLOAT32, Shape.of(-1)), output(m, "prediction"));
        m = Converters.convert("xgboost", Fixtures.file("xgb_multi_softmax.json"), booster);
        assertEquals(new ValueInfo("prediction", DType.FLOAT32, Shape.of(-1)), output(m, "prediction"));
        m = Converters.convert("xgboost", Fixtures.file("xgb_multi_softprob.json"), booster);
        assertEquals(List.of("probabilities"), m.metadata().methods().get("predict"));
        m = Converters.convert("lightgbm", Fixtures.file("lgb_binary.txt"), booster);
        assertEquals(new ValueInfo("prediction", DType.FLOAT64, Shape.of(-1)), output(m, "prediction"));
        m = Converters.convert("lightgbm", Fixtures.file("lgb_regression.txt"), booster);
        assertEquals(List.of("variable"), m.metadata().methods().get("predict"));
        m = Converters.convert("catboost", Fixtures.file("cb_logloss.json"), booster);
        assertEquals(List.of("scores"), m.metadata().methods().get("predict"));
        assertEquals(List.of("probabilities"), m.metadata().methods().get("predict_proba"));
        assertEquals("booster", m.metadata().properties().get("predict"));
    }

    @Test
    void lightgbmRegressorAndMulticlass() {
        Model m = Converters.convert("lightgbm", Fixtures.file("lgb_regression.txt"));
        assertEquals("lightgbm:regression", m.metadata().modelType());
        assertEquals(List.of(), m.metadata().classLabels());
        assertEquals(List.of(), m.metadata().featureNames(), "LightGBM's default Column_i names are not recorded");
        assertEquals(Map.of("predict", List.of("variable"), "predict_margin", List.of("scores")), m.metadata().methods());
        assertEquals(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, 10)), m.graph().inputs().getFirst());
        assertEquals(new ValueInfo("variable", DType.FLOAT64, Shape.of(-1)), output(m, "variable"));
        m = Converters.convert("lightgbm", Fixtures.file("lgb_multiclass.txt"));
        assertEquals(List.of("0", "1", "2"), m.metadata().classLabels());
        assertEquals(new ValueInfo("scores", DType.FLOAT64, Shape.of(-1, 3)), output(m, "scores"));
        assertEquals("v4", m.metadata().properties().get("model_format"));
    }

    @Test
    void catboostKeepsItsClassLabels() {
        Model m = Converters.convert("catboost", Fixtures.file("cb_logloss.json"));
        assertEquals("catboost:Logloss", m.metadata().modelType());
        assertEquals("1.2.10", m.metadata().frameworkVersion());
        assertEquals(List.of("benign", "malignant"), m.metadata().classLabels());
        assertEquals(DType.STRING, m.metadata().classLabelDtype());
        assertEquals(new ValueInfo("label", DType.STRING, Shape.of(-1)), output(m, "label"));
        m = Converters.convert("catboost", Fixtures.file("cb_multiclass_ova.json"));
        assertEquals(List.of("3", "4", "5"), m.metadata().classLabels());
        assertEquals(DType.INT64, m.metadata().classLabelDtype());
    }

    @Test
    void convertsContentHeldInMemory() throws java.io.IOException {
        for (String[] f : new String[][] {{"xgboost", "xgb_multi_softprob_ubj.ubj"}, {"lightgbm", "lgb_multiclass.txt"},
                {"catboost", "cb_multiclass.json"}}) {
            byte[] content = java.nio.file.Files.readAllBytes(Fixtures.file(f[1]));
            Model fromBytes = Converters.convert(f[0], "booster", content, Map.of());
            Model fromFile = Converters.convert(f[0], Fixtures.file(f[1]));
            assertEquals(fromFile.metadata().modelType(), fromBytes.metadata().modelType());
            assertEquals(fromFile.graph().outputs(), fromBytes.graph().outputs());
            assertEquals(fromFile.graph().constants().keySet(), fromBytes.graph().constants().keySet());
        }
        org.mleruntime.InvalidModelException e = org.junit.jupiter.api.Assertions.assertThrows(org.mleruntime.InvalidModelException.class,
                () -> Converters.convert("xgboost", "booster", new byte[] {'{'}, Map.of()));
        assertTrue(e.getMessage().startsWith("booster: malformed JSON"), e.getMessage());
    }

    @Test
    void singleLeafTreesNeedNoNodes() {
        Model m = Converters.convert("xgboost", Fixtures.file("xgb_stumps.json"));
        assertEquals(Shape.of(0, 4), m.graph().constants().get("tree_nodes").shape());
        assertEquals(0, ensemble(m).intAttr("max_depth", -1));
        m = Converters.convert("lightgbm", Fixtures.file("lgb_stumps.txt"));
        assertEquals(Shape.of(0, 4), m.graph().constants().get("tree_nodes").shape());
    }

    private static Node ensemble(Model m) {
        return m.graph().nodes().stream().filter(n -> n.opType().equals("TreeEnsemble")).findFirst().orElseThrow();
    }

    @Test
    void thresholdPrecisionFollowsTheFramework() {
        Model x = Converters.convert("xgboost", Fixtures.file("xgb_categorical.json"));
        assertEquals(null, x.graph().constants().get("tree_thresholds"), "XGBoost's float32 thresholds live in the node records");
        assertTrue(x.graph().constants().containsKey("tree_category_words"));
        assertEquals(List.of("input", "tree_nodes", "tree_roots", "tree_leaves", "tree_targets", "", "tree_category_words",
                "tree_category_offsets"), ensemble(x).inputs());
        assertEquals(4, ensemble(x).intAttr("max_depth", -1));
        Model l = Converters.convert("lightgbm", Fixtures.file("lgb_regression.txt"));
        assertEquals(DType.FLOAT64, l.graph().constants().get("tree_thresholds").dtype());
        assertEquals(6, ensemble(l).inputs().size());
        Model c = Converters.convert("catboost", Fixtures.file("cb_rmse.json"));
        Node symmetric = c.graph().nodes().stream().filter(n -> n.opType().equals("ObliviousTreeEnsemble")).findFirst().orElseThrow();
        assertEquals(List.of("input", "tree_splits", "trees", "tree_leaves", "tree_targets"), symmetric.inputs());
        Tensor trees = c.graph().constants().get("trees");
        assertEquals(3, trees.getLong(1), "CatBoost trees of depth 3 keep 3 splits each, not 7 nodes");
    }
}
