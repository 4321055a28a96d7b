package org.mleruntime.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
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
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

class TransposeCancellationTest {
    private static Node transpose(String name, String in, String out, long... perm) {
        return TestModels.node(name, "Transpose", List.of(in), List.of(out), Map.of("perm", new Attribute.Ints(perm)));
    }

    /** x [N, 2, 3, 4] → Transpose(0, 2, 3, 1) → Transpose(second) → Relu; optionally t1 also a graph output. */
    private static Graph pair(long[] second, boolean innerIsOutput) {
        List<Node> nodes = List.of(transpose("t1", "x", "t1", 0, 2, 3, 1), transpose("t2", "t1", "t2", second),
                TestModels.node("relu", "Relu", List.of("t2"), List.of("y"), Map.of()));
        long[] inner = {-1, 3, 4, 2};
        long[] dims = new long[4];
        for (int i = 0; i < 4; i++) {
            dims[i] = inner[(int) second[i]];
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(new ValueInfo("y", DType.FLOAT32, Shape.of(dims))));
        if (innerIsOutput) {
            outputs.add(new ValueInfo("t1", DType.FLOAT32, Shape.of(-1, 3, 4, 2)));
        }
        return new Graph(List.of(new ValueInfo("x", DType.FLOAT32, Shape.of(-1, 2, 3, 4))), outputs, Map.of(), nodes);
    }

    private static List<String> ops(Graph g, boolean optimise) {
        return new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, optimise), () -> {}).operatorCounts().keySet().stream().toList();
    }

    private static void assertBitForBit(Graph g) {
        double[] values = new double[5 * 24];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i) * 3;
        }
        Map<String, Tensor> in = Map.of("x", Tensors.of(DType.FLOAT32, Shape.of(5, 2, 3, 4), values));
        double[] plain = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {}).run(in).get("y"));
        double[] fast = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).run(in).get("y"));
        assertArrayEquals(plain, fast);
    }

    @Test
    void inversePermutationsDisappear() {
        Graph g = pair(new long[] {0, 3, 1, 2}, false);
        assertEquals(List.of("Relu"), ops(g, true));
        assertBitForBit(g);
    }

    @Test
    void twoPermutationsBecomeOne() {
        Graph g = pair(new long[] {0, 2, 1, 3}, false);
        assertEquals(List.of("Transpose", "Relu"), ops(g, true));
        assertBitForBit(g);
    }

    @Test
    void anIntermediateReadElsewhereStays() {
        assertEquals(List.of("Transpose", "Relu"), ops(pair(new long[] {0, 3, 1, 2}, true), true).stream().distinct().toList());
        assertEquals(2, new Session(pair(new long[] {0, 3, 1, 2}, true), CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {})
                .operatorCounts().get("Transpose"));
    }
}
