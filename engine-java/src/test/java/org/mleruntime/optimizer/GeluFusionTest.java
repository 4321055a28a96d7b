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
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

class GeluFusionTest {
    private static Node mul(String name, String a, String b, String out) {
        return TestModels.node(name, "Mul", List.of(a, b), List.of(out), Map.of());
    }

    private static Node add(String name, String a, String b, String out) {
        return TestModels.node(name, "Add", List.of(a, b), List.of(out), Map.of());
    }

    private static Graph graph(DType dtype, List<Node> nodes, String... extraOutputs) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        double[][] values = {{0.5}, {1}, {2}, {3}, {Math.sqrt(2)}, {1 / Math.sqrt(2)}, {Math.sqrt(2 / Math.PI)}, {0.044715}};
        String[] names = {"half", "one", "two", "three", "sqrt2", "inv_sqrt2", "sqrt_2_pi", "cubic"};
        for (int i = 0; i < names.length; i++) {
            c.put(names[i], Tensors.of(dtype, Shape.of(), values[i]));
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(new ValueInfo("y", dtype, Shape.of(-1, 6))));
        for (String extra : extraOutputs) {
            outputs.add(new ValueInfo(extra, dtype, Shape.of(-1, 6)));
        }
        return new Graph(List.of(new ValueInfo("x", dtype, Shape.of(-1, 6))), outputs, c, nodes);
    }

    /** torch's export of the exact GELU: x · (1 + erf(x / √2)) · 0.5. */
    private static List<Node> torchExact(String divisor) {
        return List.of(TestModels.node("div", "Div", List.of("x", divisor), List.of("a"), Map.of()),
                TestModels.node("erf", "Erf", List.of("a"), List.of("e"), Map.of()),
                add("plus", "e", "one", "p"), mul("xp", "x", "p", "xp"), mul("half_of", "xp", "half", "y"));
    }

    /** Written as x · 0.5 · (1 + erf(x · 1/√2)), the constants first. */
    private static List<Node> exactConstantsFirst() {
        return List.of(mul("scale", "inv_sqrt2", "x", "a"), TestModels.node("erf", "Erf", List.of("a"), List.of("e"), Map.of()),
                add("plus", "one", "e", "p"), mul("xh", "x", "half", "xh"), mul("all", "xh", "p", "y"));
    }

    /** 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), x³ as Pow or as x · x · x. */
    private static List<Node> tanhForm(boolean pow) {
        List<Node> nodes = new ArrayList<>();
        if (pow) {
            nodes.add(TestModels.node("cube", "Pow", List.of("x", "three"), List.of("x3"), Map.of()));
        } else {
            nodes.add(mul("square", "x", "x", "x2"));
            nodes.add(mul("cube", "x2", "x", "x3"));
        }
        nodes.addAll(List.of(mul("c", "cubic", "x3", "cx3"), add("inner", "x", "cx3", "s"), mul("k", "s", "sqrt_2_pi", "t"),
                TestModels.node("tanh", "Tanh", List.of("t"), List.of("th"), Map.of()), add("plus", "th", "one", "p"),
                mul("hx", "half", "x", "hx"), mul("all", "hx", "p", "y")));
        return nodes;
    }

    private static List<String> ops(Graph g) {
        return new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).operatorCounts().keySet().stream().toList();
    }

    private static void assertSameOutputs(Graph g) {
        Random random = new Random(23);
        double[] values = new double[4 * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * 3;
        }
        Map<String, Tensor> in = Map.of("x", Tensors.of(g.inputs().getFirst().dtype(), Shape.of(4, 6), values));
        double[] plain = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {}).run(in).get("y"));
        double[] fast = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).run(in).get("y"));
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], fast[i], 1e-6 * Math.max(1, Math.abs(plain[i])), "element " + i);
        }
    }

    @Test
    void geluInPrimitivesBecomesOneNode() {
        for (List<Node> nodes : List.of(torchExact("sqrt2"), exactConstantsFirst(), tanhForm(true), tanhForm(false))) {
            Graph g = graph(DType.FLOAT32, nodes);
            assertEquals(List.of("Gelu"), ops(g), nodes.toString());
            assertSameOutputs(g);
        }
    }

    @Test
    void nearMissesAreLeftAlone() {
        assertTrue(ops(graph(DType.FLOAT32, torchExact("two"))).contains("Erf"), "x / 2 is no GELU");
        assertTrue(ops(graph(DType.FLOAT32, torchExact("sqrt2"), "p")).contains("Erf"), "1 + erf read by a graph output");
        assertTrue(ops(graph(DType.FLOAT64, torchExact("sqrt2"))).contains("Erf"), "float64 graphs keep their primitives");
        assertSameOutputs(graph(DType.FLOAT64, torchExact("sqrt2")));
    }
}
