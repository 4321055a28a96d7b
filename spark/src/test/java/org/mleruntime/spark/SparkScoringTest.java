package org.mleruntime.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.MleModel;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.format.VerifyKey;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.spark.catalyst.ScoreNode;
import org.mleruntime.spark.scoring.SharedModels;
import scala.PartialFunction;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The transformer and the SQL function in a local Spark session, without Python: every result
 * equals what the engine's Java API returns for the same rows, and the errors name the column.
 */
class SparkScoringTest {
    private static final Path GOLDEN = Path.of("../tests-java/src/test/resources/golden/v1.1");
    private static final String[] FEATURES = {"f0", "f1", "f2", "f3"};
    private static SparkSession spark;
    private static double[][] rows;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("mle-spark-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/mle-spark-test-warehouse").getOrCreate();
        java.util.Random random = new java.util.Random(7);
        rows = new double[1000][4];
        for (double[] row : rows) {
            for (int j = 0; j < 4; j++) {
                row[j] = random.nextGaussian() * 3 + 3;
            }
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> frame() {
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            data.add(RowFactory.create((long) i, rows[i][0], rows[i][1], rows[i][2], rows[i][3]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false);
        for (String f : FEATURES) {
            schema = schema.add(f, DataTypes.DoubleType, true);
        }
        return spark.createDataFrame(data, schema).repartition(3);
    }

    private static Map<String, Tensor> engine(String file, OpenOptions options) {
        try (MleModel model = MleModel.open(GOLDEN.resolve(file), options, SessionOptions.defaults())) {
            double[] flat = new double[rows.length * 4];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * 4, 4);
            }
            Map<String, Tensor> out = model.run(Map.of("input", Tensors.of(org.mleruntime.ir.DType.FLOAT64, Shape.of(rows.length, 4), flat)));
            return Map.of("label", Tensors.strings(Shape.of(rows.length), Tensors.toStrings(out.get("label"))),
                    "probabilities", Tensors.of(org.mleruntime.ir.DType.FLOAT64, Shape.of(rows.length, 3), Tensors.toDoubles(out.get("probabilities"))));
        }
    }

    private static MleTransformer forest(String method) {
        return new MleTransformer().setModelPath(GOLDEN.resolve("forest_zstd.mle").toString()).setMethod(method).setInputCols(FEATURES);
    }

    private static void assertLabels(Map<String, Tensor> expected, List<Row> scored, String column) {
        String[] labels = Tensors.toStrings(expected.get("label"));
        for (Row r : scored) {
            assertEquals(labels[(int) r.getLong(r.fieldIndex("id"))], r.getString(r.fieldIndex(column)));
        }
    }

