package org.mleruntime.quantize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mleruntime.InvalidInputException;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/**
 * The inputs a quantization is measured on, and the measure. Rows given by the user come first;
 * then the inputs of one call of a network (given for calibration, or the example its exporter
 * traced); without either, rows are drawn
 * uniformly inside the input ranges the file records (metadata properties {@code input_min} and
 * {@code input_max}, which the Python SDK writes from a calibration sample), else inside the range
 * of the model's own split thresholds or three standard deviations around its scaler's mean, else
 * in [-1, 1]; the report says which.
 */
public final class Calibration {
    public static final int RANDOM_ROWS = 256;
    private static final long SEED = 20_240_601L;

    private Calibration() {}

    /** One tensor per graph input, the number of rows (the first axis), and a sentence saying where they come from. */
    public record Inputs(Map<String, Tensor> values, int rows, String source) {
        static final Inputs NONE = new Inputs(Map.of(), 0,
                "no calibration: the model does not take one float matrix (give calibration inputs for a measure)");
    }

    static Inputs given(Tensor rows, ValueInfo input) {
        if (rows.shape().rank() != 2 || rows.shape().dim(1) != input.shape().dim(1)) {
            throw new InvalidInputException("calibration rows must have shape [rows, " + input.shape().dim(1) + "], got " + rows.shape());
        }
        return new Inputs(Map.of(input.name(), converted(rows, input.dtype())), Math.toIntExact(rows.shape().dim(0)),
                rows.shape().dim(0) + " rows given for calibration");
    }

