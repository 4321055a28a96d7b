package org.mleruntime.bench.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.PlainFloatGemm;
import org.mleruntime.kernels.vector.VectorMathKernels;
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
 * {@link FloatGemm#sgemm} on one thread for the shapes of deep-learning graphs, plain Java against the
 * Vector API: 2·m·n·k floating-point operations per call. JMH reports nanoseconds per call, as for the
 * other kernels; {@link #main} runs the benchmark and prints GFLOP/s per shape and implementation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FloatGemmBenchmark {
    @Param({"plain", "vector"})
    public String path;

    /**
     * m×n×k, with "t" after k when B is transposed (a linear layer's weights): a square product; Conv
     * by im2col (output channels × output pixels × channels·kernel area) for a first layer, a ResNet
     * stage and a deep 3×3 layer; an MLP layer of 784 → 512 for a batch of 1, 8 and 256; one
     * attention head (128 tokens, 32 wide).
     */
    @Param({"512x512x512", "64x12544x27", "64x3136x576", "512x49x4608", "1x512x784t", "8x512x784t", "256x512x784t", "128x128x32"})
    public String shape;

    private FloatGemm gemm;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private int m;
    private int n;
    private int k;
    private boolean transB;

    @Setup
    public void setUp() {
        gemm = path.equals("vector") ? new VectorMathKernels().floatGemm() : PlainFloatGemm.INSTANCE;
        transB = shape.endsWith("t");
        String[] dims = shape.replace("t", "").split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        Random random = new Random(42);
        a = filled((long) m * k, random);
        b = filled((long) k * n, random);
        c = Arena.ofAuto().allocate((long) m * n * Float.BYTES, 64);
    }

    private static MemorySegment filled(long count, Random random) {
        MemorySegment s = Arena.ofAuto().allocate(count * Float.BYTES, 64);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(Tensor.F32, i, (float) random.nextGaussian());
        }
        return s;
    }

    @Benchmark
    public MemorySegment multiply() {
        gemm.sgemm(false, transB, m, n, k, a, 0, k, b, 0, transB ? k : n, false, c, 0, n);
        return c;
    }

    /** Runs the benchmark (JMH options may follow, e.g. {@code -p shape=512x512x512}) and prints GFLOP/s. */
    public static void main(String[] args) throws RunnerException {
        var options = new OptionsBuilder().include(FloatGemmBenchmark.class.getName());
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("-p")) {
                String[] param = args[i + 1].split("=", 2);
                options.param(param[0], param[1].split(","));
            }
        }
        System.out.println("| shape m×n×k | implementation | time per call | GFLOP/s |");
        System.out.println("| --- | --- | --- | --- |");
        for (RunResult result : new Runner(options.build()).run()) {
            String shape = result.getParams().getParam("shape");
            String[] dims = shape.replace("t", "").split("x");
            double flops = 2.0 * Long.parseLong(dims[0]) * Long.parseLong(dims[1]) * Long.parseLong(dims[2]);
            double ns = result.getPrimaryResult().getScore();
            System.out.printf("| %s | %s | %.1f µs | %.1f |%n", shape, result.getParams().getParam("path"), ns / 1e3, flops / ns);
        }
    }
}
