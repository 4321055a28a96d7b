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

class AttentionFusionTest {
    private static final int HEADS = 2;
    private static final int SEQ = 5;
    private static final int SIZE = 4;

    /** softmax((Q·s)·(Kᵀ·s) + mask)·V over 4-D inputs [batch, 2, 5, 4], K transposed by a Transpose. */
    private static Graph attention(String maskKind, long softmaxAxis, boolean scoresAlsoOutput) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("s", Tensors.of(DType.FLOAT32, Shape.of(), Math.sqrt(1 / Math.sqrt(SIZE))));
        Random random = new Random(3);
        double[] mask = new double[SEQ * SEQ];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextGaussian();
        }
        c.put("mask", Tensors.of(DType.FLOAT32, Shape.of(SEQ, SEQ), mask));
        c.put("column_mask", Tensors.of(DType.FLOAT32, Shape.of(SEQ, 1), 1, 2, 3, 4, 5));
        double[] masked = new double[SEQ * SEQ];
        for (int i = 0; i < masked.length; i++) {
            // Each query keeps its own key, so no row is masked whole.
            masked[i] = i / SEQ != i % SEQ && random.nextBoolean() ? 1 : 0;
        }
        c.put("masked_keys", Tensors.of(DType.BOOL, Shape.of(SEQ, SEQ), masked));
        double[] kept = new double[masked.length];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = 1 - masked[i];
        }
        c.put("kept_keys", Tensors.of(DType.BOOL, Shape.of(SEQ, SEQ), kept));
        c.put("minus_infinity", Tensors.of(DType.FLOAT32, Shape.of(), Double.NEGATIVE_INFINITY));
        List<Node> nodes = new ArrayList<>(List.of(
                TestModels.node("kt", "Transpose", List.of("k"), List.of("kt"), Map.of("perm", new Attribute.Ints(new long[] {0, 1, 3, 2}))),
                TestModels.node("qs", "Mul", List.of("q", "s"), List.of("qs"), Map.of()),
                TestModels.node("ks", "Mul", List.of("kt", "s"), List.of("ks"), Map.of()),
                TestModels.node("qk", "MatMul", List.of("qs", "ks"), List.of("scores"), Map.of())));
        String scores = "scores";
        if (maskKind.equals("masked_fill") || maskKind.equals("where")) {
            List<String> where = maskKind.equals("where") ? List.of("kept_keys", "scores", "minus_infinity")
                    : List.of("masked_keys", "minus_infinity", "scores");
            nodes.add(TestModels.node("fill", "Where", where, List.of("filled"), Map.of()));
            scores = "filled";
        } else if (!maskKind.isEmpty()) {
            String m = maskKind.equals("input") ? "m" : maskKind;
            nodes.add(TestModels.node("masked", "Add", List.of("scores", m), List.of("masked"), Map.of()));
            scores = "masked";
        }
        nodes.add(TestModels.node("softmax", "Softmax", List.of(scores), List.of("p"), Map.of("axis", new Attribute.Int(softmaxAxis))));
        nodes.add(TestModels.node("pv", "MatMul", List.of("p", "v"), List.of("y"), Map.of()));
        List<ValueInfo> inputs = new ArrayList<>();
        for (String name : List.of("q", "k", "v")) {
            inputs.add(new ValueInfo(name, DType.FLOAT32, Shape.of(-1, HEADS, SEQ, SIZE)));
        }
        if (maskKind.equals("input")) {
            inputs.add(new ValueInfo("m", DType.FLOAT32, Shape.of(SEQ, SEQ)));
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(new ValueInfo("y", DType.FLOAT32, Shape.of(-1, HEADS, SEQ, SIZE))));
        if (scoresAlsoOutput) {
            outputs.add(new ValueInfo("scores", DType.FLOAT32, Shape.of(-1, HEADS, SEQ, SEQ)));
        }
        return new Graph(inputs, outputs, c, nodes);
    }

    private static Map<String, Tensor> inputs(Graph g, int batch) {
        Random random = new Random(11);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            long[] dims = v.shape().dims();
            if (dims[0] == Shape.BATCH) {
                dims[0] = batch;
            }
            Shape shape = new Shape(dims);
            double[] values = new double[Math.toIntExact(shape.elementCount())];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextGaussian() * 2;
            }
            in.put(v.name(), Tensors.of(DType.FLOAT32, shape, values));
        }
        return in;
    }

    private static List<String> ops(Graph g) {
        return new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).operatorCounts().keySet().stream().toList();
    }

    private static void assertSameOutputs(Graph g) {
        Map<String, Tensor> in = inputs(g, 3);
        double[] plain = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, false), () -> {}).run(in).get("y"));
        double[] fast = Tensors.toDoubles(new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, true), () -> {}).run(in).get("y"));
        assertEquals(plain.length, fast.length);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], fast[i], 1e-5 * Math.max(1, Math.abs(plain[i])), "element " + i);
        }
    }

    @Test
    void attentionInPrimitivesBecomesOneNode() {
        for (String mask : List.of("", "mask", "input")) {
            Graph g = attention(mask, -1, false);
            assertEquals(List.of("Attention"), ops(g), "mask '" + mask + "'");
            assertSameOutputs(g);
        }
        // −∞ where a bool mask fails, or where it holds (masked_fill: the mask negated, here folded as a constant).
        for (String mask : List.of("where", "masked_fill")) {
            Graph g = attention(mask, -1, false);
            assertEquals(List.of("Attention"), ops(g), mask);
            assertSameOutputs(g);
        }
    }

    @Test
    void nearMissesAreLeftAlone() {
        assertTrue(ops(attention("", 2, false)).contains("Softmax"), "softmax over the queries, not the keys");
        assertTrue(ops(attention("column_mask", -1, false)).contains("Softmax"), "a mask of one key broadcasts where Attention would pad");
        assertTrue(ops(attention("", -1, true)).contains("Softmax"), "scores read by a graph output");
        assertSameOutputs(attention("column_mask", -1, false));
    }

    /** {@code g} with its probabilities p guarded as PyTorch writes it, Where(IsNaN(p), 0, p), and p also read by {@code alsoReading}. */
    private static Graph guarded(Graph g, String alsoReading) {
        Map<String, Tensor> c = new LinkedHashMap<>(g.constants());
        c.put("zero", Tensors.of(DType.FLOAT32, Shape.of(), 0));
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.name().equals("pv")) {
                nodes.add(TestModels.node("nan", "IsNaN", List.of("p"), List.of("p_nan"), Map.of()));
                nodes.add(TestModels.node("guard", "Where", List.of("p_nan", "zero", "p"), List.of("p_guarded"), Map.of()));
                if (!alsoReading.isEmpty()) {
                    nodes.add(TestModels.node("other", alsoReading, List.of("p"), List.of("p_other"), Map.of()));
                }
                nodes.add(TestModels.node("pv", "MatMul", List.of("p_guarded", "v"), List.of("y"), Map.of()));
            } else {
                nodes.add(n);
            }
        }
        List<ValueInfo> outputs = new ArrayList<>(g.outputs());
        if (!alsoReading.isEmpty()) {
            outputs.add(new ValueInfo("p_other", DType.FLOAT32, Shape.of(-1, HEADS, SEQ, SEQ)));
        }
        return new Graph(g.inputs(), outputs, c, nodes);
    }

    @Test
    void probabilitiesGuardedAgainstNaNAreAttentionToo() {
        Graph g = guarded(attention("mask", -1, false), "");
        assertEquals(List.of("Attention"), ops(g));
        assertSameOutputs(g);
        assertTrue(ops(guarded(attention("mask", -1, false), "Neg")).contains("Softmax"), "probabilities read beyond the guard");
    }
}