    /** The inputs of one call, one per graph input in order, each converted to its input's dtype; {@code whose} says where they come from. */
    static Inputs call(List<Tensor> examples, List<ValueInfo> inputs, String whose) {
        if (examples.size() != inputs.size()) {
            throw new InvalidInputException("calibration has " + examples.size() + " inputs for a model that takes " + inputs.size() + ": "
                    + inputs.stream().map(ValueInfo::name).toList());
        }
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            ValueInfo input = inputs.get(i);
            Tensor example = examples.get(i);
            if (example.dtype().isNumeric() != input.dtype().isNumeric() || example.shape().rank() != input.shape().rank()) {
                throw new InvalidInputException("calibration input " + i + " is " + example.dtype().label() + example.shape() + " but input '"
                        + input.name() + "' is " + input.dtype().label() + input.shape());
            }
            values.put(input.name(), converted(example, input.dtype()));
        }
        int rows = examples.getFirst().shape().rank() == 0 ? 1 : Math.toIntExact(examples.getFirst().shape().dim(0));
        return new Inputs(values, rows, whose + " (" + rows + (rows == 1 ? " sample" : " samples") + ")");
    }

    private static Tensor converted(Tensor t, DType dtype) {
        if (t.dtype() == dtype) {
            return t;
        }
        Tensor out = Tensors.zeros(dtype, t.shape());
        for (long i = 0; i < t.elementCount(); i++) {
            out.setDouble(i, t.getDouble(i));
        }
        return out;
    }

    /** {@code count} random rows for {@code input} (a float matrix), drawn as the class comment says. */
    public static Inputs random(Graph graph, ModelMetadata metadata, ValueInfo input, int count) {
        int features = Math.toIntExact(input.shape().dim(1));
        double[] lo = new double[features];
        double[] hi = new double[features];
        String source = recorded(metadata, lo, hi);
        if (source == null) {
            source = thresholdRanges(graph, input, lo, hi);
        }
        if (source == null) {
            source = scalerRanges(graph, input, lo, hi);
        }
        if (source == null) {
            Arrays.fill(lo, -1);
            Arrays.fill(hi, 1);
            source = "in [-1, 1]: the file records no input ranges (give calibration rows for a representative measure)";
        }
        Random r = new Random(SEED);
        Tensor rows = Tensors.zeros(input.dtype(), org.mleruntime.ir.Shape.of(count, features));
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < features; j++) {
                rows.setDouble((long) i * features + j, lo[j] + (hi[j] - lo[j]) * r.nextDouble());
            }
        }
        return new Inputs(Map.of(input.name(), rows), count, count + " random rows, uniform " + source);
    }

    private static String recorded(ModelMetadata metadata, double[] lo, double[] hi) {
        String min = metadata.properties().get("input_min");
        String max = metadata.properties().get("input_max");
        if (min == null || max == null) {
            return null;
        }
        try {
            double[] a = Arrays.stream(min.split(",")).mapToDouble(s -> Double.parseDouble(s.strip())).toArray();
            double[] b = Arrays.stream(max.split(",")).mapToDouble(s -> Double.parseDouble(s.strip())).toArray();
            if (a.length != lo.length || b.length != hi.length) {
                return null;
            }
            System.arraycopy(a, 0, lo, 0, a.length);
            System.arraycopy(b, 0, hi, 0, b.length);
            return "within the input ranges recorded in the file";
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Per feature, the span of the numeric thresholds trees split it at, widened by a tenth on each side. */
    private static String thresholdRanges(Graph graph, ValueInfo input, double[] lo, double[] hi) {
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        boolean any = false;
        for (Node n : graph.nodes()) {
            if (!n.opType().equals("TreeEnsemble") || !readsInput(graph, n.inputs().getFirst(), input.name())) {
                continue;
            }
            Tensor nodes = graph.constants().get(n.inputs().get(1));
            Tensor t64 = n.inputs().size() > 5 ? graph.constants().get(n.inputs().get(5)) : null;
            if (nodes == null) {
                continue;
            }
            for (long i = 0; i < nodes.shape().dim(0); i++) {
                long word = nodes.getLong(4 * i);
                int feature = (int) (word & org.mleruntime.operators.trees.TreeEnsembleSchema.FEATURE_MASK);
                if ((word & org.mleruntime.operators.trees.TreeEnsembleSchema.CATEGORICAL) != 0 || feature >= lo.length) {
                    continue;
                }
                double t = t64 != null ? t64.getDouble(i) : Float.intBitsToFloat((int) nodes.getLong(4 * i + 3));
                lo[feature] = Math.min(lo[feature], t);
                hi[feature] = Math.max(hi[feature], t);
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        double allLo = Arrays.stream(lo).filter(Double::isFinite).min().orElse(-1);
        double allHi = Arrays.stream(hi).filter(Double::isFinite).max().orElse(1);
        for (int j = 0; j < lo.length; j++) {
            if (!Double.isFinite(lo[j])) {
                lo[j] = allLo;
                hi[j] = allHi;
            }
            double margin = Math.max(0.1 * (hi[j] - lo[j]), 1e-3);
            lo[j] -= margin;
            hi[j] += margin;
        }
        return "across the range of the trees' split thresholds, widened by a tenth";
    }

    /** mean ± 3 standard deviations of a StandardScaler-like first step (Scaler sub_div, or Sub then Div). */
    private static String scalerRanges(Graph graph, ValueInfo input, double[] lo, double[] hi) {
        for (Node n : graph.nodes()) {
            if (!n.inputs().getFirst().equals(input.name())) {
                continue;
            }
            Tensor mean = null;
            Tensor scale = null;
            if (n.opType().equals("Scaler") && n.attributes().get("mode") instanceof Attribute.Str s && s.value().equals("sub_div")) {
                mean = graph.constants().get(n.inputs().get(1));
                scale = graph.constants().get(n.inputs().get(2));
            } else if (n.opType().equals("Sub") && n.inputs().size() == 2) {
                mean = graph.constants().get(n.inputs().get(1));
                for (Node next : graph.nodes()) {
                    if (next.opType().equals("Div") && next.inputs().getFirst().equals(n.outputs().getFirst())) {
                        scale = graph.constants().get(next.inputs().get(1));
                    }
                }
            }
            if (mean != null && scale != null && mean.elementCount() == lo.length && scale.elementCount() == lo.length) {
                for (int j = 0; j < lo.length; j++) {
                    double spread = 3 * Math.abs(scale.getDouble(j));
                    lo[j] = mean.getDouble(j) - spread;
                    hi[j] = mean.getDouble(j) + spread;
                }
                return "within three standard deviations of the scaler's mean";
            }
        }
        return null;
    }

    private static boolean readsInput(Graph graph, String value, String input) {
        if (value.equals(input)) {
            return true;
        }
        for (Node n : graph.nodes()) {
            if (n.outputs().contains(value) && (n.opType().equals("Cast") || n.opType().equals("Identity"))) {
                return readsInput(graph, n.inputs().getFirst(), input);
            }
        }
        return false;
    }

    /** Runs both graphs on the inputs and measures the change of every output. */
    static List<QuantizationReport.OutputChange> compare(Graph original, Graph quantized, Map<String, Tensor> in) {
        Map<String, Tensor> before = session(original).run(in);
        Map<String, Tensor> after = session(quantized).run(in);
        List<QuantizationReport.OutputChange> out = new ArrayList<>();
        for (ValueInfo v : original.outputs()) {
            Tensor a = before.get(v.name());
            Tensor b = after.get(v.name());
            long changed = 0;
            double maxAbs = 0;
            double magnitude = 0;
            for (long i = 0; i < a.elementCount(); i++) {
                if (v.dtype() == DType.STRING) {
                    changed += a.string(i).equals(b.string(i)) ? 0 : 1;
                    continue;
                }
                double x = a.getDouble(i);
                double y = b.getDouble(i);
                changed += Double.compare(x, y) == 0 ? 0 : 1;
                maxAbs = Math.max(maxAbs, Math.abs(x - y));
                magnitude = Math.max(magnitude, Math.abs(x));
            }
            out.add(new QuantizationReport.OutputChange(v.name(), v.dtype().label(), a.elementCount(), maxAbs,
                    magnitude == 0 ? maxAbs : maxAbs / magnitude, changed));
        }
        return out;
    }

    private static Session session(Graph graph) {
        return new Session(graph, CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> { });
    }
}
