package org.mleruntime.operators.svm;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;

import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * The SVM heads, after a KernelMatrix: {@code SvmDecision} (libsvm's decision values, one-vs-one for
 * classifiers), {@code SvmVote} (libsvm's predicted class), {@code SvmOvr} (scikit-learn's
 * one-vs-rest shape of the one-vs-one values) and {@code SvmProbability} (libsvm's pairwise coupling).
 * docs/OPERATORS.md defines each.
 */
public final class SvmSchema {
    public static final List<String> OPERATORS = List.of("SvmDecision", "SvmVote", "SvmOvr", "SvmProbability");

    private SvmSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        return switch (n.opType()) {
            case "SvmDecision" -> decision(n, in, constants);
            case "SvmVote" -> List.of(out(n, DType.INT64, Shape.of(pairs(n, in, 1).dim(0))));
            case "SvmOvr" -> List.of(out(n, DType.FLOAT64, Shape.of(pairs(n, in, 1).dim(0), classes(n, in.getFirst()))));
            case "SvmProbability" -> probability(n, in, constants);
            default -> throw error(n, "not an SVM operator");
        };
    }

    /** The number of classes C whose C(C − 1)/2 pairs give this many decision columns. */
    public static int classesForPairs(long pairs) {
        long c = Math.round((1 + Math.sqrt(1 + 8.0 * pairs)) / 2);
        return pairs >= 1 && c * (c - 1) / 2 == pairs ? Math.toIntExact(c) : -1;
    }

    private static List<ValueInfo> decision(Node n, List<ValueInfo> in, List<Tensor> constants) {
        arity(n, in, 3, 3);
        ValueInfo k = in.get(0);
        float64(n, in);
        rank(n, k, 2);
        constant(n, in, constants, 1, 2);
        rank(n, in.get(1), 2);
        rank(n, in.get(2), 1);
        long vectors = k.shape().dim(1);
        long coefficientRows = in.get(1).shape().dim(0);
        if (in.get(1).shape().dim(1) != vectors) {
            throw error(n, "coefficients have " + in.get(1).shape().dim(1) + " columns for " + vectors + " kernel columns");
        }
        long outputs;
        if (n.attributes().containsKey("n_support")) {
            long[] support = n.intsAttr("n_support");
            int classes = support.length;
            long total = 0;
            for (long s : support) {
                if (s < 0) {
                    throw error(n, "n_support holds a negative count");
                }
                total += s;
            }
            if (classes < 2 || total != vectors || coefficientRows != classes - 1) {
                throw error(n, "n_support " + java.util.Arrays.toString(support) + " needs at least 2 classes, counts summing to the "
                        + vectors + " kernel columns and " + (classes - 1) + " coefficient rows (found " + coefficientRows + ")");
            }
            outputs = (long) classes * (classes - 1) / 2;
        } else {
            if (coefficientRows != 1) {
                throw error(n, "without n_support (regression, one-class) the coefficients have one row, found " + coefficientRows);
            }
            outputs = 1;
        }
        if (in.get(2).shape().dim(0) != outputs) {
            throw error(n, "intercepts need " + outputs + " entries, found " + in.get(2).shape().dim(0));
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(k.shape().dim(0), outputs)));
    }

    private static List<ValueInfo> probability(Node n, List<ValueInfo> in, List<Tensor> constants) {
        Shape decisions = pairs(n, in, 3);
        constant(n, in, constants, 1, 2);
        for (int i = 1; i < 3; i++) {
            rank(n, in.get(i), 1);
            if (in.get(i).shape().dim(0) != decisions.dim(1)) {
                throw error(n, "'" + in.get(i).name() + "' needs one entry per decision column (" + decisions.dim(1) + ")");
            }
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(decisions.dim(0), classes(n, in.getFirst()))));
    }

    /** Checks the one-vs-one decision values (the first input) and returns their shape. */
    private static Shape pairs(Node n, List<ValueInfo> in, int arity) {
        arity(n, in, arity, arity);
        float64(n, in);
        rank(n, in.getFirst(), 2);
        classes(n, in.getFirst());
        return in.getFirst().shape();
    }

    private static int classes(Node n, ValueInfo decisions) {
        int classes = classesForPairs(decisions.shape().dim(1));
        if (classes < 0) {
            throw error(n, "decision values need C(C − 1)/2 columns for C ≥ 2 classes, found " + decisions.shape().dim(1));
        }
        return classes;
    }

    private static void float64(Node n, List<ValueInfo> in) {
        for (ValueInfo v : in) {
            if (v.dtype() != DType.FLOAT64) {
                throw error(n, "input '" + v.name() + "' must be float64, found " + v.dtype().label());
            }
        }
    }

    private static void constant(Node n, List<ValueInfo> in, List<Tensor> constants, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (constants.get(i) == null) {
                throw error(n, "input " + i + " ('" + in.get(i).name() + "') must be a constant");
            }
        }
    }
}
