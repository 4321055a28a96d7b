package org.mleruntime.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mleruntime.MleException;
import org.mleruntime.spark.scoring.ColumnSignature;
import org.mleruntime.spark.scoring.ModelSource;

/**
 * A Spark ML transformer over a model file: appends what one of the model's methods returns for
 * each row, scored in batches on the executors' JVMs with the file mapped once per executor. Reads
 * the model's feature columns by name ({@code inputCols}, by default the feature names the file
 * records) or one array or ML vector column ({@code inputCol}); writes one column
 * ({@code outputCol}) or, for a method with several outputs, one per output ({@code outputCols}).
 * Columns are checked against the model when the transformer is applied, so a missing column or a
 * wrong type fails there, naming the column. Saves and loads with Spark ML's persistence.
 */
public final class MleTransformer extends Transformer implements DefaultParamsWritable {
    private final String uid;

    private final Param<String> modelPath;
    private final Param<String> method;
    private final StringArrayParam inputCols;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final StringArrayParam outputCols;
    private final IntParam batchSize;
    private final Param<String> verifyKeyPath;
    private final BooleanParam requireSignature;
    private final Param<String> decryptionKeyPath;

    public MleTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath",
            "the .mle file: a path every executor can read, or the name of a file added with SparkContext.addFile");
        method = new Param<>(this, "method",
            "the model's method (predict, predict_proba, decision_function, transform, … as its file binds them); empty: predict, or the file's first");
        inputCols = new StringArrayParam(this, "inputCols",
            "the columns holding the model's features, in its order; empty: the feature names its file records");
        inputCol = new Param<>(this, "inputCol",
            "one array or ML vector column holding every feature of a model that reads one feature matrix (instead of inputCols)");
        outputCol = new Param<>(this, "outputCol", "the column the method's result goes to (a method with one output)");
        outputCols = new StringArrayParam(this, "outputCols",
            "the columns a method with several outputs writes, one per output; empty: the outputs' names");
        batchSize = new IntParam(this, "batchSize", "rows per engine call");
        verifyKeyPath = new Param<>(this, "verifyKeyPath",
            "an Ed25519 public key file: a signed model must verify against it");
        requireSignature = new BooleanParam(this, "requireSignature",
            "refuse unsigned model files (needs verifyKeyPath)");
        decryptionKeyPath = new Param<>(this, "decryptionKeyPath", "the key file of an encrypted model");
        setDefault(method, "");
        setDefault(inputCols, new String[0]);
        setDefault(inputCol, "");
        setDefault(outputCol, "");
        setDefault(outputCols, new String[0]);
        setDefault(batchSize, MleFunctions.DEFAULT_BATCH_SIZE);
        setDefault(verifyKeyPath, "");
        setDefault(requireSignature, false);
        setDefault(decryptionKeyPath, "");
    }

    public MleTransformer() {
        this(Identifiable.randomUID("MleTransformer"));
    }

    @Override
    public String uid() {
        return uid;
    }

    // Spark ML finds a transformer's params by its public methods that return them.
    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> method() {
        return method;
    }

    public StringArrayParam inputCols() {
        return inputCols;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public StringArrayParam outputCols() {
        return outputCols;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> verifyKeyPath() {
        return verifyKeyPath;
    }

    public BooleanParam requireSignature() {
        return requireSignature;
    }

    public Param<String> decryptionKeyPath() {
        return decryptionKeyPath;
    }

    public MleTransformer setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public MleTransformer setMethod(String value) {
        set(method, value);
        return this;
    }

    public MleTransformer setInputCols(String... value) {
        set(inputCols, value);
        return this;
    }

    public MleTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public MleTransformer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public MleTransformer setOutputCols(String... value) {
        set(outputCols, value);
        return this;
    }

    public MleTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public MleTransformer setVerifyKeyPath(String value) {
        set(verifyKeyPath, value);
        return this;
    }

    public MleTransformer setRequireSignature(boolean value) {
        set(requireSignature, value);
        return this;
    }

    public MleTransformer setDecryptionKeyPath(String value) {
        set(decryptionKeyPath, value);
        return this;
    }

    ModelSource source() {
        if (!isDefined(modelPath) || $(modelPath).isEmpty()) {
            throw new IllegalArgumentException("MleTransformer: set modelPath to the .mle file");
        }
        return new ModelSource($(modelPath), blankToNull($(verifyKeyPath)), (Boolean) (Object) $(requireSignature), blankToNull($(decryptionKeyPath)));
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** What this transformer reads and writes, as the schema check and transform both need it. */
    private record Plan(ColumnSignature signature, String method, List<String> inputs, List<String> outputs, List<DataType> outputTypes) {
    }

    private Plan plan(StructType schema) {
        ColumnSignature signature;
        try {
            signature = MleFunctions.signature(source());
        } catch (MleException e) {
            throw new IllegalArgumentException("MleTransformer: " + e.getMessage(), e);
        }
        String resolved;
        try {
            resolved = signature.resolveMethod($(method));
        } catch (MleException e) {
            throw new IllegalArgumentException("MleTransformer: " + e.getMessage(), e);
        }
        List<String> inputs = !$(inputCol).isEmpty() ? List.of($(inputCol))
                : $(inputCols).length > 0 ? List.of($(inputCols)) : signature.featureNames();
        List<String> present = Arrays.asList(schema.fieldNames());
        List<String> missing = inputs.stream().filter(c -> !present.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("MleTransformer: the DataFrame lacks the columns " + missing + ", which the model reads"
                    + ($(inputCols).length == 0 && $(inputCol).isEmpty() ? " (its feature names; set inputCols, or inputCol for one array or vector column)" : ""));
        }
        try {
            signature.readsVector(inputs, inputs.stream().map(c -> schema.apply(c).dataType()).toList());
        } catch (MleException e) {
            throw new IllegalArgumentException("MleTransformer: " + e.getMessage(), e);
        }
        List<ColumnSignature.Output> outs = signature.outputs(resolved);
        List<String> names;
        if (outs.size() == 1) {
            names = List.of($(outputCol).isEmpty() ? defaultOutputColumn(resolved) : $(outputCol));
        } else {
            names = $(outputCols).length > 0 ? List.of($(outputCols)) : outs.stream().map(ColumnSignature.Output::name).toList();
            if (names.size() != outs.size()) {
                throw new IllegalArgumentException("MleTransformer: method " + resolved + " returns " + outs.size() + " outputs ("
                        + outs.stream().map(ColumnSignature.Output::name).toList() + "); outputCols names " + names.size());
            }
        }
        List<String> taken = names.stream().filter(present::contains).toList();
        if (!taken.isEmpty()) {
            throw new IllegalArgumentException("MleTransformer: the output columns " + taken + " already exist in the DataFrame");
        }
        StructType results = outs.size() == 1 ? null : (StructType) signature.resultType(resolved);
        List<DataType> types = outs.size() == 1 ? List.of(signature.resultType(resolved))
                : Arrays.stream(results.fields()).map(StructField::dataType).toList();
        return new Plan(signature, resolved, inputs, names, types);
    }

    private static String defaultOutputColumn(String method) {
        return switch (method) {
            case "predict" -> "prediction";
            case "predict_proba" -> "probability";
            case "decision_function" -> "rawPrediction";
            default -> method;
        };
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Plan plan = plan(schema);
        StructType out = schema;
        for (int i = 0; i < plan.outputs().size(); i++) {
            out = out.add(plan.outputs().get(i), plan.outputTypes().get(i), true);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Plan plan = plan(dataset.schema());
        List<Column> columns = plan.inputs().stream().map(dataset::col).toList();
        Column score = MleFunctions.score(dataset.sparkSession(), source(), plan.signature(), plan.method(), columns, (Integer) (Object) $(batchSize));
        Dataset<Row> frame = dataset.toDF();
        if (plan.outputs().size() == 1) {
            return frame.withColumn(plan.outputs().getFirst(), score);
        }
        String packed = "__mle_" + uid;
        Dataset<Row> scored = frame.withColumn(packed, score);
        List<Column> selected = new ArrayList<>();
        for (String c : frame.columns()) {
            selected.add(scored.col("`" + c.replace("`", "``") + "`"));
        }
        List<ColumnSignature.Output> outs = plan.signature().outputs(plan.method());
        for (int i = 0; i < outs.size(); i++) {
            selected.add(functions.col(packed).getField(outs.get(i).name()).as(plan.outputs().get(i)));
        }
        return scored.select(selected.toArray(Column[]::new));
    }

    @Override
    public MleTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<MleTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static MleTransformer load(String path) {
        return read().load(path);
    }
}
