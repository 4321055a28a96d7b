package org.mleruntime.bench.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
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

/**
 * A TreeEnsemble of complete trees (every walk visits exactly {@code depth} internal nodes) with
 * random features and thresholds, scored on {@code rows} Gaussian rows of 30 features by a
 * one-thread session: rows × trees × depth node visits per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TreeWalkBenchmark {
    static final int FEATURES = 30;

    /** trees×depth: a boosted model (500 trees of depth 6) and a forest-sized one (100 trees of depth 12). */
    @Param({"500x6", "100x12"})
    public String ensemble;

    @Param({"10000"})
    public int rows;

    private Session session;
    private Map<String, Tensor> inputs;
    private Map<String, Tensor> outputs;

    @Setup
    public void setUp() {
        String[] dims = ensemble.split("x");
        int trees = Integer.parseInt(dims[0]);
        int depth = Integer.parseInt(dims[1]);
        int internal = (1 << depth) - 1;
        int leaves = 1 << depth;
        Random random = new Random(42);
        Tensor nodes = nativeTensor(DType.INT32, Shape.of((long) trees * internal, 4));
        Tensor leafValues = nativeTensor(DType.FLOAT64, Shape.of((long) trees * leaves, 1));
        Tensor roots = nativeTensor(DType.INT32, Shape.of(trees));
        Tensor targets = nativeTensor(DType.INT32, Shape.of(trees));
        for (int t = 0; t < trees; t++) {
            roots.setLong(t, (long) t * internal);
            for (int i = 0; i < internal; i++) {
                long record = ((long) t * internal + i) * 4;
                nodes.setLong(record, random.nextInt(FEATURES));
                nodes.setLong(record + 1, child(t, 2 * i + 1, internal, leaves));
                nodes.setLong(record + 2, child(t, 2 * i + 2, internal, leaves));
                nodes.setLong(record + 3, Float.floatToRawIntBits((float) random.nextGaussian()));
            }
            for (int l = 0; l < leaves; l++) {
                leafValues.setDouble((long) t * leaves + l, random.nextGaussian());
            }
        }
        Map<String, Tensor> constants = new LinkedHashMap<>();
        constants.put("nodes", nodes);
        constants.put("roots", roots);
        constants.put("leaves", leafValues);
        constants.put("tree_targets", targets);
        Node node = new Node("trees", "TreeEnsemble", 1, List.of("input", "nodes", "roots", "leaves", "tree_targets"), List.of("y"),
                Map.of("n_targets", new Attribute.Int(1), "max_depth", new Attribute.Int(depth)));
        Graph graph = new Graph(List.of(new ValueInfo("input", DType.FLOAT64, Shape.of(-1, FEATURES))),
                List.of(new ValueInfo("y", DType.FLOAT64, Shape.of(-1, 1))), constants, List.of(node));
        session = new Session(graph, CpuBackend.defaultBackend(), SessionOptions.defaults().withThreads(1), () -> { });
        Tensor x = nativeTensor(DType.FLOAT64, Shape.of(rows, FEATURES));
        for (long i = 0; i < (long) rows * FEATURES; i++) {
            x.setDouble(i, random.nextGaussian());
        }
        inputs = Map.of("input", x);
        outputs = Map.of("y", nativeTensor(DType.FLOAT64, Shape.of(rows, 1)));
    }

    /** Heap-order child {@code index} of tree {@code t}: an internal node's global index, or {@code ~leaf}. */
    private static long child(int t, int index, int internal, int leaves) {
        return index < internal ? (long) t * internal + index : ~((long) t * leaves + index - internal);
    }

    private static Tensor nativeTensor(DType dtype, Shape shape) {
        return Tensor.numeric(dtype, shape, Arena.ofAuto().allocate(shape.elementCount() * dtype.byteSize(), 64));
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
    public Map<String, Tensor> withVectorModule() {
        return session.run(inputs, outputs);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dmle.kernels=plain", "--enable-native-access=ALL-UNNAMED"})
    public Map<String, Tensor> plainJava() {
        return session.run(inputs, outputs);
    }
}
