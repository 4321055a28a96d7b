package org.mleruntime.bench.kernels;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One float32 Conv node (weights and bias constants, as a model file has them) run by a session on
 * one thread, for ResNet-18's convolutions on one 224×224 image: 2 · maps · output pixels ·
 * channels · kernel area floating-point operations per call, im2col and everything around the
 * GEMM included. {@link #main} prints GFLOP/s per layer and implementation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {
    /** channels-maps-kernel-stride-input size: the stem, a 3×3 layer of each stage, a strided one and a 1×1 shortcut. */
    @Param({"3-64-7-2-224", "64-64-3-1-56", "64-128-3-2-56", "128-128-3-1-28", "256-256-3-1-14", "512-512-3-1-7", "64-128-1-2-56"})
    public String layer;

    private Session session;
    private Map<String, Tensor> inputs;

    @Setup
    public void setUp() {
        int[] p = parse(layer);
        int channels = p[0], maps = p[1], kernel = p[2], stride = p[3], size = p[4];
        Random random = new Random(42);
        Shape xShape = Shape.of(1, channels, size, size);
        Tensor w = random(Shape.of(maps, channels, kernel, kernel), random);
        Tensor bias = random(Shape.of(maps), random);
        long pad = kernel / 2;
        Node conv = new Node("conv", "Conv", 1, List.of("x", "w", "b"), List.of("y"), Map.of(
                "kernel_shape", new Attribute.Ints(new long[] {kernel, kernel}),
                "strides", new Attribute.Ints(new long[] {stride, stride}),
                "pads", new Attribute.Ints(new long[] {pad, pad, pad, pad})));
        long out = (size + 2 * pad - kernel) / stride + 1;
        Graph graph = new Graph(List.of(new ValueInfo("x", DType.FLOAT32, xShape)),
                List.of(new ValueInfo("y", DType.FLOAT32, Shape.of(1, maps, out, out))), Map.of("w", w, "b", bias), List.of(conv));
        session = new Session(graph, CpuBackend.defaultBackend(), new SessionOptions(1, 1024, true), () -> { });
        inputs = Map.of("x", random(xShape, random));
    }

    private static int[] parse(String layer) {
        String[] parts = layer.split("-");
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Integer.parseInt(parts[i]);
        }
        return values;
    }

    private static Tensor random(Shape shape, Random random) {
        double[] values = new double[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return Tensors.of(DType.FLOAT32, shape, values);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
    public Map<String, Tensor> vector() {
        return session.run(inputs);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dmle.kernels=plain", "--enable-native-access=ALL-UNNAMED"})
    public Map<String, Tensor> plain() {
        return session.run(inputs);
    }

    /** Runs the benchmark (JMH options may follow, e.g. {@code -p layer=64-64-3-1-56}) and prints GFLOP/s. */
    public static void main(String[] args) throws RunnerException {
        var options = new OptionsBuilder().include(ConvBenchmark.class.getName());
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("-p")) {
                String[] param = args[i + 1].split("=", 2);
                options.param(param[0], param[1].split(","));
            }
        }
        System.out.println("| layer (channels-maps-kernel-stride-size) | implementation | time per call | GFLOP/s |");
        System.out.println("| --- | --- | --- | --- |");
        for (RunResult result : new Runner(options.build()).run()) {
            int[] p = parse(result.getParams().getParam("layer"));
            long out = (p[4] + 2L * (p[2] / 2) - p[2]) / p[3] + 1;
            double flops = 2.0 * p[1] * out * out * p[0] * p[2] * p[2];
            double ns = result.getPrimaryResult().getScore();
            String method = result.getPrimaryResult().getLabel();
            System.out.printf("| %s | %s | %.1f µs | %.1f |%n", result.getParams().getParam("layer"), method, ns / 1e3, flops / ns);
        }
    }
}
