package org.mleruntime.operators.svm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mleruntime.InvalidModelException;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.ops.OperatorSet;

/** The SVM heads against hand-worked values and against libsvm's and scikit-learn's definitions. */
@Tag("kernels")
class SvmKernelsTest {
    /** Runs one SVM operator on a first input of {@code rows} rows; the other inputs are constants. */
    private static Tensor run(String op, Map<String, Attribute> attributes, Tensor first, Tensor... constants) {
        Node node = TestModels.node("svm", op, List.of(), List.of("y"), attributes);
        List<ValueInfo> types = new java.util.ArrayList<>();
        types.add(new ValueInfo("in0", first.dtype(), Shape.of(-1, first.shape().dim(1))));
        List<Tensor> constantList = new java.util.ArrayList<>(Arrays.asList((Tensor) null));
        for (int i = 0; i < constants.length; i++) {
            types.add(new ValueInfo("in" + (i + 1), constants[i].dtype(), constants[i].shape()));
            constantList.add(constants[i]);
        }
        ValueInfo outType = OperatorSet.schema(node).infer(node, types, constantList).getFirst();
        long[] dims = outType.shape().dims();
        dims[0] = first.shape().dim(0);
        Tensor out = Tensors.zeros(outType.dtype(), new Shape(dims));
        Tensor[] inputs = constantList.toArray(Tensor[]::new);
        inputs[0] = first;
        new CpuBackend(MathKernelsProvider.selected()).kernel(node, types, List.of(outType), constantList).compute(inputs, new Tensor[] {out});
        return out;
    }

    private static Tensor matrix(int cols, double... values) {
        return Tensors.of(DType.FLOAT64, Shape.of(values.length / cols, cols), values);
    }

    private static Tensor vector(double... values) {
        return Tensors.of(DType.FLOAT64, Shape.of(values.length), values);
    }

    @Test
    void decisionPairsClassesAsLibsvm() {
        // Three classes with 2, 1 and 2 support vectors (columns 0–1, 2, 3–4 of K).
        Tensor k = matrix(5, 1, 2, 3, 4, 5);
        Tensor coefficients = matrix(5,
                0.5, -1.0, 2.0, 0.25, 3.0,
                -2.0, 1.5, -0.5, 4.0, -1.0);
        Tensor intercepts = vector(0.1, 0.2, 0.3);
        Tensor d = run("SvmDecision", Map.of("n_support", new Attribute.Ints(new long[] {2, 1, 2})), k, coefficients, intercepts);
        // Pair (i, j): coef[j − 1] over class i's columns, then coef[i] over class j's, then the intercept.
        double d01 = ((0.5 * 1 + -1.0 * 2) + 2.0 * 3) + 0.1;
        double d02 = (((-2.0 * 1 + 1.5 * 2) + 0.25 * 4) + 3.0 * 5) + 0.2;
        double d12 = ((-0.5 * 3 + 4.0 * 4) + -1.0 * 5) + 0.3;
        assertArrayEquals(new double[] {d01, d02, d12}, Tensors.toDoubles(d), 0.0);
    }

    @Test
    void decisionWithoutClassesIsOneWeightedSum() {
        Tensor d = run("SvmDecision", Map.of(), matrix(3, 1, 2, 3, -1, 0, 1), matrix(3, 0.5, 0.25, -1), vector(0.75));
        assertArrayEquals(new double[] {((0.5 + 0.5) + -3) + 0.75, ((-0.5 + 0) + -1) + 0.75}, Tensors.toDoubles(d), 0.0);
    }

    @Test
    void voteBreaksTiesTowardTheFirstClassAndZeroVotesForTheSecond() {
        Tensor d = matrix(3,
                1, 1, 1,        // 0 beats 1 and 2 → 0
                -1, -1, 1,      // 1 and 2 beat 0, 1 beats 2 → 1
                1, -1, 1,       // 0 > 1, 2 > 0, 1 > 2: one vote each → first class, 0
                -1, 1, -1,      // 1 > 0, 0 > 2, 2 > 1: one vote each → 0
                0, 0, 0);       // zero votes for the second class of each pair: 1, 2, 2 → 2
        assertArrayEquals(new double[] {0, 1, 0, 0, 2}, Tensors.toDoubles(run("SvmVote", Map.of(), d)), 0.0);
        assertArrayEquals(new double[] {0, 1, 1}, Tensors.toDoubles(run("SvmVote", Map.of(), matrix(1, 2, -2, 0))), 0.0);
    }

