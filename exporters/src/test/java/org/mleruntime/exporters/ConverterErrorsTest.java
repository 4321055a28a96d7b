package org.mleruntime.exporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.catboost.CatBoostConverter;
import org.mleruntime.exporters.lightgbm.LightGbmConverter;
import org.mleruntime.exporters.xgboost.XGBoostConverter;
import org.mleruntime.ir.Model;

/** Every way a model file can be refused names the file, the problem and, where it applies, what is supported. */
class ConverterErrorsTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static String fixture(String name) throws IOException {
        return Files.readString(Fixtures.file(name));
    }

    private static InvalidModelException refused(String framework, Path file) {
        return assertThrows(InvalidModelException.class, () -> Converters.convert(framework, file));
    }

    private static void contains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    // ---- registry

    @Test
    void unknownFrameworkListsTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Converters.forFramework("sklearn"));
        contains(e, "sklearn", "xgboost, lightgbm, catboost, onnx");
        assertEquals(java.util.List.of("xgboost", "lightgbm", "catboost", "onnx"), Converters.frameworks());
        assertEquals("lightgbm", Converters.forFramework(" LightGBM ").framework());
    }

    @Test
    void unknownOptionListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Converters.convert("xgboost", Fixtures.file("xgb_binary_logistic.json"), Map.of("trees", "3")));
        contains(e, "no option 'trees'", "iterations", "predict");
        e = assertThrows(IllegalArgumentException.class,
                () -> Converters.convert("lightgbm", Fixtures.file("lgb_binary.txt"), Map.of("x", "1")));
        contains(e, "no option 'x'", "its options: predict");
        for (String[] f : new String[][] {{"xgboost", "xgb_binary_logistic.json"}, {"lightgbm", "lgb_binary.txt"}, {"catboost", "cb_rmse.json"}}) {
            e = assertThrows(IllegalArgumentException.class, () -> Converters.convert(f[0], Fixtures.file(f[1]), Map.of("predict", "proba")));
            contains(e, "option predict must be 'estimator' or 'booster', found 'proba'");
        }
        e = assertThrows(IllegalArgumentException.class,
                () -> Converters.convert("xgboost", Fixtures.file("xgb_binary_logistic.json"), Map.of("iterations", "some")));
        contains(e, "'best' or 'all'");
    }

    @Test
    void missingFile() {
        InvalidModelException e = refused("xgboost", tmp.resolve("absent.json"));
        contains(e, "cannot read", "absent.json");
    }

    // ---- XGBoost

    @Test
    void xgboostNotJson() throws IOException {
        contains(refused("xgboost", write("m.json", new byte[] {0x50, 0x4b, 3, 4, 0, 0})), "m.json", "not a JSON document");
        contains(refused("xgboost", write("e.json", "")), "e.json", "empty");
        contains(refused("xgboost", write("t.json", "tree\nversion=v4\n")), "t.json", "not a JSON document");
    }

    @Test
    void xgboostCorruptJsonNamesLineAndColumn() throws IOException {
        String text = fixture("xgb_binary_logistic.json");
        contains(refused("xgboost", write("cut.json", text.substring(0, text.length() / 2))), "cut.json", "malformed JSON", "end of the file");
        contains(refused("xgboost", write("bad.json", "{\"learner\": {\"a\": [1, 2,, 3]}}")), "bad.json", "line 1, column 25");
        contains(refused("xgboost", write("dup.json", "{\"a\": 1, \"a\": 2}")), "field 'a' appears twice");
        contains(refused("xgboost", write("deep.json", "[".repeat(10_000))), "nesting deeper than");
    }

    @Test
    void xgboostMissingFieldsNameTheirPath() throws IOException {
        String text = fixture("xgb_binary_logistic.json");
        contains(refused("xgboost", write("nolearner.json", "{\"version\": [3, 2, 0]}")), "not an XGBoost model", "'learner'");
        contains(refused("xgboost", write("noobj.json", text.replace("\"objective\":", "\"objectiv\":"))),
                "noobj.json: learner.objective is missing");
        contains(refused("xgboost", write("notrees.json", text.replace("\"trees\":", "\"treez\":"))),
                "learner.gradient_booster.model.trees is missing");
        contains(refused("xgboost", write("type.json", text.replace("\"num_feature\":\"30\"", "\"num_feature\":\"thirty\""))),
                "learner.learner_model_param.num_feature", "must be a number");
        contains(refused("xgboost", write("range.json", text.replaceFirst("\"split_indices\":\\[", "\"split_indices\":[99,"))),
                "split_indices has", "entries");
    }

    @Test
    void xgboostUnsupportedObjectiveListsTheSupportedOnes() {
        InvalidModelException e = refused("xgboost", Fixtures.file("bad_xgb_survival_aft.json"));
        assertTrue(e instanceof UnsupportedModelException);
        contains(e, "bad_xgb_survival_aft.json", "objective 'survival:aft' is not supported", "binary:logistic", "multi:softprob",
                "reg:squarederror", "rank:ndcg");
        assertEquals(XGBoostConverter.supportedObjectives().size(), XGBoostConverter.supportedObjectives().stream().distinct().count());
    }

    @Test
    void xgboostLinearBoosterIsRefused() {
        InvalidModelException e = refused("xgboost", Fixtures.file("bad_xgb_gblinear.json"));
        assertTrue(e instanceof UnsupportedModelException);
        contains(e, "booster 'gblinear' is not supported", "gbtree, dart");
    }

    @Test
    void xgboostVectorLeavesOutsideLeafWeights() throws IOException {
        String text = fixture("xgb_vector_leaf.json");
        contains(refused("xgboost", write("v.json", text.replaceFirst("\"leaf_weights\":\\[[^]]*]", "\"leaf_weights\":[1.0,2.0]"))),
                "trees[0].right_children", "lies outside");
    }

    @Test
    void xgboostMalformedTreesAreRefusedWithTheTree() throws IOException {
        String text = fixture("xgb_stumps.json");
        // A tree whose root's children point back at the root.
        String cyclic = fixture("xgb_binary_logistic.json").replaceFirst("\"left_children\":\\[1,", "\"left_children\":[0,");
        contains(refused("xgboost", write("cycle.json", cyclic)), "trees[0]", "node 0 is reached twice");
        String outside = fixture("xgb_binary_logistic.json").replaceFirst("\"left_children\":\\[1,", "\"left_children\":[1000,");
        contains(refused("xgboost", write("outside.json", outside)), "trees[0]", "child index 1000");
        String feature = fixture("xgb_binary_logistic.json").replaceFirst("\"split_indices\":\\[\\d+,", "\"split_indices\":[30,");
        contains(refused("xgboost", write("feature.json", feature)), "splits on feature 30", "30 features");
        contains(refused("xgboost", write("base.json", text.replaceFirst("\"base_score\":\"\\[[^]]*]\"", "\"base_score\":\"[1,2]\""))),
                "base_score has 2 values for 1 output groups");
    }

    @Test
    void xgboostUbjsonCorruption() throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.file("xgb_binary_logistic_ubj.ubj"));
        contains(refused("xgboost", write("cut.ubj", Arrays.copyOf(bytes, bytes.length / 2))), "cut.ubj", "malformed UBJSON", "ends early");
        byte[] bad = bytes.clone();
        bad[1] = 'X';
        contains(refused("xgboost", write("marker.ubj", bad)), "marker.ubj", "not a JSON document");
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        trailing[bytes.length] = 'Z';
        contains(refused("xgboost", write("trailing.ubj", trailing)), "unexpected bytes after the end");
    }

    @Test
    void xgboostIterationsOption() {
        Model best = Converters.convert("xgboost", Fixtures.file("xgb_early_stopping.json"));
        Model all = Converters.convert("xgboost", Fixtures.file("xgb_early_stopping.json"), Map.of("iterations", "all"));
        assertEquals("16 of 19", best.metadata().properties().get("iterations"));
        assertEquals("15", best.metadata().properties().get("best_iteration"));
        assertEquals("19 of 19", all.metadata().properties().get("iterations"));
    }

    // ---- LightGBM

    @Test
    void lightgbmNotAModel() throws IOException {
        contains(refused("lightgbm", write("x.txt", "hello\nworld\n")), "x.txt", "not a LightGBM text model", "'tree'");
        contains(refused("lightgbm", write("b.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})), "not UTF-8");
        String text = fixture("lgb_binary.txt");
        contains(refused("lightgbm", write("cut.txt", text.substring(0, text.indexOf("end of trees")))), "cut.txt", "truncated");
    }

    @Test
    void lightgbmBadFieldsNameLineAndTree() throws IOException {
        String text = fixture("lgb_binary.txt");
        InvalidModelException e = refused("lightgbm", write("n.txt", text.replaceFirst("threshold=[^\\n]*", "threshold=1 2 x")));
        contains(e, "n.txt, line ", "tree 0, threshold", "expected 5 values, found 3");
        e = refused("lightgbm", write("v.txt", text.replaceFirst("leaf_value=\\S+", "leaf_value=abc")));
        contains(e, "(tree 0, leaf_value)", "('abc') is not a number");
        e = refused("lightgbm", write("m.txt", text.replaceFirst("max_feature_idx=29", "max_feature_idx=x")));
        contains(e, "(header, max_feature_idx)");
        e = refused("lightgbm", write("c.txt", text.replaceFirst("left_child=\\S+", "left_child=7")));
        contains(e, "tree 0", "child 7");
        e = refused("lightgbm", write("d.txt", text.replaceFirst("decision_type=\\S+", "decision_type=12")));
        contains(e, "decision type 12");
    }

    @Test
    void lightgbmUnsupportedObjectivesAndLinearTrees() throws IOException {
        InvalidModelException e = refused("lightgbm", Fixtures.file("bad_lgb_xentlambda.txt"));
        assertTrue(e instanceof UnsupportedModelException);
        contains(e, "objective 'cross_entropy_lambda' is not supported", "log1p", "binary", "multiclass", "regression", "lambdarank");
        e = refused("lightgbm", Fixtures.file("bad_lgb_linear_tree.txt"));
        assertTrue(e instanceof UnsupportedModelException);
        contains(e, "linear trees", "is_linear");
        e = refused("lightgbm", write("o.txt", fixture("lgb_binary.txt").replace("objective=binary sigmoid:1", "objective=weird")));
        contains(e, "objective 'weird' is not supported", String.join(", ", LightGbmConverter.supportedObjectives()));
    }

    // ---- CatBoost

    @Test
    void catboostStringCategoriesAreRefused() {
        InvalidModelException e = refused("catboost", Fixtures.file("bad_cb_categorical.json"));
        assertTrue(e instanceof UnsupportedModelException);
        contains(e, "are not integers of magnitude up to 2^24", "only integer categories are supported", "string categories are not supported");
    }

    @Test
    void catboostCategoricalTablesAreChecked() throws IOException {
        String text = fixture("cb_categorical_logloss.json");
        // A key, in the table of a combination with a float split, that no combination of the categories produces.
        int table = text.indexOf("\"hash_map\"", text.indexOf("float_feature", text.indexOf("\"ctr_data\"")));
        String keyed = text.substring(0, table) + text.substring(table).replaceFirst("\"hash_map\":\\s*\\[\\s*\"\\d+\"",
                "\"hash_map\": [\"12345\"");
        assertTrue(table > 0 && !keyed.equals(text));
        contains(refused("catboost", write("k.json", keyed)), "match no combination of the categories found");
        InvalidModelException e = refused("catboost", write("m.json", text.replaceFirst("\"ctr_type\":\\s*\"Borders\"",
                "\"ctr_type\": \"BinarizedTargetMeanValue\"")));
        assertTrue(e instanceof UnsupportedModelException, e.getMessage());
        contains(e, "CTR type 'BinarizedTargetMeanValue' is not supported", "Borders, Buckets, Counter, FeatureFreq");
        contains(refused("catboost", write("b.json", text.replaceFirst("\"split_index\":\\s*\\d+,\\s*\"split_type\":\\s*\"OnlineCtr\"",
                "\"split_index\": 100000, \"split_type\": \"OnlineCtr\""))), "names no CTR border");
    }

    @Test
    void catboostUnsupportedLossAndStructure() throws IOException {
        String text = fixture("cb_rmse.json");
        InvalidModelException e = refused("catboost", write("l.json", text.replace("\"type\": \"RMSE\"", "\"type\": \"Cox\"")
                .replace("\"type\":\"RMSE\"", "\"type\":\"Cox\"")));
        assertTrue(e instanceof UnsupportedModelException, e.getMessage());
        contains(e, "loss function 'Cox' is not supported", String.join(", ", CatBoostConverter.supportedObjectives()));
        contains(refused("catboost", write("x.json", "{\"a\": 1}")), "not a CatBoost JSON model");
        contains(refused("catboost", write("s.json", text.replaceFirst("\"leaf_values\":\\s*\\[[^]]*]", "\"leaf_values\": [1, 2, 3]"))),
                "oblivious_trees[0].leaf_values has 3 values");
        contains(refused("catboost", write("f.json", text.replaceFirst("\"float_feature_index\":\\s*\\d+", "\"float_feature_index\": 99"))),
                "oblivious_trees[0].splits[0].float_feature_index must lie in");
        contains(refused("catboost", write("t.json", text.replaceFirst("\"split_type\":\\s*\"FloatFeature\"", "\"split_type\": \"OnlineCtr\""))),
                "an OnlineCtr split in a model without categorical features");
    }

    @Test
    void messagesAreOneLine() throws IOException {
        for (Path p : new Path[] {Fixtures.file("bad_xgb_gblinear.json"), Fixtures.file("bad_cb_categorical.json"),
                write("z.json", "{\"learner\": 3}")}) {
            String framework = p.getFileName().toString().contains("cb") ? "catboost" : "xgboost";
            InvalidModelException e = refused(framework, p);
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(new String(Files.readAllBytes(Fixtures.file("manifest.json")), StandardCharsets.UTF_8).contains("xgboost"));
    }
}
