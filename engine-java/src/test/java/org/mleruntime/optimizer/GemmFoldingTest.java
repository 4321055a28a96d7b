package org.mleruntime.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

class GemmFoldingTest {
    private static final int IN = 6;
    private static final int OUT = 4;

    private static double[] gaussian(Random random, int n, double mean, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + random.nextGaussian() * scale;
        }
        return v;
    }

    /** torch's Linear (Gemm with transB), then the named steps: BatchNormalization, Relu, Clip, HardSigmoid (α 0.3, β 0.4), HardSwish. */
    private static Graph linear(DType dtype, List<String> steps, boolean hiddenAlsoOutput, boolean varianceInput) {
        Random random = new Random(7);
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("w", Tensors.of(dtype, Shape.of(OUT, IN), gaussian(random, OUT * IN, 0, 1)));
        c.put("b", Tensors.of(dtype, Shape.of(OUT), gaussian(random, OUT, 0, 1)));
        c.put("gamma", Tensors.of(dtype, Shape.of(OUT), gaussian(random, OUT, 1, 0.3)));
        c.put("beta", Tensors.of(dtype, Shape.of(OUT), gaussian(random, OUT, 0, 1)));
        c.put("mean", Tensors.of(dtype, Shape.of(OUT), gaussian(random, OUT, 0, 1)));
        c.put("var", Tensors.of(dtype, Shape.of(OUT), 0.5, 1, 2, 3));
        c.put("low", Tensors.of(dtype, Shape.of(), -1));
        c.put("high", Tensors.of(dtype, Shape.of(), 6));
        List<Node> nodes = new ArrayList<>(List.of(TestModels.node("fc", "Gemm", List.of("x", "w", "b"), List.of("h0"), Map.of("transB", new Attribute.Int(1)))));
        for (int i = 0; i < steps.size(); i++) {
            String in = "h" + i;
            String out = i == steps.size() - 1 ? "y" : "h" + (i + 1);
            List<String> inputs = switch (steps.get(i)) {
                case "BatchNormalization" -> List.of(in, "gamma", "beta", "mean", varianceInput ? "v" : "var");
                case "Clip" -> List.of(in, "low", "high");
                default -> List.of(in);
            };
            Map<String, Attribute> attributes = steps.get(i).equals("HardSigmoid")
                    ? Map.of("alpha", new Attribute.Float(0.3), "beta", new Attribute.Float(0.4)) : Map.of();
            nodes.add(TestModels.node(steps.get(i).toLowerCase(), steps.get(i), inputs, List.of(out), attributes));
        }
        List<ValueInfo> inputs = new ArrayList<>(List.of(new ValueInfo("x", dtype, Shape.of(-1, IN))));
        if (varianceInput) {
            inputs.add(new ValueInfo("v", dtype, Shape.of(OUT)));
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(new ValueInfo("y", dtype, Shape.of(-1, OUT))));
        if (hiddenAlsoOutput) {
            outputs.add(new ValueInfo("h0", dtype, Shape.of(-1, OUT)));
        }
        return new Graph(inputs, outputs, c, nodes);
    }

    private static Map<String, Tensor> inputs(Graph g) {
        Random random = new Random(31);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            long[] dims = v.shape().dims();
            dims[0] = dims[0] == Shape.BATCH ? 9 : dims[0];
            Shape shape = new Shape(dims);
            in.put(v.name(), Tensors.of(v.dtype(), shape, gaussian(random, Math.toIntExact(shape.elementCount()), 0.5, 2)));
        }
        return in;
    }

    private static List<String> ops(Graph g) {
        return new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).operatorCounts().keySet().stream().toList();
    }

    private static double[] run(Graph g, boolean optimize) {
        return Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, optimize), () -> {}).run(inputs(g)).get("y"));
    }

    private static void assertSameOutputs(Graph g) {
        double[] plain = run(g, false);
        double[] fast = run(g, true);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], fast[i], 1e-5 * Math.max(1, Math.abs(plain[i])), "element " + i);
        }
    }

    @Test
    void batchNormAndActivationFoldIntoTheGemm() {
        for (List<String> steps : List.of(List.of("BatchNormalization", "Relu"), List.of("Relu"), List.of("Clip"), List.of("BatchNormalization", "Clip"),
                List.of("HardSwish"), List.of("BatchNormalization", "HardSigmoid"))) {
            Graph g = linear(DType.FLOAT32, steps, false, false);
            assertEquals(List.of("Gemm"), ops(g), steps.toString());
            assertSameOutputs(g);
        }
    }

    @Test
    void nearMissesAreLeftAlone() {
        assertTrue(ops(linear(DType.FLOAT32, List.of("Relu"), true, false)).contains("Relu"), "the product is also a graph output");
        assertTrue(ops(linear(DType.FLOAT32, List.of("HardSwish"), true, false)).contains("HardSwish"), "the product is also a graph output");
        assertEquals(List.of("Gemm", "HardSwish"), ops(linear(DType.FLOAT32, List.of("Relu", "HardSwish"), false, false)), "one activation per Gemm");
        assertTrue(ops(linear(DType.FLOAT32, List.of("BatchNormalization"), false, true)).contains("BatchNormalization"),
                "a variance computed per run");
        Graph tabular = linear(DType.FLOAT64, List.of("BatchNormalization", "Relu"), false, false);
        assertEquals(List.of("Gemm", "BatchNormalization", "Relu"), ops(tabular));
        assertArrayEquals(run(tabular, false), run(tabular, true), "float64 graphs keep every bit");
    }

    @Test
    void aFoldedActivationOnAFloat64GemmIsRefused() {
        Graph g = linear(DType.FLOAT64, List.of(), false, false);
        Node gemm = g.nodes().getFirst();
        Node activated = new Node(gemm.name(), "Gemm", 1, gemm.inputs(), List.of("y"),
                Map.of("transB", new Attribute.Int(1), "activation", new Attribute.Str("Relu")));
        Graph refused = new Graph(g.inputs(), g.outputs(), g.constants(), List.of(activated));
        assertThrows(InvalidModelException.class, () -> ops(refused));
    }
}
