package org.mleruntime.spark.scoring;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mleruntime.MleException;
import org.mleruntime.MleModel;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.ValueInfo;

/**
 * A model as a table sees it: the columns it reads (its features, in order) and the column types of
 * what each of its methods returns. Two layouts of model inputs are read from columns:
 * <ul>
 * <li>one numeric matrix input, rows × n: n numeric columns (a categorical feature, whose category
 *     names the file records, may be a string column instead), or one array or ML vector column
 *     of n values;</li>
 * <li>one input per feature column, each rows × 1 or rows (the mixed-type pipelines and text
 *     models): a numeric or a string column each.</li>
 * </ul>
 * A method's outputs become columns by rank: rows → a value, rows × k → an array of k; floats are
 * doubles, integers longs, strings strings. Several outputs make a struct with a field each.
 */
public record ColumnSignature(Layout layout, List<Feature> features, Map<String, List<Output>> methods) implements Serializable {
    public enum Layout { MATRIX, COLUMNS }

    /**
     * One column the model reads: for the matrix layout its position in the row, for the column
     * layout the input it fills; categories (the positions a string value stands for) when the
     * file records them.
     */
    public record Feature(String name, String input, DType dtype, List<String> categories) implements Serializable {
        public boolean isText() {
            return dtype == DType.STRING;
        }
    }

    /** One output of the model's: its name, element type and dimensions (-1 the rows). */
    public record Output(String name, DType dtype, long[] dims) implements Serializable {
        static Output of(ValueInfo v) {
            return new Output(v.name(), v.dtype(), v.shape().dims());
        }

        public int rank() {
            return dims.length;
        }

        @Override
        public String toString() {
            return name + " " + dtype.label() + java.util.Arrays.toString(dims);
        }
    }

    public static ColumnSignature of(MleModel model) {
        List<ValueInfo> inputs = model.session().inputs();
        List<String> names = model.metadata().featureNames();
        Map<String, String> properties = model.metadata().properties();
        Layout layout;
        List<Feature> features = new ArrayList<>();
        if (inputs.size() == 1 && inputs.getFirst().dtype() != DType.STRING && inputs.getFirst().shape().rank() == 2
                && inputs.getFirst().shape().isBatched() && inputs.getFirst().shape().dim(1) > 1) {
            ValueInfo input = inputs.getFirst();
            layout = Layout.MATRIX;
            int n = Math.toIntExact(input.shape().dim(1));
            for (int i = 0; i < n; i++) {
                String name = names.size() == n ? names.get(i) : "x" + i;
                features.add(new Feature(name, input.name(), input.dtype(), categories(properties, name)));
            }
        } else {
            layout = Layout.COLUMNS;
            List<ValueInfo> ordered = new ArrayList<>(inputs);
            if (inputs.stream().allMatch(v -> names.contains(v.name()))) {
                ordered.sort(java.util.Comparator.comparingInt(v -> names.indexOf(v.name())));
            }
            for (ValueInfo v : ordered) {
                boolean column = v.shape().isBatched() && (v.shape().rank() == 1 || (v.shape().rank() == 2 && v.shape().dim(1) == 1));
                if (!column) {
                    throw new MleException("the model's input '" + v.name() + "' is " + v.dtype().label() + v.shape()
                            + ": only a matrix of rows × features or one column per input is read from a table");
                }
                features.add(new Feature(v.name(), v.name(), v.dtype(), categories(properties, v.name())));
            }
        }
        Map<String, Output> outputs = new LinkedHashMap<>();
        model.session().outputs().forEach(v -> outputs.put(v.name(), Output.of(v)));
        Map<String, List<Output>> methods = new LinkedHashMap<>();
        model.metadata().methods().forEach((method, outs) -> methods.put(method, outs.stream().map(outputs::get).toList()));
        if (methods.isEmpty()) {
            methods.put("run", List.copyOf(outputs.values()));
        }
        return new ColumnSignature(layout, List.copyOf(features), methods);
    }

    private static List<String> categories(Map<String, String> properties, String feature) {
        String json = properties.get("categories." + feature);
        if (json == null) {
            return null;
        }
        try {
            return List.of(CATEGORY_READER.readValue(json, String[].class));
        } catch (java.io.IOException | NullPointerException e) {
            throw new MleException("the model's metadata property 'categories." + feature + "' is not a JSON list of category names");
        }
    }

