package org.mleruntime.quantize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.InvalidModelException;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;
import org.mleruntime.optimizer.ConstantFolding;
import org.mleruntime.planner.ShapeInference;

/**
 * Rewrites a model with quantized weights. The weights are the float constants a node multiplies
 * by or adds up: the B matrix of Gemm and MatMul, the filters of Conv and ConvTranspose, the W and
 * R matrices of LSTM, GRU and RNN, an embedding table that Gather reads rows of, and the leaves of
 * TreeEnsemble and ObliviousTreeEnsemble. In int8, the matrix of a product of rows (a rank-2 A)
 * goes to QGemm (one scale per output column, read in place by its kernel); every other weight to
 * Dequantize (one scale per output channel, folded back to floats when a session is built, so the
 * file is smaller and the kernels unchanged); in float16 every weight goes to Dequantize. Biases,
 * normalisation parameters, scaler parameters and labels stay exact. Tree thresholds are
 * decisions, not weights: the float64 thresholds of an ensemble move into its float32 node records
 * only when every one is an exact float32, so that no decision can change; otherwise they are
 * kept, and the report says so.
 */
public final class Quantizer {
    private Quantizer() {}

    /** The quantized model and the report of what changed. */
    public record Quantized(Model model, QuantizationReport report) {}

    /** {@link #quantize(Model, QuantizationMode, Tensor, List, String)} with no inputs of a call. */
    public static Quantized quantize(Model model, QuantizationMode mode, Tensor calibration) {
        return quantize(model, mode, calibration, List.of(), "");
    }

    /**
     * Quantizes {@code model} and measures the change of its outputs: on {@code calibration} rows
     * (float [rows, features] for a model with one float matrix input), else on {@code call} (one
     * tensor per graph input, in order: the inputs of one call of a network, which {@code whose}
     * names for the report), else on random rows when the model takes one float matrix; {@code call}
     * may be empty.
     */
    public static Quantized quantize(Model model, QuantizationMode mode, Tensor calibration, List<Tensor> call, String whose) {
        Graph original = model.graph().validated();
        Graph rearranged = withWeightsRearranged(original);
        Rewrite rewrite = new Rewrite(rearranged, mode, ShapeInference.infer(dequantized(rearranged)));
        Graph quantized = rewrite.apply();
        ShapeInference.infer(dequantized(quantized));
        List<ValueInfo> inputs = original.inputs();
        boolean oneMatrix = inputs.size() == 1 && inputs.getFirst().dtype().isFloating() && inputs.getFirst().shape().rank() == 2;
        if (calibration != null && !oneMatrix) {
            throw new InvalidModelException("calibration rows need a model with one float input of rank 2; this one takes " + inputs
                    + " (give a network's calibration as one array per input)");
        }
        Calibration.Inputs sample;
        if (calibration != null) {
            sample = Calibration.given(calibration, inputs.getFirst());
        } else if (!call.isEmpty()) {
            sample = Calibration.call(call, inputs, whose);
        } else if (oneMatrix) {
            sample = Calibration.random(original, model.metadata(), inputs.getFirst(), Calibration.RANDOM_ROWS);
        } else {
            sample = Calibration.Inputs.NONE;
        }
        List<QuantizationReport.OutputChange> outputs = sample.values().isEmpty() ? List.of() : Calibration.compare(original, quantized, sample.values());
        QuantizationReport report = new QuantizationReport(mode.label(), rewrite.changes, rewrite.kept, rewrite.thresholds,
                weightBytes(original), weightBytes(quantized), sample.source(), sample.rows(), outputs);
        return new Quantized(new Model(quantized, model.metadata()), report);
    }

    /**
     * {@code graph} with the constants it only slices, concatenates or reshapes folded into the
     * weights its nodes read, and the constants left without a reader dropped.
     */
    private static Graph withWeightsRearranged(Graph graph) {
        Graph folded = ConstantFolding.rearranging(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).apply(graph);
        if (folded == graph) {
            return graph;
        }
        Set<String> read = new HashSet<>();
        folded.nodes().forEach(n -> read.addAll(n.inputs()));
        folded.outputs().forEach(v -> read.add(v.name()));
        Set<String> readBefore = new HashSet<>();
        graph.nodes().forEach(n -> readBefore.addAll(n.inputs()));
        Map<String, Tensor> constants = new LinkedHashMap<>(folded.constants());
        constants.keySet().removeIf(name -> !read.contains(name) && (readBefore.contains(name) || !graph.constants().containsKey(name)));
        return folded.withNodes(folded.nodes(), constants).validated();
    }

    /** {@code graph} as a session sees it: the weights of an already quantized graph are float constants there. */
    private static Graph dequantized(Graph graph) {
        return ConstantFolding.dequantizing(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).apply(graph);
    }

