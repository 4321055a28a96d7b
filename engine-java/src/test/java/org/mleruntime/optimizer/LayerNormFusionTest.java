package org.mleruntime.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

class LayerNormFusionTest {
    private static final int SEQ = 5;
    private static final int WIDTH = 8;

    /** How the layer norm is written out, and the near misses. */
    private record Form(boolean axesInput, boolean squareByMul, boolean reciprocal, boolean gamma, boolean beta, long axis,
            boolean gammaInput, boolean centredAlsoOutput, DType dtype) {
        static Form torch() {
            return new Form(false, false, false, true, true, -1, false, false, DType.FLOAT32);
        }

        Form opset18() {
            return new Form(true, squareByMul, reciprocal, gamma, beta, axis, gammaInput, centredAlsoOutput, dtype);
        }

        Form mulSquareAndReciprocal() {
            return new Form(axesInput, true, true, gamma, beta, axis, gammaInput, centredAlsoOutput, dtype);
        }

        Form withoutAffine() {
            return new Form(axesInput, squareByMul, reciprocal, false, false, axis, gammaInput, centredAlsoOutput, dtype);
        }

        Form overAxis(long a) {
            return new Form(axesInput, squareByMul, reciprocal, gamma, beta, a, gammaInput, centredAlsoOutput, dtype);
        }

        Form gammaAsInput() {
            return new Form(axesInput, squareByMul, reciprocal, gamma, beta, axis, true, centredAlsoOutput, dtype);
        }

        Form centredAsOutput() {
            return new Form(axesInput, squareByMul, reciprocal, gamma, beta, axis, gammaInput, true, dtype);
        }

        Form inFloat64() {
            return new Form(axesInput, squareByMul, reciprocal, gamma, beta, axis, gammaInput, centredAlsoOutput, DType.FLOAT64);
        }
    }