    // Spark ships Jackson; the engine itself reads no JSON.
    private static final com.fasterxml.jackson.databind.ObjectMapper CATEGORY_READER = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The most input memory one batch may take; a larger batch is refused before any is allocated. */
    public static final long MAX_BATCH_BYTES = 1L << 30;

    /**
     * Refuses a batch size below 1, or one whose input buffers for this model (each feature's
     * value, or a reference for a text feature) would exceed {@link #MAX_BATCH_BYTES}: a file
     * declares its feature count, and a batch is allocated from it before any row is read.
     */
    public void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
        long rowBytes = 0;
        for (Feature f : features) {
            rowBytes += f.isText() ? Long.BYTES : f.dtype().byteSize();
        }
        if (rowBytes > MAX_BATCH_BYTES / batchSize) {
            throw new IllegalArgumentException("a batch of " + batchSize + " rows of this model's " + features.size() + " features takes "
                    + rowBytes + " bytes a row, more than " + (MAX_BATCH_BYTES >> 20) + " MiB a batch; lower the batch size");
        }
    }

    public List<String> featureNames() {
        return features.stream().map(Feature::name).toList();
    }

    /** The method a user means: the one named, or predict, or the file's first. */
    public String resolveMethod(String method) {
        if (method == null || method.isEmpty()) {
            return methods.containsKey("predict") ? "predict" : methods.keySet().iterator().next();
        }
        if (!methods.containsKey(method)) {
            throw new MleException("the model has no method '" + method + "'; its file binds: " + String.join(", ", methods.keySet()));
        }
        return method;
    }

    public List<Output> outputs(String method) {
        return methods.get(resolveMethod(method));
    }

    /** The column type of what {@code method} returns for one row. */
    public DataType resultType(String method) {
        List<Output> outs = outputs(method);
        if (outs.size() == 1) {
            return columnType(outs.getFirst());
        }
        return new StructType(outs.stream().map(v -> new StructField(v.name(), columnType(v), true, Metadata.empty())).toArray(StructField[]::new));
    }

    static DataType columnType(Output v) {
        DataType element = switch (v.dtype()) {
            case FLOAT32, FLOAT64, FLOAT16 -> DataTypes.DoubleType;
            case INT32, INT64, INT8 -> DataTypes.LongType;
            case BOOL -> DataTypes.BooleanType;
            case STRING -> DataTypes.StringType;
        };
        if (v.rank() == 0 || v.rank() > 2 || v.dims()[0] != -1) {
            throw new MleException("the model's output " + v + " is not one value or one array per row, which is what becomes a column");
        }
        return v.rank() == 1 ? element : DataTypes.createArrayType(element, v.dtype() == DType.STRING);
    }

    /**
     * Checks the columns given for the model's features (their names for the messages, their types)
     * and says which way they are read; the message names every column that does not fit.
     */
    public boolean readsVector(List<String> columns, List<DataType> types) {
        if (layout == Layout.MATRIX && types.size() == 1) {
            DataType t = types.getFirst();
            if (t instanceof VectorUDT || (t instanceof ArrayType a && isNumber(a.elementType()))) {
                return true;
            }
        }
        if (types.size() != features.size()) {
            throw new MleException("the model reads " + features.size() + " columns (" + summary(featureNames()) + ")"
                    + (layout == Layout.MATRIX ? " or one array or vector column of " + features.size() + " values" : "")
                    + ", got " + types.size() + " (" + summary(columns) + ")");
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            Feature f = features.get(i);
            DataType t = types.get(i);
            boolean fits = f.isText() ? t instanceof StringType : isNumber(t) || (f.categories() != null && t instanceof StringType);
            if (!fits) {
                problems.add("column '" + columns.get(i) + "' is " + t.simpleString() + " where the model's feature '" + f.name() + "' is "
                        + (f.isText() ? "a string" : f.categories() != null ? "a number or one of its category names" : "a number"));
            }
        }
        if (!problems.isEmpty()) {
            throw new MleException(String.join("; ", problems));
        }
        return false;
    }

    static boolean isNumber(DataType t) {
        return t instanceof NumericType || t instanceof BooleanType || t instanceof DecimalType;
    }

    private static String summary(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names) : String.join(", ", names.subList(0, 8)) + ", …";
    }
}
