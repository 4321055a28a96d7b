package org.mleruntime.operators.svm;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Kernels of the SVM heads, each reproducing libsvm's {@code svm_predict_values},
 * {@code svm_predict_probability} or scikit-learn's {@code _ovr_decision_function} operation for
 * operation, in the same order, so that the same kernel values give the same bits.
 */
public final class SvmKernels {
    private SvmKernels() {}

    public static Kernel create(Node node, List<Tensor> constants) {
        return switch (node.opType()) {
            case "SvmDecision" -> decision(node, constants.get(1).data(), constants.get(2).data());
            case "SvmVote" -> SvmKernels::vote;
            case "SvmOvr" -> SvmKernels::ovr;
            case "SvmProbability" -> probability(constants.get(1).data(), constants.get(2).data());
            default -> throw new IllegalArgumentException("not an SVM operator: " + node.opType());
        };
    }

    /**
     * libsvm's decision values: for classes i &lt; j, Σ over class i's vectors of coef[j − 1]·K plus
     * Σ over class j's vectors of coef[i]·K, in vector order, then the intercept (libsvm subtracts
     * rho = −intercept, which is the same operation); one column of Σ coef[0]·K + intercept without classes.
     */
    private static Kernel decision(Node node, MemorySegment coefficients, MemorySegment intercepts) {
        long[] support = node.attributes().containsKey("n_support") ? node.intsAttr("n_support") : null;
        int classes = support == null ? 0 : support.length;
        int[] start = new int[classes + 1];
        for (int c = 0; c < classes; c++) {
            start[c + 1] = start[c] + Math.toIntExact(support[c]);
        }
        return (in, out) -> {
            Tensor k = in[0];
            Tensor y = out[0];
            long rows = k.shape().dim(0);
            int vectors = Math.toIntExact(k.shape().dim(1));
            int columns = Math.toIntExact(y.shape().dim(1));
            MemorySegment kv = k.data();
            MemorySegment yv = y.data();
            for (long r = 0; r < rows; r++) {
                long row = r * vectors;
                if (support == null) {
                    double sum = weightedSum(kv, row, coefficients, 0, 0, vectors);
                    yv.setAtIndex(F64, r, sum + intercepts.getAtIndex(F64, 0));
                    continue;
                }
                int p = 0;
                for (int i = 0; i < classes; i++) {
                    for (int j = i + 1; j < classes; j++, p++) {
                        double sum = weightedSum(kv, row, coefficients, (long) (j - 1) * vectors, start[i], start[i + 1]);
                        sum = weightedSumFrom(sum, kv, row, coefficients, (long) i * vectors, start[j], start[j + 1]);
                        yv.setAtIndex(F64, r * columns + p, sum + intercepts.getAtIndex(F64, p));
                    }
                }
            }
        };
    }

    private static double weightedSum(MemorySegment k, long row, MemorySegment coefficients, long coefficientRow, int from, int to) {
        return weightedSumFrom(0, k, row, coefficients, coefficientRow, from, to);
    }

    private static double weightedSumFrom(double sum, MemorySegment k, long row, MemorySegment coefficients, long coefficientRow, int from, int to) {
        for (int t = from; t < to; t++) {
            sum += coefficients.getAtIndex(F64, coefficientRow + t) * k.getAtIndex(F64, row + t);
        }
        return sum;
    }

    /** libsvm's prediction: pair (i, j) votes for i when its value is &gt; 0, else for j; the first class with most votes wins. */
    private static void vote(Tensor[] in, Tensor[] out) {
        Tensor d = in[0];
        long rows = d.shape().dim(0);
        int pairs = Math.toIntExact(d.shape().dim(1));
        int classes = SvmSchema.classesForPairs(pairs);
        int[] votes = new int[classes];
        for (long r = 0; r < rows; r++) {
            java.util.Arrays.fill(votes, 0);
            int p = 0;
            for (int i = 0; i < classes; i++) {
                for (int j = i + 1; j < classes; j++, p++) {
                    votes[d.data().getAtIndex(F64, r * pairs + p) > 0 ? i : j]++;
                }
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (votes[c] > votes[best]) {
                    best = c;
                }
            }
            out[0].setLong(r, best);
        }
    }

    /**
     * scikit-learn's {@code _ovr_decision_function(dec < 0, -dec, C)}: pair (i, j) votes for j when
     * its value is &lt; 0, else for i (a zero votes differently from libsvm's), and its confidence −dec
     * is subtracted from i's sum and added to j's; the result is votes + sum / (3 (|sum| + 1)).
     */
    private static void ovr(Tensor[] in, Tensor[] out) {
        Tensor d = in[0];
        long rows = d.shape().dim(0);
        int pairs = Math.toIntExact(d.shape().dim(1));
        int classes = SvmSchema.classesForPairs(pairs);
        double[] votes = new double[classes];
        double[] confidence = new double[classes];
        for (long r = 0; r < rows; r++) {
            java.util.Arrays.fill(votes, 0);
            java.util.Arrays.fill(confidence, 0);
            int p = 0;
            for (int i = 0; i < classes; i++) {
                for (int j = i + 1; j < classes; j++, p++) {
                    double value = d.data().getAtIndex(F64, r * pairs + p);
                    double c = -value;
                    confidence[i] -= c;
                    confidence[j] += c;
                    votes[value < 0 ? j : i] += 1;
                }
            }
            for (int c = 0; c < classes; c++) {
                double transformed = confidence[c] / (3 * (Math.abs(confidence[c]) + 1));
                out[0].data().setAtIndex(F64, r * classes + c, votes[c] + transformed);
            }
        }
    }