    private static long weightBytes(Graph g) {
        return g.constants().values().stream().filter(t -> t.dtype().isNumeric()).mapToLong(t -> t.data().byteSize()).sum();
    }

    /** One pass over the nodes, collecting new constants, Dequantize nodes and what the report says. */
    private static final class Rewrite {
        private final Graph graph;
        private final QuantizationMode mode;
        private final Map<String, ValueInfo> types;
        private final Map<String, Tensor> constants;
        private final List<Node> dequantizers = new ArrayList<>();
        private final Set<String> taken = new HashSet<>();
        private final Set<String> replaced = new HashSet<>();
        final List<QuantizationReport.TensorChange> changes = new ArrayList<>();
        final List<String> kept = new ArrayList<>();
        final List<QuantizationReport.ThresholdDecision> thresholds = new ArrayList<>();

        Rewrite(Graph graph, QuantizationMode mode, Map<String, ValueInfo> types) {
            this.graph = graph;
            this.mode = mode;
            this.types = types;
            this.constants = new LinkedHashMap<>(graph.constants());
            graph.inputs().forEach(v -> taken.add(v.name()));
            taken.addAll(graph.constants().keySet());
            for (Node n : graph.nodes()) {
                taken.add(n.name());
                taken.addAll(n.outputs());
            }
        }

        Graph apply() {
            List<Node> nodes = new ArrayList<>();
            for (Node n : graph.nodes()) {
                nodes.add(switch (n.opType()) {
                    case "Gemm" -> matrix(n, n.intAttr("transB", 0) != 0);
                    case "MatMul" -> rowsTimes(n) ? matrix(n, false) : channels(n, 1, -1);
                    case "Conv" -> channels(n, 1, 0);
                    case "ConvTranspose" -> channels(n, 1, 1);
                    case "LSTM", "GRU", "RNN" -> channels(channels(n, 1, 1), 2, 1);
                    case "Gather" -> n.intAttr("axis", 0) == 0 ? channels(n, 0, 0) : n;
                    case "TreeEnsemble" -> thresholds(leaves(n));
                    case "ObliviousTreeEnsemble" -> leaves(n);
                    default -> n;
                });
            }
            List<Node> all = new ArrayList<>(dequantizers);
            all.addAll(nodes);
            Set<String> used = new HashSet<>();
            all.forEach(n -> used.addAll(n.inputs()));
            replaced.stream().filter(name -> !used.contains(name)).forEach(constants::remove);
            return new Graph(graph.inputs(), graph.outputs(), constants, all).validated();
        }

        /** The float constant read at {@code index}, if it is one this mode can hold; else null, with the reason kept. */
        private Tensor weight(Node n, int index) {
            if (n.inputs().size() <= index) {
                return null;
            }
            String name = n.inputs().get(index);
            Tensor w = graph.constants().get(name);
            if (w == null || !w.dtype().isFloating()) {
                return null;
            }
            String unfit = WeightCodec.unfit(w, mode);
            if (unfit != null) {
                kept.add("'" + name + "' of node '" + n.name() + "' stays " + w.dtype().label() + ": " + unfit);
                return null;
            }
            return w;
        }

        private Node matrix(Node n, boolean transB) {
            Tensor w = weight(n, 1);
            if (w == null) {
                return n;
            }
            String name = n.inputs().get(1);
            if (mode == QuantizationMode.FP16) {
                return n.withInputs(replaceInput(n, 1, toFloat16(n, name, w)));
            }
            boolean hasBias = n.opType().equals("Gemm") && n.inputs().size() == 3;
            Tensor bias = hasBias ? graph.constants().get(n.inputs().get(2)) : null;
            if (hasBias && bias != null && bias.shape().rank() > 1) {
                kept.add("'" + name + "' of node '" + n.name() + "' stays " + w.dtype().label() + ": its bias has shape " + bias.shape()
                        + ", which QGemm does not take");
                return n;
            }
            String[] stored = int8(n, name, w, WeightCodec.int8(transB ? w : WeightCodec.transposed(w), 0));
            List<String> inputs = new ArrayList<>(List.of(n.inputs().get(0), stored[0], stored[1]));
            if (hasBias) {
                inputs.add(n.inputs().get(2));
            }
            return new Node(n.name(), "QGemm", OperatorSet.VERSION, inputs, n.outputs(), Map.of());
        }

        /** Whether a MatMul multiplies a matrix of rows (rank 2), the only product QGemm takes. */
        private boolean rowsTimes(Node n) {
            ValueInfo a = types.get(n.inputs().getFirst());
            Tensor b = graph.constants().get(n.inputs().get(1));
            return a != null && a.shape().rank() == 2 && b != null && b.shape().rank() == 2;
        }