    @Test
    void ovrIsScikitLearnsTransformOfVotesAndConfidences() {
        double[] values = {0.7, -1.2, 0.0, 2.5, -0.3, 1.1};
        Tensor ovr = run("SvmOvr", Map.of(), matrix(6, values));
        double[] votes = new double[4];
        double[] sums = new double[4];
        int k = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++, k++) {
                sums[i] -= -values[k];
                sums[j] += -values[k];
                votes[values[k] < 0 ? j : i] += 1;
            }
        }
        double[] expected = new double[4];
        for (int c = 0; c < 4; c++) {
            expected[c] = votes[c] + sums[c] / (3 * (Math.abs(sums[c]) + 1));
        }
        assertArrayEquals(expected, Tensors.toDoubles(ovr), 0.0);
        // The zero at pair (0, 3) votes for class 0, unlike libsvm's vote.
        assertEquals(2, Math.round(Tensors.toDoubles(ovr)[0]));
    }

    @Test
    void probabilityCouplesPairsAsLibsvm() {
        // Expected values from an independent transcription of libsvm's svm_predict_probability.
        assertArrayEquals(new double[] {0.6167110686785273, 0.3832889313214726},
                Tensors.toDoubles(run("SvmProbability", Map.of(), matrix(1, 0.4), vector(-1.7), vector(0.2))), 1e-15,
                "two classes go through the iterative solver too, not straight through the sigmoid (0.6177…)");
        assertArrayEquals(new double[] {0.1902032569803801, 0.3085106476502807, 0.5012860953693393},
                Tensors.toDoubles(run("SvmProbability", Map.of(), matrix(3, 0.7, -1.2, 0.3), vector(-1.5, -2.0, -0.8), vector(0.1, -0.2, 0.05))),
                1e-15);
        assertArrayEquals(new double[] {0.5253601236908991, 0.05610417020981888, 0.13587991849655257, 0.2826557876027297},
                Tensors.toDoubles(run("SvmProbability", Map.of(), matrix(6, 30.0, 2.5, -0.25, 1.0, -3.0, 0.5),
                        vector(-2.0, -1.1, -1.3, -0.9, -1.6, -2.2), vector(0.0, 0.3, -0.1, 0.2, 0.05, -0.3))), 1e-15,
                "a pair probability beyond 1 − 1e-7 is clipped");
    }

    @Test
    void sigmoidAvoidsCancellationOnBothSides() {
        assertEquals(Math.exp(-3.0) / (1.0 + Math.exp(-3.0)), SvmKernels.sigmoid(1.5, 2, 0), 0.0);
        assertEquals(1.0 / (1 + Math.exp(-3.0)), SvmKernels.sigmoid(-1.5, 2, 0), 0.0);
    }

    @Test
    void schemasCheckTheShapes() {
        Node decision = TestModels.node("d", "SvmDecision", List.of(), List.of("y"), Map.of("n_support", new Attribute.Ints(new long[] {2, 2})));
        List<ValueInfo> types = List.of(new ValueInfo("k", DType.FLOAT64, Shape.of(-1, 5)), new ValueInfo("c", DType.FLOAT64, Shape.of(1, 5)),
                new ValueInfo("b", DType.FLOAT64, Shape.of(1)));
        List<Tensor> constants = Arrays.asList(null, matrix(5, 1, 1, 1, 1, 1), vector(0));
        assertThrows(InvalidModelException.class, () -> OperatorSet.schema(decision).infer(decision, types, constants),
                "n_support counts 4 vectors for 5 kernel columns");
        Node vote = TestModels.node("v", "SvmVote", List.of(), List.of("y"), Map.of());
        assertThrows(InvalidModelException.class,
                () -> OperatorSet.schema(vote).infer(vote, List.of(new ValueInfo("d", DType.FLOAT64, Shape.of(-1, 4))), Arrays.asList((Tensor) null)),
                "4 columns are no number of pairs");
        assertEquals(5, org.mleruntime.operators.svm.SvmSchema.classesForPairs(10));
        assertEquals(-1, org.mleruntime.operators.svm.SvmSchema.classesForPairs(0));
    }
}