    private static void assertProbabilities(Map<String, Tensor> expected, List<Row> scored, String column) {
        double[] probabilities = Tensors.toDoubles(expected.get("probabilities"));
        for (Row r : scored) {
            int id = (int) r.getLong(r.fieldIndex("id"));
            List<Double> got = r.getList(r.fieldIndex(column));
            double[] values = got.stream().mapToDouble(Double::doubleValue).toArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(probabilities, id * 3, id * 3 + 3), values, 0.0);
        }
    }

    @Test
    void transformerPredictsAsTheEngineDoes() {
        Map<String, Tensor> expected = engine("forest_zstd.mle", OpenOptions.defaults());
        List<Row> labels = forest("predict").setBatchSize(100).transform(frame()).collectAsList();
        assertEquals(rows.length, labels.size());
        assertLabels(expected, labels, "prediction");
        List<Row> probabilities = forest("predict_proba").setOutputCol("proba").transform(frame()).collectAsList();
        assertProbabilities(expected, probabilities, "proba");
    }

    @Test
    void transformerReadsAnArrayColumnAndKeepsEveryColumn() {
        Map<String, Tensor> expected = engine("forest_lz4_int8_leaves.mle", OpenOptions.defaults());
        Dataset<Row> packed = frame().selectExpr("id", "array(f0, f1, f2, f3) AS features", "'kept' AS note");
        Dataset<Row> scored = new MleTransformer().setModelPath(GOLDEN.resolve("forest_lz4_int8_leaves.mle").toString())
                .setInputCol("features").transform(packed);
        assertEquals(List.of("id", "features", "note", "prediction"), List.of(scored.columns()));
        List<Row> result = scored.collectAsList();
        assertLabels(expected, result, "prediction");
        assertTrue(result.stream().allMatch(r -> r.getString(2).equals("kept")));
    }

    @Test
    void sqlFunctionScoresInBatchesUnderProjectionsFiltersAndAggregates() {
        Map<String, Tensor> expected = engine("forest_zstd.mle", OpenOptions.defaults());
        MleFunctions.register(spark, "forest_label", GOLDEN.resolve("forest_zstd.mle").toString());
        MleFunctions.register(spark, "forest_proba", GOLDEN.resolve("forest_zstd.mle").toString(), "predict_proba");
        frame().createOrReplaceTempView("t");
        Dataset<Row> query = spark.sql("SELECT id, forest_label(f0, f1, f2, f3) AS label, forest_proba(f0, f1, f2, f3) AS proba FROM t");
        String plan = query.queryExecution().optimizedPlan().toString();
        assertTrue(plan.contains("ScoreNode"), plan);
        List<Row> result = query.collectAsList();
        assertLabels(expected, result, "label");
        assertProbabilities(expected, result, "proba");

        long as = java.util.Arrays.stream(Tensors.toStrings(expected.get("label"))).filter("a"::equals).count();
        assertEquals(as, spark.sql("SELECT id FROM t WHERE forest_label(f0, f1, f2, f3) = 'a'").count());
        Row counts = spark.sql("SELECT count_if(forest_label(f0, f1, f2, f3) = 'a'), max(forest_proba(f0, f1, f2, f3)[0]) FROM t").first();
        assertEquals(as, counts.getLong(0));

        String[] labels = Tensors.toStrings(expected.get("label"));
        List<Row> kept = spark.sql("SELECT id, f2 FROM t WHERE forest_label(f0 + 0.0, f1, f2, f3 * 1.0) = 'a'").collectAsList();
        assertEquals(as, kept.size());
        for (Row r : kept) {
            assertEquals("a", labels[(int) r.getLong(0)]);
            assertEquals(rows[(int) r.getLong(0)][2], r.getDouble(1));
        }
    }

    @Test
    void scoringPassesOnOnlyTheColumnsThePlanAboveReads() {
        MleFunctions.register(spark, "forest_label", GOLDEN.resolve("forest_zstd.mle").toString());
        frame().createOrReplaceTempView("t");
        var plan = spark.sql("SELECT id, forest_label(f0, f1, f2, f3) AS label FROM t").queryExecution().optimizedPlan();
        var scoring = plan.collectFirst(new PartialFunction<LogicalPlan, ScoreNode>() {
            @Override
            public boolean isDefinedAt(LogicalPlan p) {
                return p instanceof ScoreNode;
            }

            @Override
            public ScoreNode apply(LogicalPlan p) {
                return (ScoreNode) p;
            }
        }).get();
        assertEquals(List.of("id"), CollectionConverters.asJava(scoring.passThrough()).stream().map(a -> a.name()).toList());
    }

    @Test
    void oneMappingPerExecutorWhateverTheTasks() throws IOException {
        String file = GOLDEN.resolve("forest_zstd.mle").toRealPath().toString();
        forest("predict").transform(frame().repartition(8)).collect();
        forest("predict_proba").transform(frame().repartition(8)).collect();
        long mappings = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(line -> line.endsWith(file)).count();
        assertEquals(1, mappings, "the model file is mapped once in this JVM, which ran 16 tasks with it");
        assertTrue(SharedModels.openCount() >= 1);
    }

    @Test
    void pipelineWithTheTransformerSavesAndLoads(@TempDir Path dir) throws IOException {
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {forest("predict_proba").setOutputCol("p")}).fit(frame());
        String path = dir.resolve("pipeline").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        MleTransformer stage = (MleTransformer) loaded.stages()[0];
        assertEquals("predict_proba", stage.getOrDefault(stage.method()));
        assertProbabilities(engine("forest_zstd.mle", OpenOptions.defaults()), loaded.transform(frame()).collectAsList(), "p");
        assertTrue(Files.exists(dir.resolve("pipeline/stages")));
    }

    @Test
    void signedFilesVerifyAgainstTheKey() {
        Path pub = GOLDEN.resolve("keys/pub.pem");
        OpenOptions options = OpenOptions.defaults().withVerifyKey(VerifyKey.read(pub), true);
        List<Row> result = new MleTransformer().setModelPath(GOLDEN.resolve("classifier_signed.mle").toString()).setInputCols(FEATURES)
                .setVerifyKeyPath(pub.toString()).setRequireSignature(true).transform(frame()).collectAsList();
        assertLabels(engine("classifier_signed.mle", options), result, "prediction");
        IllegalArgumentException unsigned = assertThrows(IllegalArgumentException.class, () -> forest("predict")
                .setVerifyKeyPath(pub.toString()).setRequireSignature(true).transform(frame()));
        assertTrue(unsigned.getMessage().contains("not signed"), unsigned.getMessage());
    }

    @Test
    void columnsAreCheckedWhenTheTransformerIsApplied() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> forest("predict").setInputCols("f0", "f1", "f2", "nope").transform(frame()));
        assertTrue(missing.getMessage().contains("[nope]"), missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> forest("predict").transform(frame().withColumn("f2", org.apache.spark.sql.functions.lit("x"))));
        assertTrue(type.getMessage().contains("column 'f2' is string"), type.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> forest("predict").setInputCols("f0", "f1").transform(frame()));
        assertTrue(count.getMessage().contains("reads 4 columns"), count.getMessage());
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> forest("explain").transform(frame()));
        assertTrue(method.getMessage().contains("no method 'explain'"), method.getMessage());
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
                () -> new MleTransformer().setModelPath("/nonexistent/m.mle").transform(frame()));
        assertTrue(file.getMessage().contains("/nonexistent/m.mle"), file.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> forest("predict").setBatchSize(0).transform(frame()));
        assertTrue(none.getMessage().contains("at least 1, got 0"), none.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> forest("predict").setBatchSize(Integer.MAX_VALUE).transform(frame()));
        assertTrue(huge.getMessage().contains("lower the batch size"), huge.getMessage());
    }

    @Test
    void arrayOfTheWrongLengthIsRefusedNamingTheColumn() {
        Dataset<Row> packed = frame().selectExpr("id", "array(f0, f1, f2) AS features");
        Exception e = assertThrows(Exception.class, () -> new MleTransformer().setModelPath(GOLDEN.resolve("forest_zstd.mle").toString())
                .setInputCol("features").transform(packed).collect());
        assertTrue(rootMessage(e).contains("column 'features' holds 3 values in a row; the model takes 4"), rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