        /**
         * The weight at {@code index} stored as int8 with one scale per channel along {@code channelAxis}
         * (from the end when negative; float16 in that mode), read through a Dequantize the session
         * folds at build.
         */
        private Node channels(Node n, int index, int channelAxis) {
            Tensor w = weight(n, index);
            if (w == null || w.shape().rank() < 2) {
                return n;
            }
            int axis = channelAxis < 0 ? channelAxis + w.shape().rank() : channelAxis;
            String name = n.inputs().get(index);
            if (mode == QuantizationMode.FP16) {
                return n.withInputs(replaceInput(n, index, toFloat16(n, name, w)));
            }
            String[] stored = int8(n, name, w, WeightCodec.int8(w, axis));
            String out = unique(name + ".dequantized");
            dequantizers.add(new Node(unique("dequantize_" + name), "Dequantize", OperatorSet.VERSION, List.of(stored), List.of(out),
                    Map.of("axis", new Attribute.Int(axis))));
            return n.withInputs(replaceInput(n, index, out));
        }

        private Node leaves(Node n) {
            return channels(n, 3, 1);
        }

        /** Adds int8 values and their scales, next to each other, in place of {@code name}; returns their names. */
        private String[] int8(Node n, String name, Tensor w, WeightCodec.Int8 q) {
            String values = add(name + ".int8", q.values());
            String scales = add(name + ".scale", q.scales());
            record(n, name, w, q.values(), q.scales());
            replaced.add(name);
            return new String[] {values, scales};
        }

        private String toFloat16(Node n, String name, Tensor w) {
            Tensor half = WeightCodec.float16(w);
            String values = add(name + ".fp16", half);
            String out = unique(name + ".dequantized");
            dequantizers.add(new Node(unique("dequantize_" + name), "Dequantize", OperatorSet.VERSION, List.of(values), List.of(out),
                    Map.of("to", new Attribute.Str(w.dtype().label()))));
            record(n, name, w, half, null);
            replaced.add(name);
            return out;
        }

        /** TreeEnsemble's float64 thresholds go into its float32 node records only if no decision can change. */
        private Node thresholds(Node n) {
            if (n.inputs().size() <= 5 || n.inputs().get(5).isEmpty()) {
                return n;
            }
            Tensor t64 = graph.constants().get(n.inputs().get(5));
            Tensor records = graph.constants().get(n.inputs().get(1));
            if (t64 == null || records == null || t64.dtype() != DType.FLOAT64) {
                return n;
            }
            long count = t64.elementCount();
            long exact = 0;
            for (long i = 0; i < count; i++) {
                double t = t64.getDouble(i);
                exact += (double) (float) t == t || Double.isNaN(t) ? 1 : 0;
            }
            if (exact < count) {
                thresholds.add(new QuantizationReport.ThresholdDecision(n.name(), count, exact, false, (count - exact)
                        + " thresholds are not exact float32 values; rounding them would change the decision for inputs between the two values,"
                        + " so all stay float64"));
                return n;
            }
            Tensor moved = WeightCodec.allocate(DType.INT32, records.shape());
            for (long i = 0; i < records.elementCount(); i++) {
                moved.setLong(i, i % 4 == 3 ? Float.floatToRawIntBits((float) t64.getDouble(i / 4)) : records.getLong(i));
            }
            String nodesName = add(n.inputs().get(1) + ".float32_thresholds", moved);
            replaced.add(n.inputs().get(1));
            replaced.add(n.inputs().get(5));
            thresholds.add(new QuantizationReport.ThresholdDecision(n.name(), count, exact, true,
                    "every threshold is an exact float32: stored in the node records, decisions unchanged"));
            List<String> inputs = replaceInput(n, 1, nodesName);
            if (inputs.size() == 6) {
                inputs.remove(5);
            } else {
                inputs.set(5, "");
            }
            changes.add(new QuantizationReport.TensorChange(n.inputs().get(5), n.name(), "float64", "float32 in node records",
                    t64.shape().dims(), 0, t64.data().byteSize(), 0));
            return n.withInputs(inputs);
        }

        private void record(Node n, String name, Tensor w, Tensor stored, Tensor scales) {
            changes.add(new QuantizationReport.TensorChange(name, n.name(), w.dtype().label(), stored.dtype().label(), w.shape().dims(),
                    scales == null ? 0 : scales.elementCount(), w.data().byteSize(),
                    stored.data().byteSize() + (scales == null ? 0 : scales.data().byteSize())));
        }

        private List<String> replaceInput(Node n, int index, String value) {
            List<String> inputs = new ArrayList<>(n.inputs());
            inputs.set(index, value);
            return inputs;
        }

        private String add(String hint, Tensor t) {
            String name = unique(hint);
            constants.put(name, t);
            return name;
        }

        private String unique(String hint) {
            String name = hint;
            for (int i = 1; !taken.add(name); i++) {
                name = hint + "_" + i;
            }
            return name;
        }
    }
}
