package org.mleruntime.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** A MobileNetV3 block in small: each convolution kind (im2col, depthwise, pointwise) followed by its BatchNormalization and activation. */
class ConvolutionFoldingTest {
    private static final int SIZE = 12;

    private static double[] gaussian(Random random, int n, double mean, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + random.nextGaussian() * scale;
        }
        return v;
    }

    /**
     * x[N, 3, 12, 12] through a 3×3 stride-2 Conv to 8 maps, a depthwise 3×3 Conv and a 1×1 Conv to 4
     * maps, each followed by a BatchNormalization and then the activation at the same place in {@code activations}.
     */
    private static Graph block(List<String> activations, boolean hiddenAlsoOutput) {
        Random random = new Random(11);
        Map<String, Tensor> c = new LinkedHashMap<>();
        int[][] convs = {{3, 8, 3, 2, 1}, {8, 8, 3, 1, 8}, {8, 4, 1, 1, 1}};
        List<Node> nodes = new ArrayList<>();
        String in = "x";
        for (int i = 0; i < convs.length; i++) {
            int channels = convs[i][0], maps = convs[i][1], kernel = convs[i][2], stride = convs[i][3], group = convs[i][4];
            c.put("w" + i, Tensors.of(DType.FLOAT32, Shape.of(maps, channels / group, kernel, kernel),
                    gaussian(random, maps * channels / group * kernel * kernel, 0, 0.5)));
            c.put("b" + i, Tensors.of(DType.FLOAT32, Shape.of(maps), gaussian(random, maps, 0, 1)));
            for (String p : List.of("gamma", "beta", "mean", "var")) {
                c.put(p + i, Tensors.of(DType.FLOAT32, Shape.of(maps), gaussian(random, maps, p.equals("var") ? 2 : p.equals("gamma") ? 1 : 0, 0.3)));
            }
            int pad = kernel / 2;
            nodes.add(TestModels.node("conv" + i, "Conv", List.of(in, "w" + i, "b" + i), List.of("c" + i), Map.of(
                    "strides", new Attribute.Ints(new long[] {stride, stride}), "pads", new Attribute.Ints(new long[] {pad, pad, pad, pad}),
                    "group", new Attribute.Int(group))));
            nodes.add(TestModels.node("bn" + i, "BatchNormalization", List.of("c" + i, "gamma" + i, "beta" + i, "mean" + i, "var" + i),
                    List.of("n" + i), Map.of()));
            String out = i == convs.length - 1 ? "y" : "a" + i;
            Map<String, Attribute> attributes = activations.get(i).equals("HardSigmoid")
                    ? Map.of("alpha", new Attribute.Float(0.3), "beta", new Attribute.Float(0.4)) : Map.of();
            nodes.add(TestModels.node("act" + i, activations.get(i), List.of("n" + i), List.of(out), attributes));
            in = out;
        }
        List<ValueInfo> outputs = new ArrayList<>(List.of(new ValueInfo("y", DType.FLOAT32, Shape.of(-1, 4, SIZE / 2, SIZE / 2))));
        if (hiddenAlsoOutput) {
            outputs.add(new ValueInfo("n1", DType.FLOAT32, Shape.of(-1, 8, SIZE / 2, SIZE / 2)));
        }
        return new Graph(List.of(new ValueInfo("x", DType.FLOAT32, Shape.of(-1, 3, SIZE, SIZE))), outputs, c, nodes);
    }

    private static Map<String, Tensor> inputs() {
        Shape shape = Shape.of(2, 3, SIZE, SIZE);
        return Map.of("x", Tensors.of(DType.FLOAT32, shape, gaussian(new Random(31), Math.toIntExact(shape.elementCount()), 0, 2)));
    }

    private static Session session(Graph g, boolean optimize) {
        return new Session(g, CpuBackend.defaultBackend(), new SessionOptions(1, 1, optimize), () -> {});
    }

    private static List<String> ops(Graph g) {
        return session(g, true).operatorCounts().keySet().stream().toList();
    }

    private static void assertSameOutputs(Graph g) {
        double[] plain = Tensors.toDoubles(session(g, false).run(inputs()).get("y"));
        double[] fast = Tensors.toDoubles(session(g, true).run(inputs()).get("y"));
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], fast[i], 1e-5 * Math.max(1, Math.abs(plain[i])), "element " + i);
        }
    }

    @Test
    void batchNormAndActivationFoldIntoEachConvolution() {
        for (List<String> activations : List.of(List.of("HardSwish", "HardSwish", "HardSigmoid"), List.of("HardSigmoid", "Relu", "HardSwish"))) {
            Graph g = block(activations, false);
            assertEquals(List.of("Conv"), ops(g), activations.toString());
            assertSameOutputs(g);
        }
    }

    @Test
    void anActivationReadingAValueThatIsAlsoAnOutputIsLeftAlone() {
        Graph g = block(List.of("HardSwish", "HardSwish", "HardSigmoid"), true);
        assertEquals(List.of("Conv", "HardSwish"), ops(g));
        assertSameOutputs(g);
    }

    @Test
    void anUnknownFoldedActivationIsRefused() {
        Graph g = block(List.of("Relu", "Relu", "Relu"), false);
        Node conv = g.nodes().getFirst();
        Map<String, Attribute> attributes = new LinkedHashMap<>(conv.attributes());
        attributes.put("activation", new Attribute.Str("Swish"));
        List<Node> nodes = new ArrayList<>(g.nodes());
        nodes.set(0, new Node(conv.name(), "Conv", 1, conv.inputs(), conv.outputs(), attributes));
        Graph refused = new Graph(g.inputs(), g.outputs(), g.constants(), nodes);
        assertThrows(InvalidModelException.class, () -> ops(refused));
    }
}
