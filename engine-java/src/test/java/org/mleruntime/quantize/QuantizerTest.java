package org.mleruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mleruntime.MleModel;
import org.mleruntime.SampleModels;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.ModelFileWriter;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Attribute;

class QuantizerTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> run(Graph g, double[][] rows) {
        return new Session(g, CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> { }).run(Map.of("input", Tensors.of(rows)));
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        double max = 0;
        for (long i = 0; i < a.elementCount(); i++) {
            max = Math.max(max, Math.abs(a.getDouble(i) - b.getDouble(i)));
        }
        return max;
    }

    private static List<String> ops(Graph g) {
        return g.nodes().stream().map(Node::opType).toList();
    }

    @Test
    void int8MatricesGoToQGemmWithPerChannelScalesBesideThem() {
        Model mlp = SampleModels.mlp(20, 300, 1);
        Quantizer.Quantized q = Quantizer.quantize(mlp, QuantizationMode.INT8, null);
        Graph g = q.model().graph();
        assertEquals(List.of("QGemm", "Relu", "QGemm", "Add", "Softmax", "ArgMax", "LabelMap"), ops(g));
        assertEquals(DType.INT8, g.constants().get("w1.int8").dtype());
        assertArrayEquals(new long[] {300, 20}, g.constants().get("w1.int8").shape().dims());
        assertArrayEquals(new long[] {300}, g.constants().get("w1.scale").shape().dims());
        assertArrayEquals(new long[] {3, 300}, g.constants().get("w2.int8").shape().dims(), "MatMul weights are stored transposed");
        assertFalse(g.constants().containsKey("w1"), "the float weights are gone");
        assertTrue(g.constants().containsKey("b1"), "biases stay exact");
        List<String> names = List.copyOf(g.constants().keySet());
        assertEquals(names.indexOf("w1.int8") + 1, names.indexOf("w1.scale"), "scales are stored beside their tensor");
        QuantizationReport r = q.report();
        assertEquals(2, r.tensors().size());
        assertTrue(r.weightBytesAfter() < r.weightBytesBefore() / 4, r.weightBytesBefore() + " -> " + r.weightBytesAfter());
        double[][] rows = TestModels.randomRows(64, 20, 3);
        double change = maxAbsDiff(run(mlp.graph(), rows).get("probabilities"), run(g, rows).get("probabilities"));
        assertTrue(change > 0 && change < 0.05, "int8 probabilities within 0.05: " + change);
    }

    @Test
    void fp16GoesThroughDequantizeForEveryWeight() {
        for (Model m : List.of(SampleModels.mlp(8, 16, 2), SampleModels.forest(5, 4, 6, 2, false), SampleModels.linear())) {
            Quantizer.Quantized q = Quantizer.quantize(m, QuantizationMode.FP16, null);
            assertTrue(ops(q.model().graph()).contains("Dequantize"), ops(q.model().graph()).toString());
            assertTrue(q.model().graph().constants().values().stream().anyMatch(t -> t.dtype() == DType.FLOAT16));
            double[][] rows = TestModels.randomRows(50, Math.toIntExact(m.graph().inputs().getFirst().shape().dim(1)), 4);
            double change = maxAbsDiff(run(m.graph(), rows).get("probabilities"), run(q.model().graph(), rows).get("probabilities"));
            assertTrue(change < 5e-3, m.metadata().modelType() + " fp16 change " + change);
        }
    }

    @Test
    void theReportMeasuresTheLargestChangeOnTheGivenRows() {
        Model mlp = SampleModels.mlp(10, 50, 5);
        double[][] rows = TestModels.randomRows(40, 10, 6);
        Quantizer.Quantized q = Quantizer.quantize(mlp, QuantizationMode.INT8, Tensors.of(rows));
        QuantizationReport.OutputChange probabilities = q.report().outputs().stream().filter(o -> o.output().equals("probabilities"))
                .findFirst().orElseThrow();
        double measured = maxAbsDiff(run(mlp.graph(), rows).get("probabilities"), run(q.model().graph(), rows).get("probabilities"));
        assertEquals(measured, probabilities.maxAbsChange(), 0);
        assertEquals(40, q.report().calibrationRows());
        assertTrue(q.report().calibration().contains("40 rows given"), q.report().calibration());
        QuantizationReport.OutputChange label = q.report().outputs().stream().filter(o -> o.output().equals("label")).findFirst().orElseThrow();
        assertEquals(40, label.values());
    }

    @Test
    void withoutRowsTheRangesComeFromTheFileOrTheModel() {
        Model forest = SampleModels.forest(5, 4, 6, 2, false);
        assertTrue(Quantizer.quantize(forest, QuantizationMode.INT8, null).report().calibration().contains("split thresholds"));
        assertTrue(Quantizer.quantize(SampleModels.linear(), QuantizationMode.INT8, null).report().calibration().contains("scaler's mean"));
        assertTrue(Quantizer.quantize(SampleModels.mlp(4, 4, 1), QuantizationMode.INT8, null).report().calibration().contains("[-1, 1]"));
        Model recorded = new Model(SampleModels.mlp(2, 4, 1).graph(),
                SampleModels.mlp(2, 4, 1).metadata().with("input_min", "0,10").with("input_max", "1,20"));
        QuantizationReport r = Quantizer.quantize(recorded, QuantizationMode.FP16, null).report();
        assertTrue(r.calibration().contains("recorded in the file") && r.calibrationRows() == Calibration.RANDOM_ROWS, r.calibration());
    }

    @Test
    void treeThresholdsMoveToFloat32OnlyWhenNoDecisionCanChange() {
        Model inexact = SampleModels.forest(8, 5, 6, 3, true);
        Quantizer.Quantized kept = Quantizer.quantize(inexact, QuantizationMode.FP16, null);
        QuantizationReport.ThresholdDecision d = kept.report().thresholds().getFirst();
        assertFalse(d.quantized());
        assertTrue(d.exactFloat32() > 0 && d.exactFloat32() < d.thresholds() && d.reason().contains("would change the decision"), d.reason());
        Node trees = kept.model().graph().nodes().stream().filter(n -> n.opType().equals("TreeEnsemble")).findFirst().orElseThrow();
        assertEquals("tree_thresholds", trees.inputs().get(5), "float64 thresholds are kept");
        double[][] rows = TestModels.randomRows(300, 6, 9);
        Tensor before = run(inexact.graph(), rows).get("probabilities");
        Tensor after = run(kept.model().graph(), rows).get("probabilities");
        assertTrue(maxAbsDiff(before, after) < 1e-3, "only the leaves moved");

        Model exact = withFloat32Thresholds(inexact);
        Quantizer.Quantized moved = Quantizer.quantize(exact, QuantizationMode.INT8, null);
        QuantizationReport.ThresholdDecision m = moved.report().thresholds().getFirst();
        assertTrue(m.quantized() && m.exactFloat32() == m.thresholds(), m.reason());
        Node q = moved.model().graph().nodes().stream().filter(n -> n.opType().equals("TreeEnsemble")).findFirst().orElseThrow();
        assertEquals(5, q.inputs().size(), "the float64 thresholds input is gone");
        String[] labelsBefore = Tensors.toStrings(run(exact.graph(), rows).get("label"));
        String[] labelsAfter = Tensors.toStrings(run(moved.model().graph(), rows).get("label"));
        long differ = java.util.stream.IntStream.range(0, rows.length).filter(i -> !labelsBefore[i].equals(labelsAfter[i])).count();
        assertTrue(differ <= 3, differ + " labels changed by int8 leaves");
    }

    /** The same forest with each float64 threshold rounded to float32, so that all are exact. */
    private static Model withFloat32Thresholds(Model m) {
        Map<String, Tensor> c = new java.util.LinkedHashMap<>(m.graph().constants());
        Tensor t = c.get("tree_thresholds");
        double[] rounded = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = (float) t.getDouble(i);
        }
        c.put("tree_thresholds", Tensors.of(DType.FLOAT64, t.shape(), rounded));
        return new Model(m.graph().withNodes(m.graph().nodes(), c), m.metadata());
    }

    @Test
    void nonFiniteWeightsAreKeptWithTheirReason() {
        Model mlp = SampleModels.mlp(3, 4, 1);
        Map<String, Tensor> c = new java.util.LinkedHashMap<>(mlp.graph().constants());
        Tensor w1 = Tensors.of(DType.FLOAT64, c.get("w1").shape(), Tensors.toDoubles(c.get("w1")));
        w1.setDouble(0, Double.NaN);
        c.put("w1", w1);
        Model withNaN = new Model(mlp.graph().withNodes(mlp.graph().nodes(), c), mlp.metadata());
        QuantizationReport r = Quantizer.quantize(withNaN, QuantizationMode.INT8, null).report();
        assertEquals(1, r.tensors().size());
        assertTrue(r.kept().getFirst().contains("'w1'") && r.kept().getFirst().contains("NaN"), r.kept().toString());
    }

    @Test
    void quantizedModelsSurviveTheFileAndShrinkIt() throws Exception {
        Model mlp = SampleModels.mlp(32, 512, 8);
        Path plain = dir.resolve("plain.mle");
        Path int8 = dir.resolve("int8.mle");
        ModelFileWriter.write(mlp, plain);
        Quantizer.Quantized q = Quantizer.quantize(mlp, QuantizationMode.INT8, null);
        ModelFileWriter.write(q.model(), int8);
        assertTrue(Files.size(int8) < Files.size(plain) / 4, Files.size(plain) + " -> " + Files.size(int8));
        double[][] rows = TestModels.randomRows(10, 32, 1);
        try (MleModel m = MleModel.open(int8); ModelFile f = ModelFile.open(int8)) {
            assertArrayEquals(Tensors.toDoubles(run(q.model().graph(), rows).get("probabilities")),
                    Tensors.toDoubles(m.run(Map.of("input", Tensors.of(rows))).get("probabilities")));
            assertEquals(1, f.header().flags() & org.mleruntime.format.FileHeader.FLAG_QUANTIZED, "the file says it needs a 1.1 reader");
        }
    }

    /** x [batch, 3, 6, 6] → Conv (4 filters 3×3) → Reshape [batch, 4, 16] → MatMul by [16, 5] (its rows given as two slices concatenated). */
    private static Model network() {
        Random r = new Random(5);
        Map<String, Tensor> c = new java.util.LinkedHashMap<>();
        c.put("filters", Tensors.of(DType.FLOAT32, Shape.of(4, 3, 3, 3), normal(r, 108)));
        c.put("filter_bias", Tensors.of(DType.FLOAT32, Shape.of(4), normal(r, 4)));
        c.put("shape", Tensors.of(DType.INT64, Shape.of(3), new double[] {0, 4, 16}));
        c.put("top", Tensors.of(DType.FLOAT32, Shape.of(10, 5), normal(r, 50)));
        c.put("bottom", Tensors.of(DType.FLOAT32, Shape.of(6, 5), normal(r, 30)));
        List<Node> nodes = List.of(
                TestModels.node("conv", "Conv", List.of("x", "filters", "filter_bias"), List.of("features"), Map.of()),
                TestModels.node("rows", "Reshape", List.of("features", "shape"), List.of("sequence"), Map.of()),
                TestModels.node("stack", "Concat", List.of("top", "bottom"), List.of("projection"), Map.of("axis", new Attribute.Int(0))),
                TestModels.node("project", "MatMul", List.of("sequence", "projection"), List.of("y"), Map.of()));
        Graph g = new Graph(List.of(new ValueInfo("x", DType.FLOAT32, Shape.of(Shape.BATCH, 3, 6, 6))),
                List.of(new ValueInfo("y", DType.FLOAT32, Shape.of(Shape.BATCH, 4, 5))), c, nodes);
        return new Model(g, SampleModels.sequenceSpread().metadata());
    }

    private static double[] normal(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @Test
    void int8FiltersAndProductsOfTensorsAreDequantizedAtBuildAndMeasuredOnTheExample() {
        Model net = network();
        Tensor example = Tensors.of(DType.FLOAT32, Shape.of(2, 3, 6, 6), normal(new Random(9), 216));
        Quantizer.Quantized q = Quantizer.quantize(net, QuantizationMode.INT8, null, List.of(example), "the example inputs");
        Graph g = q.model().graph();
        assertEquals(List.of("Dequantize", "Dequantize", "Conv", "Reshape", "MatMul"), ops(g), "no QGemm for a product of rank-3 tensors");
        assertArrayEquals(new long[] {4}, g.constants().get("filters.scale").shape().dims(), "one scale per output channel of the filters");
        assertArrayEquals(new long[] {5}, g.constants().get("projection.scale").shape().dims(), "one scale per output column of the product");
        assertFalse(g.constants().containsKey("top") || g.constants().containsKey("bottom"), "the rows the graph concatenated are folded away");
        assertTrue(g.constants().containsKey("filter_bias"), "biases stay exact");
        QuantizationReport r = q.report();
        assertTrue(r.calibration().contains("example inputs"), r.calibration());
        assertEquals(2, r.calibrationRows());
        double change = r.outputs().getFirst().maxRelChange();
        assertTrue(change > 0 && change < 0.05, "int8 output within 5 % of its magnitude: " + change);
        Map<String, Tensor> in = Map.of("x", example);
        Tensor before = new Session(net.graph(), CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> { }).run(in).get("y");
        Tensor after = new Session(g, CpuBackend.defaultBackend(), SessionOptions.defaults(), () -> { }).run(in).get("y");
        assertEquals(r.outputs().getFirst().maxAbsChange(), maxAbsDiff(before, after), 1e-12);
    }

    @Test
    void float16NetworksWithoutAnExampleAreNotMeasured() {
        QuantizationReport r = Quantizer.quantize(network(), QuantizationMode.FP16, null).report();
        assertEquals(2, r.tensors().size());
        assertTrue(r.outputs().isEmpty() && r.calibration().startsWith("no calibration"), r.calibration());
    }

    @Test
    void examplesThatDoNotMatchTheInputsAreRefusedByName() {
        Tensor wrongRank = Tensors.of(DType.FLOAT32, Shape.of(2, 108), new double[216]);
        var e = assertThrows(org.mleruntime.InvalidInputException.class,
                () -> Quantizer.quantize(network(), QuantizationMode.INT8, null, List.of(wrongRank), "given"));
        assertTrue(e.getMessage().contains("input 'x'"), e.getMessage());
        assertThrows(org.mleruntime.InvalidInputException.class, () -> Quantizer.quantize(network(), QuantizationMode.INT8, null, List.of(wrongRank, wrongRank), "given"));
    }
}
