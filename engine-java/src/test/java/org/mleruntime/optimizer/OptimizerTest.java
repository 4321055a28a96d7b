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
}
