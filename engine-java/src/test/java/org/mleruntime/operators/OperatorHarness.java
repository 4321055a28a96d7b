package org.mleruntime.operators;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.kernels.PlainMathKernels;
import org.mleruntime.planner.ShapeInference;

/**
 * Runs one operator as a model would: a graph of one node reading input "x" (its first dimension
 * the batch) and constants, writing "y", through shape inference and a session on the CPU backend,
 * so that schema and kernel are checked together.
 */
public final class OperatorHarness {
    private OperatorHarness() {}

    /** Node {@code op} over x and the named constants, on the given hot loops. */
    public static Tensor run(MathKernels math, String op, Tensor x, Map<String, Tensor> constants, Map<String, Attribute> attributes) {
        List<String> inputs = Stream.concat(Stream.of("x"), constants.keySet().stream()).toList();
        long[] dims = x.shape().dims();
        dims[0] = Shape.BATCH;
        Graph g = new Graph(List.of(new ValueInfo("x", x.dtype(), new Shape(dims))), List.of(), constants,
                List.of(TestModels.node("n", op, inputs, List.of("y"), attributes)));
        ValueInfo y = ShapeInference.infer(g).get("y");
        Graph withOutput = new Graph(g.inputs(), List.of(y), constants, g.nodes());
        Session session = new Session(withOutput, new CpuBackend(math), SessionOptions.defaults(), () -> {});
        return session.run(Map.of("x", x)).get("y");
    }

    /** Node {@code op} over x and then the constants in order, on the hot loops selected at start-up. */
    public static Tensor run(String op, Map<String, Attribute> attributes, Tensor x, Tensor... constants) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < constants.length; i++) {
            named.put("c" + i, constants[i]);
        }
        return run(MathKernelsProvider.selected(), op, x, named, attributes);
    }

    /** The plain-Java hot loops and those selected at start-up (one of them where they are the same). */
    public static Stream<MathKernels> hotLoops() {
        return Stream.of(new PlainMathKernels(), MathKernelsProvider.selected()).distinct();
    }
}
