package org.mleruntime.bench.kernels;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.operators.math.ElementwiseKernels;
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

/** The Softmax kernel over the last axis of a float64 [rows, classes] tensor: rows × classes elements per call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SoftmaxBenchmark {
    @Param({"2", "10", "100"})
    public int classes;

    @Param({"10000"})
    public int rows;

    private final Kernel softmax = ElementwiseKernels.softmax(new Node("softmax", "Softmax", 1, List.of("x"), List.of("y"), Map.of()), false,
            MathKernelsProvider.selected());
    private Tensor[] in;
    private Tensor[] out;

    @Setup
    public void setUp() {
        Shape shape = Shape.of(rows, classes);
        Tensor x = Tensor.numeric(DType.FLOAT64, shape, Arena.ofAuto().allocate(shape.elementCount() * 8, 64));
        Random random = new Random(42);
        for (long i = 0; i < shape.elementCount(); i++) {
            x.setDouble(i, 3 * random.nextGaussian());
        }
        in = new Tensor[] {x};
        out = new Tensor[] {Tensor.numeric(DType.FLOAT64, shape, Arena.ofAuto().allocate(shape.elementCount() * 8, 64))};
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
    public Tensor withVectorModule() {
        softmax.compute(in, out);
        return out[0];
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dmle.kernels=plain", "--enable-native-access=ALL-UNNAMED"})
    public Tensor plainJava() {
        softmax.compute(in, out);
        return out[0];
    }
}
