package org.mleruntime.bench.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.PlainMathKernels;
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

/**
 * C[n×m] = A[n×k] · B (+ bias) on one thread, through {@code gemm} (B is k×m, as an MLP layer's
 * weights) or {@code gemmTransB} (B is m×k, as a linear model's coefficients). 2·n·k·m floating-point
 * operations per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    @Param({"plain", "vector"})
    public String path;

    @Param({"FLOAT64", "FLOAT32"})
    public String dtype;

    /** n×k×m: a square product, and a 10 000-row batch through a 30 → 100 layer. */
    @Param({"256x256x256", "10000x30x100"})
    public String shape;

    @Param({"gemm", "gemmTransB"})
    public String layout;

    private MathKernels kernels;
    private DType type;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment bias;
    private MemorySegment c;
    private int n;
    private int k;
    private int m;

    @Setup
    public void setUp() {
        kernels = path.equals("vector") ? new VectorMathKernels() : new PlainMathKernels();
        type = DType.valueOf(dtype);
        String[] dims = shape.split("x");
        n = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        m = Integer.parseInt(dims[2]);
        Random random = new Random(42);
        a = filled((long) n * k, random);
        b = filled((long) k * m, random);
        bias = filled(m, random);
        c = Arena.ofAuto().allocate((long) n * m * type.byteSize(), 64);
    }

    private MemorySegment filled(long count, Random random) {
        MemorySegment s = Arena.ofAuto().allocate(count * type.byteSize(), 64);
        for (long i = 0; i < count; i++) {
            if (type == DType.FLOAT64) {
                s.setAtIndex(Tensor.F64, i, random.nextGaussian());
            } else {
                s.setAtIndex(Tensor.F32, i, (float) random.nextGaussian());
            }
        }
        return s;
    }

    @Benchmark
    public MemorySegment multiply() {
        if (layout.equals("gemm")) {
            kernels.gemm(type, a, b, bias, m, c, n, k, m);
        } else {
            kernels.gemmTransB(type, a, b, bias, m, c, n, k, m);
        }
        return c;
    }
}