    /**
     * libsvm's {@code svm_predict_probability}: each pair's probability from Platt's sigmoid with
     * (probA, probB), clipped to [1e−7, 1 − 1e−7], coupled into class probabilities by
     * {@link #coupledProbabilities} (for two classes too, as scikit-learn's libsvm does).
     */
    private static Kernel probability(MemorySegment probA, MemorySegment probB) {
        return (in, out) -> {
            Tensor d = in[0];
            long rows = d.shape().dim(0);
            int pairs = Math.toIntExact(d.shape().dim(1));
            int classes = SvmSchema.classesForPairs(pairs);
            double[][] pairwise = new double[classes][classes];
            Coupling coupling = new Coupling(classes);
            for (long r = 0; r < rows; r++) {
                int p = 0;
                for (int i = 0; i < classes; i++) {
                    for (int j = i + 1; j < classes; j++, p++) {
                        double sigmoid = sigmoid(d.data().getAtIndex(F64, r * pairs + p), probA.getAtIndex(F64, p), probB.getAtIndex(F64, p));
                        pairwise[i][j] = cMin(cMax(sigmoid, MIN_PROBABILITY), 1 - MIN_PROBABILITY);
                        pairwise[j][i] = 1 - pairwise[i][j];
                    }
                }
                double[] probabilities = coupling.solve(pairwise);
                MemorySegment.copy(probabilities, 0, out[0].data(), F64, r * classes * Double.BYTES, classes);
            }
        };
    }

    private static final double MIN_PROBABILITY = 1e-7;

    /** libsvm's {@code sigmoid_predict}: 1 / (1 + exp(f)) for f = dec·A + B, written to avoid cancellation. */
    static double sigmoid(double decision, double a, double b) {
        double f = decision * a + b;
        return f >= 0 ? Math.exp(-f) / (1.0 + Math.exp(-f)) : 1.0 / (1 + Math.exp(f));
    }

    /** C++'s {@code (x > y) ? x : y} as libsvm's max: a NaN first argument yields y, unlike {@link Math#max}. */
    private static double cMax(double x, double y) {
        return x > y ? x : y;
    }

    private static double cMin(double x, double y) {
        return x < y ? x : y;
    }

    /**
     * libsvm's {@code multiclass_probability}: method 2 of Wu, Lin and Weng (2004), solving
     * min ½pᵀQp subject to Σp = 1 by coordinate updates from the uniform start, at most max(100, C)
     * sweeps, stopping when every |(Qp)ₜ − pᵀQp| is below 0.005 / C. Holds its work arrays, so one
     * instance serves the rows of one call.
     */
    static final class Coupling {
        private final int k;
        private final double[][] q;
        private final double[] qp;
        private final double[] p;

        Coupling(int classes) {
            this.k = classes;
            this.q = new double[classes][classes];
            this.qp = new double[classes];
            this.p = new double[classes];
        }

        double[] solve(double[][] r) {
            int maxIterations = Math.max(100, k);
            double eps = 0.005 / k;
            for (int t = 0; t < k; t++) {
                p[t] = 1.0 / k;
                q[t][t] = 0;
                for (int j = 0; j < t; j++) {
                    q[t][t] += r[j][t] * r[j][t];
                    q[t][j] = q[j][t];
                }
                for (int j = t + 1; j < k; j++) {
                    q[t][t] += r[j][t] * r[j][t];
                    q[t][j] = -r[j][t] * r[t][j];
                }
            }
            for (int iteration = 0; iteration < maxIterations; iteration++) {
                // Qp and pᵀQp are recomputed from scratch each sweep, for accuracy, before the stopping test.
                double pqp = 0;
                for (int t = 0; t < k; t++) {
                    qp[t] = 0;
                    for (int j = 0; j < k; j++) {
                        qp[t] += q[t][j] * p[j];
                    }
                    pqp += p[t] * qp[t];
                }
                double maxError = 0;
                for (int t = 0; t < k; t++) {
                    double error = Math.abs(qp[t] - pqp);
                    if (error > maxError) {
                        maxError = error;
                    }
                }
                if (maxError < eps) {
                    break;
                }
                for (int t = 0; t < k; t++) {
                    double diff = (-qp[t] + pqp) / q[t][t];
                    p[t] += diff;
                    pqp = (pqp + diff * (diff * q[t][t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
                    for (int j = 0; j < k; j++) {
                        qp[j] = (qp[j] + diff * q[t][j]) / (1 + diff);
                        p[j] /= (1 + diff);
                    }
                }
            }
            return p;
        }
    }
}
