package org.mleruntime.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

class OptimizerTest {
    private static List<String> ops(Graph g) {
        return g.nodes().stream().map(Node::opType).toList();
    }

    /** Sub/Div into a Scaler, MatMul/Add into a Gemm, a foldable constant subgraph, an Identity and a dead branch. */
    private static Graph messy() {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("mean", Tensors.of(DType.FLOAT64, Shape.of(3), 1, 2, 3));
        c.put("std", Tensors.of(DType.FLOAT64, Shape.of(3), 0.5, 2, 4));
        c.put("w", Tensors.of(DType.FLOAT64, Shape.of(3, 2), 1, -1, 0.5, 2, -3, 0.25));
        c.put("half_bias", Tensors.of(DType.FLOAT64, Shape.of(2), 0.1, -0.2));
        c.put("two", Tensors.of(DType.FLOAT64, Shape.of(), 2));
        List<Node> nodes = List.of(
                TestModels.node("bias", "Mul", List.of("half_bias", "two"), List.of("b"), Map.of()),
                TestModels.node("sub", "Sub", List.of("input", "mean"), List.of("centred"), Map.of()),
                TestModels.node("div", "Div", List.of("centred", "std"), List.of("scaled"), Map.of()),
                TestModels.node("id", "Identity", List.of("scaled"), List.of("scaled2"), Map.of()),
                TestModels.node("mm", "MatMul", List.of("scaled2", "w"), List.of("prod"), Map.of()),
                TestModels.node("add", "Add", List.of("prod", "b"), List.of("output"), Map.of()),
                TestModels.node("dead", "Tanh", List.of("scaled"), List.of("unused"), Map.of()));
        return new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, 3))),
                List.of(new ValueInfo("output", DType.FLOAT64, Shape.of(-1, 2))), c, nodes);
    }

    @Test
    void passesRewriteWithoutChangingABit() {
        Graph g = messy();
        Graph optimised = Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(g);
        assertEquals(List.of("Scaler", "Gemm"), ops(optimised));
        assertTrue(optimised.constants().containsKey("b"), "constant Mul folded");
        assertTrue(!optimised.constants().containsKey("half_bias"), "unused constants removed");
        Tensor input = Tensors.of(TestModels.randomRows(100, 3, 5));
        double[] plain = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {})
                .run(Map.of("input", input)).get("output"));
        double[] fast = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {})
                .run(Map.of("input", input)).get("output"));
        assertArrayEquals(plain, fast);
    }

    @Test
    void valuesReadTwiceAreNotFused() {
        Graph g = messy();
        List<Node> nodes = new java.util.ArrayList<>(g.nodes());
        nodes.set(6, TestModels.node("dead", "Tanh", List.of("centred"), List.of("also"), Map.of()));
        Graph twice = new Graph(g.inputs(), List.of(g.outputs().getFirst(), new ValueInfo("also", DType.FLOAT64, Shape.of(-1, 3))),
                g.constants(), nodes);
        Graph optimised = Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(twice);
        assertTrue(ops(optimised).contains("Sub") && ops(optimised).contains("Div"), ops(optimised).toString());
    }

    @Test
    void gemmWithoutBiasTakesTheFollowingAdd() {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("w", Tensors.of(DType.FLOAT64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6));
        c.put("b", Tensors.of(DType.FLOAT64, Shape.of(2), 7, 8));
        Graph g = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, 3))),
                List.of(new ValueInfo("output", DType.FLOAT64, Shape.of(-1, 2))), c,
                List.of(TestModels.node("g", "Gemm", List.of("input", "w"), List.of("p"), Map.of("transB", new Attribute.Int(1))),
                        TestModels.node("a", "Add", List.of("p", "b"), List.of("output"), Map.of())));
        Graph optimised = Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(g);
        assertEquals(List.of("Gemm"), ops(optimised));
        assertEquals(3, optimised.nodes().getFirst().inputs().size());
    }

    private static final String[] DOCUMENTS = {"the cat sat on the mat", "a dog and a cat", "", "dogs mat mat mat", "the the the dog"};

    /** Documents → counts (weighted by idf and the l2 norm) → RequireFinite → a 3-output linear model, optionally also returning the counts. */
    private static Graph vectorizerIntoLinearModel(boolean hashed, boolean countsAreAnOutput) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        long width = hashed ? 16 : 4;
        double[] weights = new double[(int) width * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.sin(i + 1) * 3;
        }
        List<String> countingInputs = new java.util.ArrayList<>(List.of("documents"));
        if (!hashed) {
            c.put("vocabulary", Tensors.strings(Shape.of(4), "cat", "dog", "mat", "the"));
            countingInputs.add("vocabulary");
        }
        c.put("idf", Tensors.of(DType.FLOAT64, Shape.of(width), java.util.stream.IntStream.range(0, (int) width).mapToDouble(k -> 1 + k * 0.25).toArray()));
        countingInputs.add("idf");
        c.put("w", Tensors.of(DType.FLOAT64, Shape.of(3, width), weights));
        c.put("bias", Tensors.of(DType.FLOAT64, Shape.of(1), 0.5));
        Map<String, Attribute> counting = new LinkedHashMap<>(Map.of("norm", new Attribute.Str("l2")));
        if (hashed) {
            counting.put("n_features", new Attribute.Int(width));
        }
        List<Node> nodes = List.of(
                TestModels.node("counts", hashed ? "HashedTokenCounts" : "TokenCounts", countingInputs, List.of("tf"), counting),
                TestModels.node("finite", "RequireFinite", List.of("tf"), List.of("checked"), Map.of()),
                TestModels.node("linear", "Gemm", List.of("checked", "w", "bias"), List.of("scores"), Map.of("transB", new Attribute.Int(1))));
        List<ValueInfo> outputs = new java.util.ArrayList<>(List.of(new ValueInfo("scores", DType.FLOAT64, Shape.of(-1, 3))));
        if (countsAreAnOutput) {
            outputs.add(new ValueInfo("tf", DType.FLOAT64, Shape.of(-1, width)));
        }
        return new Graph(List.of(new ValueInfo("documents", DType.STRING, Shape.of(-1))), outputs, c, nodes);
    }

    private static double[] scores(Graph g, boolean optimize) {
        Session session = new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, optimize), () -> {});
        return Tensors.toDoubles(session.run(Map.of("documents", Tensors.strings(Shape.of(DOCUMENTS.length), DOCUMENTS))).get("scores"));
    }

    @Test
    void fusesAVectorizerIntoTheLinearModelThatReadsItAlone() {
        for (boolean hashed : new boolean[] {false, true}) {
            Graph g = vectorizerIntoLinearModel(hashed, false);
            Graph optimised = Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(g);
            assertEquals(List.of(hashed ? "HashedTokenCountsGemm" : "TokenCountsGemm"), ops(optimised));
            assertArrayEquals(scores(g, false), scores(g, true), 1e-12);
        }
        Graph shared = vectorizerIntoLinearModel(false, true);
        assertEquals(List.of("TokenCounts", "RequireFinite", "Gemm"),
                ops(Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(shared)));
    }

    @Test
    void aProductWithoutBiasGetsZeros() {
        Graph g = vectorizerIntoLinearModel(false, false);
        Map<String, Tensor> c = new LinkedHashMap<>(g.constants());
        c.put("wt", Tensors.of(DType.FLOAT64, Shape.of(4, 2), 1, -2, 0.5, 3, -1, 0, 2, 2));
        Graph matMul = new Graph(g.inputs(), List.of(new ValueInfo("scores", DType.FLOAT64, Shape.of(-1, 2))), c,
                List.of(g.nodes().getFirst(), TestModels.node("project", "MatMul", List.of("tf", "wt"), List.of("scores"), Map.of())));
        assertEquals(List.of("TokenCountsGemm"), ops(Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(matMul)));
        assertArrayEquals(scores(matMul, false), scores(matMul, true), 1e-12);
    }

    /** A ColumnTransformer's shape: documents' counts beside two numeric columns, concatenated, checked, then a linear model. */
    private static Graph textBesideNumbers() {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("vocabulary", Tensors.strings(Shape.of(4), "cat", "dog", "mat", "the"));
        c.put("w", Tensors.of(DType.FLOAT64, Shape.of(3, 6), java.util.stream.IntStream.range(0, 18).mapToDouble(i -> Math.cos(i) * 2).toArray()));
        c.put("bias", Tensors.of(DType.FLOAT64, Shape.of(3), 0.5, -1, 0.25));
        List<Node> nodes = List.of(
                TestModels.node("counts", "TokenCounts", List.of("documents", "vocabulary"), List.of("tf"), Map.of()),
                TestModels.node("join", "Concat", List.of("tf", "numbers"), List.of("joined"), Map.of("axis", new Attribute.Int(1))),
                TestModels.node("finite", "RequireFinite", List.of("joined"), List.of("checked"),
                        Map.of("column_names", new Attribute.Strs(List.of("cat", "dog", "mat", "the", "length", "score")))),
                TestModels.node("linear", "Gemm", List.of("checked", "w", "bias"), List.of("scores"), Map.of("transB", new Attribute.Int(1))));
        return new Graph(List.of(new ValueInfo("documents", DType.STRING, Shape.of(-1)), new ValueInfo("numbers", DType.FLOAT64, Shape.of(-1, 2))),
                List.of(new ValueInfo("scores", DType.FLOAT64, Shape.of(-1, 3))), c, nodes);
    }

    @Test
    void splitsAProductOverATextColumnBesideOthersSoThatTheTextPartFuses() {
        Graph g = textBesideNumbers();
        Graph optimised = Optimizer.standard(CpuBackend.defaultBackend(), MemoryBudget.unlimited()).optimize(g);
        assertEquals(List.of("TokenCountsGemm", "RequireFinite", "Gemm", "Add"), ops(optimised));
        Map<String, Tensor> inputs = Map.of("documents", Tensors.strings(Shape.of(DOCUMENTS.length), DOCUMENTS),
                "numbers", Tensors.of(TestModels.randomRows(DOCUMENTS.length, 2, 3)));
        double[] plain = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {})
                .run(inputs).get("scores"));
        Session fast = new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {});
        assertArrayEquals(plain, Tensors.toDoubles(fast.run(inputs).get("scores")), 1e-12);
        Map<String, Tensor> withNan = new java.util.HashMap<>(inputs);
        withNan.put("numbers", Tensors.of(new double[][] {{1, 2}, {3, Double.NaN}, {0, 0}, {0, 0}, {0, 0}}));
        org.mleruntime.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.mleruntime.InvalidInputException.class, () -> fast.run(withNan));
        assertTrue(e.getMessage().contains("score"), e.getMessage());
    }
}