    private static Graph layerNorm(Form f) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        Random random = new Random(5);
        double[] gamma = new double[WIDTH];
        double[] beta = new double[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            gamma[i] = 1 + random.nextGaussian() * 0.3;
            beta[i] = random.nextGaussian();
        }
        c.put("gamma", Tensors.of(f.dtype(), Shape.of(WIDTH), gamma));
        c.put("beta", Tensors.of(f.dtype(), Shape.of(WIDTH), beta));
        c.put("two", Tensors.of(f.dtype(), Shape.of(), 2));
        c.put("eps", Tensors.of(f.dtype(), Shape.of(), 1e-5));
        c.put("axes", Tensors.of(DType.INT64, Shape.of(1), f.axis()));
        List<Node> nodes = new ArrayList<>();
        nodes.add(reduceMean("mean", "x", "mu", f));
        nodes.add(TestModels.node("sub", "Sub", List.of("x", "mu"), List.of("d"), Map.of()));
        nodes.add(f.squareByMul() ? TestModels.node("sq", "Mul", List.of("d", "d"), List.of("d2"), Map.of())
                : TestModels.node("sq", "Pow", List.of("d", "two"), List.of("d2"), Map.of()));
        nodes.add(reduceMean("var", "d2", "v", f));
        nodes.add(TestModels.node("add_eps", "Add", List.of("v", "eps"), List.of("ve"), Map.of()));
        nodes.add(TestModels.node("sqrt", "Sqrt", List.of("ve"), List.of("sigma"), Map.of()));
        if (f.reciprocal()) {
            nodes.add(TestModels.node("inv", "Reciprocal", List.of("sigma"), List.of("inv_sigma"), Map.of()));
            nodes.add(TestModels.node("norm", "Mul", List.of("inv_sigma", "d"), List.of("n"), Map.of()));
        } else {
            nodes.add(TestModels.node("norm", "Div", List.of("d", "sigma"), List.of("n"), Map.of()));
        }
        String last = "n";
        if (f.gamma()) {
            nodes.add(TestModels.node("scale", "Mul", List.of(last, f.gammaInput() ? "g" : "gamma"), List.of("scaled"), Map.of()));
            last = "scaled";
        }
        if (f.beta()) {
            nodes.add(TestModels.node("shift", "Add", List.of("beta", last), List.of("shifted"), Map.of()));
            last = "shifted";
        }
        Node end = nodes.removeLast();
        nodes.add(new Node(end.name(), end.opType(), 1, end.inputs(), List.of("y"), end.attributes()));
        List<ValueInfo> inputs = new ArrayList<>(List.of(new ValueInfo("x", f.dtype(), Shape.of(-1, SEQ, WIDTH))));
        if (f.gammaInput()) {
            inputs.add(new ValueInfo("g", f.dtype(), Shape.of(WIDTH)));
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(new ValueInfo("y", f.dtype(), Shape.of(-1, SEQ, WIDTH))));
        if (f.centredAlsoOutput()) {
            outputs.add(new ValueInfo("d", f.dtype(), Shape.of(-1, SEQ, WIDTH)));
        }
        return new Graph(inputs, outputs, c, nodes);
    }

    private static Node reduceMean(String name, String in, String out, Form f) {
        return f.axesInput() ? new Node(name, "ReduceMean", 1, List.of(in, "axes"), List.of(out), Map.of())
                : new Node(name, "ReduceMean", 1, List.of(in), List.of(out), Map.of("axes", new Attribute.Ints(new long[] {f.axis()})));
    }

    private static Map<String, Tensor> inputs(Graph g) {
        Random random = new Random(17);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            long[] dims = v.shape().dims();
            dims[0] = dims[0] == Shape.BATCH ? 3 : dims[0];
            double[] values = new double[Math.toIntExact(new Shape(dims).elementCount())];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextGaussian() * 3 + 1;
            }
            in.put(v.name(), Tensors.of(v.dtype(), new Shape(dims), values));
        }
        return in;
    }

    private static List<String> ops(Graph g) {
        return new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).operatorCounts().keySet().stream().toList();
    }

    private static void assertSameOutputs(Graph g) {
        Map<String, Tensor> in = inputs(g);
        double[] plain = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {}).run(in).get("y"));
        double[] fast = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).run(in).get("y"));
        assertEquals(plain.length, fast.length);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], fast[i], 1e-5 * Math.max(1, Math.abs(plain[i])), "element " + i);
        }
    }

    @Test
    void layerNormInPrimitivesBecomesOneNode() {
        for (Form f : List.of(Form.torch(), Form.torch().opset18(), Form.torch().mulSquareAndReciprocal(), Form.torch().withoutAffine(),
                Form.torch().overAxis(2))) {
            Graph g = layerNorm(f);
            assertEquals(List.of("LayerNormalization"), ops(g), f.toString());
            assertSameOutputs(g);
        }
    }

    @Test
    void nearMissesAreLeftAlone() {
        for (Form f : List.of(Form.torch().overAxis(1), Form.torch().centredAsOutput(), Form.torch().inFloat64())) {
            Graph g = layerNorm(f);
            assertTrue(ops(g).contains("ReduceMean"), f.toString());
            assertSameOutputs(g);
        }
    }

    @Test
    void aScaleComputedPerRunStaysAMulAfterTheNormalisation() {
        Graph g = layerNorm(Form.torch().gammaAsInput());
        assertEquals(List.of("LayerNormalization", "Mul", "Add"), ops(g));
        assertSameOutputs(g);
    }

    @Test
    void anEpsilonComputedPerRunIsLeftAlone() {
        Graph g = layerNorm(Form.torch());
        List<Node> nodes = new ArrayList<>(g.nodes());
        nodes.replaceAll(n -> n.name().equals("add_eps") ? n.withInputs(List.of("v", "e")) : n);
        List<ValueInfo> inputs = List.of(g.inputs().getFirst(), new ValueInfo("e", DType.FLOAT32, Shape.of()));
        Graph perRun = new Graph(inputs, g.outputs(), g.constants(), nodes);
        assertTrue(ops(perRun).contains("ReduceMean"));
    }
}
