package org.mleruntime.operators.svm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.kernels.PairwiseTerm;
import org.mleruntime.operators.OperatorHarness;
import org.mleruntime.ops.OperatorSet;

/**
 * The pairwise sums on every available path (plain Java, Vector API) against a direct scalar loop,
 * bit for bit, and each kernel function of KernelMatrix against its formula written out in the
 * order libsvm or scikit-learn evaluates it. Runs with and without the Vector API module.
 */
@Tag("kernels")
class KernelMatrixKernelTest {
    private static final Random RANDOM = new Random(7);

    static Stream<MathKernels> implementations() {
        return OperatorHarness.hotLoops();
    }

    private static MemorySegment nativeCopy(double[] values) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(8, values.length * 8L), 64);
        MemorySegment.copy(values, 0, s, Tensor.F64, 0, values.length);
        return s;
    }

    private static Tensor tensor(double[] values, long... shape) {
        return Tensor.numeric(DType.FLOAT64, Shape.of(shape), nativeCopy(values));
    }

    private static double[] random(int n, boolean nonNegative) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = nonNegative ? Math.abs(RANDOM.nextGaussian()) : RANDOM.nextGaussian();
        }
        return v;
    }

    private static double directSum(PairwiseTerm term, double[] x, int row, double[] vt, int j, int features, int vectors) {
        double sum = 0;
        for (int p = 0; p < features; p++) {
            double a = x[row * features + p];
            double b = vt[p * vectors + j];
            switch (term) {
                case PRODUCT -> sum += a * b;
                case SQUARED_DIFFERENCE -> sum += (a - b) * (a - b);
                case ABSOLUTE_DIFFERENCE -> sum += Math.abs(a - b);
                case CHI2 -> {
                    if (a + b != 0) {
                        sum += (a - b) * (a - b) / (a + b);
                    }
                }
            }
        }
        return sum;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void pairwiseSumsAreBitIdenticalToTheScalarLoop(MathKernels math) {
        // Vector counts below, at and around the vector widths (2 to 8 lanes, blocks of 4), with tails.
        for (int[] dims : new int[][] {{1, 1, 1}, {3, 4, 7}, {5, 4, 16}, {2, 30, 37}, {4, 13, 64}, {3, 64, 133}, {2, 1, 200}}) {
            int rows = dims[0], features = dims[1], vectors = dims[2];
            for (PairwiseTerm term : PairwiseTerm.values()) {
                double[] x = random(rows * features, term == PairwiseTerm.CHI2);
                double[] vt = random(features * vectors, term == PairwiseTerm.CHI2);
                if (term == PairwiseTerm.CHI2) {
                    x[0] = 0;
                    vt[0] = 0; // a feature where x + v = 0 is left out
                }
                MemorySegment out = nativeCopy(new double[rows * vectors]);
                math.pairwiseSums(term, nativeCopy(x), nativeCopy(vt), out, rows, features, vectors);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        assertEquals(directSum(term, x, r, vt, j, features, vectors), out.getAtIndex(Tensor.F64, (long) r * vectors + j), 0.0,
                                math.name() + " " + term + " " + Arrays.toString(dims) + " at " + r + "," + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void heapSegmentsGiveTheSameSums(MathKernels math) {
        double[] x = random(2 * 5, false);
        double[] vt = random(5 * 40, false);
        MemorySegment onHeap = MemorySegment.ofArray(new double[2 * 40]);
        MemorySegment offHeap = nativeCopy(new double[2 * 40]);
        math.pairwiseSums(PairwiseTerm.SQUARED_DIFFERENCE, MemorySegment.ofArray(x), MemorySegment.ofArray(vt), onHeap, 2, 5, 40);
        math.pairwiseSums(PairwiseTerm.SQUARED_DIFFERENCE, nativeCopy(x), nativeCopy(vt), offHeap, 2, 5, 40);
        for (int i = 0; i < 80; i++) {
            assertEquals(offHeap.getAtIndex(Tensor.F64, i), onHeap.getAtIndex(Tensor.F64, i), 0.0);
        }
    }

    private static Node node(Map<String, Object> attributes) {
        Map<String, Attribute> typed = new HashMap<>();
        attributes.forEach((k, v) -> typed.put(k, switch (v) {
            case String s -> new Attribute.Str(s);
            case Double d -> new Attribute.Float(d);
            case Integer i -> new Attribute.Int(i);
            default -> throw new IllegalArgumentException(k);
        }));
        return TestModels.node("kernel", "KernelMatrix", List.of("x", "vt"), List.of("k"), typed);
    }

    /** Runs KernelMatrix on rows x [rows × features] against vectors v [vectors × features] (given row-wise). */
    private static double[][] run(MathKernels math, Map<String, Object> attributes, double[][] x, double[][] v) {
        int features = v[0].length;
        double[] vt = new double[features * v.length];
        for (int j = 0; j < v.length; j++) {
            for (int p = 0; p < features; p++) {
                vt[p * v.length + j] = v[j][p];
            }
        }
        Node node = node(attributes);
        Tensor vectors = tensor(vt, features, v.length);
        List<ValueInfo> types = List.of(new ValueInfo("x", DType.FLOAT64, Shape.of(-1, features)),
                new ValueInfo("vt", DType.FLOAT64, Shape.of(features, v.length)));
        List<Tensor> constants = Arrays.asList(null, vectors);
        List<ValueInfo> outTypes = OperatorSet.schema(node).infer(node, types, constants);
        Kernel kernel = new CpuBackend(math).kernel(node, types, outTypes, constants);
        Tensor out = tensor(new double[x.length * v.length], x.length, v.length);
        kernel.compute(new Tensor[] {tensor(Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray(), x.length, features), vectors},
                new Tensor[] {out});
        double[][] k = new double[x.length][v.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < v.length; j++) {
                k[i][j] = out.getDouble((long) i * v.length + j);
            }
        }
        return k;
    }

    private static double sum(double[] a, double[] b, DoubleBinaryOperator term) {
        double s = 0;
        for (int p = 0; p < a.length; p++) {
            s += term.applyAsDouble(a[p], b[p]);
        }
        return s;
    }

    private static double[][] rows(int n, int features, boolean nonNegative) {
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = random(features, nonNegative);
        }
        return rows;
    }

    private interface Formula {
        double k(double[] x, double[] v);
    }

    private static void assertKernel(MathKernels math, Map<String, Object> attributes, boolean nonNegative, Formula formula) {
        double[][] x = rows(6, 5, nonNegative);
        double[][] v = rows(41, 5, nonNegative);
        double[][] k = run(math, attributes, x, v);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < v.length; j++) {
                assertEquals(formula.k(x[i], v[j]), k[i][j], 0.0, math.name() + " " + attributes + " at " + i + "," + j);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void libsvmKernelsFollowKFunction(MathKernels math) {
        double g = 0.37, c0 = 0.8;
        assertKernel(math, Map.of("kernel", "linear", "convention", "libsvm"), false, (x, v) -> sum(x, v, (a, b) -> a * b));
        assertKernel(math, Map.of("kernel", "rbf", "convention", "libsvm", "gamma", g), false,
                (x, v) -> Math.exp(-g * sum(x, v, (a, b) -> (a - b) * (a - b))));
        // powi(base, 3) by squaring: result = 1·base, square = base², result ·= square.
        assertKernel(math, Map.of("kernel", "poly", "convention", "libsvm", "gamma", g, "coef0", c0, "degree", 3.0), false, (x, v) -> {
            double base = g * sum(x, v, (a, b) -> a * b) + c0;
            return 1.0 * base * (base * base);
        });
        assertKernel(math, Map.of("kernel", "sigmoid", "convention", "libsvm", "gamma", g, "coef0", c0), false,
                (x, v) -> Math.tanh(g * sum(x, v, (a, b) -> a * b) + c0));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void pairwiseKernelsFollowScikitLearn(MathKernels math) {
        double g = 0.21, c0 = 1.5;
        assertKernel(math, Map.of("kernel", "rbf", "gamma", g), false, (x, v) -> {
            double d = Math.max(-2 * sum(x, v, (a, b) -> a * b) + sum(x, x, (a, b) -> a * b) + sum(v, v, (a, b) -> a * b), 0);
            return Math.exp(d * -g);
        });
        assertKernel(math, Map.of("kernel", "poly", "gamma", g, "coef0", c0, "degree", 2.5), false,
                (x, v) -> Math.pow(sum(x, v, (a, b) -> a * b) * g + c0, 2.5));
        assertKernel(math, Map.of("kernel", "sigmoid", "gamma", g, "coef0", c0), false,
                (x, v) -> Math.tanh(sum(x, v, (a, b) -> a * b) * g + c0));
        assertKernel(math, Map.of("kernel", "laplacian", "gamma", g), false,
                (x, v) -> Math.exp(-g * sum(x, v, (a, b) -> Math.abs(a - b))));
        DoubleBinaryOperator chi2 = (a, b) -> a + b != 0 ? (a - b) * (a - b) / (a + b) : 0;
        assertKernel(math, Map.of("kernel", "additive_chi2"), true, (x, v) -> -sum(x, v, chi2));
        assertKernel(math, Map.of("kernel", "chi2", "gamma", g), true, (x, v) -> Math.exp(-sum(x, v, chi2) * g));
        assertKernel(math, Map.of("kernel", "cosine"), false, (x, v) -> {
            double nx = Math.sqrt(sum(x, x, (a, b) -> a * b));
            double nv = Math.sqrt(sum(v, v, (a, b) -> a * b));
            return sum(x, v, (a, b) -> a / nx * (b / nv));
        });
    }

    @Test
    void powiRoundsLikeLibsvm() {
        double base = 1.0000001;
        double ret = 1.0, tmp = base;
        for (int t = 7; t > 0; t /= 2) {
            if (t % 2 == 1) {
                ret *= tmp;
            }
            tmp *= tmp;
        }
        assertEquals(ret, KernelMatrixKernel.powi(base, 7), 0.0);
        assertEquals(1.0, KernelMatrixKernel.powi(-3.5, 0), 0.0);
        assertEquals(-42.875, KernelMatrixKernel.powi(-3.5, 3), 0.0);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void cosineOfAZeroRowIsZero(MathKernels math) {
        double[][] k = run(math, Map.of("kernel", "cosine"), new double[][] {{0, 0}, {3, 4}}, new double[][] {{1, 0}, {0, 0}});
        assertEquals(0.0, k[0][0], 0.0);
        assertEquals(0.6, k[1][0], 1e-16);
        assertEquals(0.0, k[1][1], 0.0);
    }

    @Test
    void chi2RefusesNegativeFeatures() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run(MathKernelsProvider.selected(), Map.of("kernel", "chi2", "gamma", 1.0), new double[][] {{1, 2}, {0.5, -0.25}},
                        new double[][] {{1, 1}}));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("feature 1"), e.getMessage());
    }

    @Test
    void schemaRefusesWhatTheKernelsCannotDo() {
        double[][] x = {{1, 2}};
        double[][] v = {{1, 1}};
        MathKernels math = MathKernelsProvider.selected();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("kernel", "laplacian", "convention", "libsvm", "gamma", 1.0),
                Map.of("kernel", "poly", "convention", "libsvm", "gamma", 1.0, "degree", 2.5),
                Map.of("kernel", "rbf"),
                Map.of("kernel", "rbf", "gamma", Double.POSITIVE_INFINITY),
                Map.of("kernel", "gaussian", "gamma", 1.0),
                Map.of("kernel", "rbf", "gamma", 1.0, "convention", "numpy"))) {
            assertThrows(InvalidModelException.class, () -> run(math, bad, x, v), bad.toString());
        }
        Node node = node(Map.of("kernel", "linear"));
        List<ValueInfo> mismatched = List.of(new ValueInfo("x", DType.FLOAT64, Shape.of(-1, 3)), new ValueInfo("vt", DType.FLOAT64, Shape.of(2, 4)));
        Tensor vectors = tensor(new double[8], 2, 4);
        assertThrows(InvalidModelException.class, () -> OperatorSet.schema(node).infer(node, mismatched, Arrays.asList(null, vectors)));
        List<ValueInfo> matched = List.of(new ValueInfo("x", DType.FLOAT64, Shape.of(-1, 2)), new ValueInfo("vt", DType.FLOAT64, Shape.of(2, 4)));
        assertThrows(InvalidModelException.class, () -> OperatorSet.schema(node).infer(node, matched, Arrays.asList(null, null)),
                "the vectors must be a constant");
        List<ValueInfo> float32 = List.of(new ValueInfo("x", DType.FLOAT32, Shape.of(-1, 2)), new ValueInfo("vt", DType.FLOAT64, Shape.of(2, 4)));
        assertThrows(InvalidModelException.class, () -> OperatorSet.schema(node).infer(node, float32, Arrays.asList(null, vectors)));
        assertEquals(Shape.of(-1, 4), OperatorSet.schema(node).infer(node, matched, Arrays.asList(null, vectors)).getFirst().shape());
    }
}
