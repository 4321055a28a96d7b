package org.mleruntime.operators.svm;

import static org.mleruntime.ops.ShapeRules.arity;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.out;
import static org.mleruntime.ops.ShapeRules.rank;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * The KernelMatrix operator: k(xᵢ, vⱼ) for every row xᵢ of X and every column vⱼ of a constant
 * matrix of vectors (support vectors, training rows), for the kernels of scikit-learn's SVMs
 * (libsvm's arithmetic) and of its pairwise kernels (KernelRidge, KernelPCA).
 * docs/OPERATORS.md gives each kernel's formula in the order its framework evaluates it.
 */
public final class KernelMatrixSchema {
    /** The kernel functions, by their attribute names. */
    public enum Function {
        LINEAR(false, true),
        POLY(true, true),
        RBF(true, true),
        SIGMOID(true, true),
        LAPLACIAN(true, false),
        CHI2(true, false),
        ADDITIVE_CHI2(false, false),
        COSINE(false, false);

        private final boolean usesGamma;
        private final boolean inLibsvm;

        Function(boolean usesGamma, boolean inLibsvm) {
            this.usesGamma = usesGamma;
            this.inLibsvm = inLibsvm;
        }

        public String attributeName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Function of(Node n) {
            String name = n.stringAttr("kernel", "");
            for (Function f : values()) {
                if (f.attributeName().equals(name)) {
                    return f;
                }
            }
            throw error(n, "attribute kernel must be one of " + Arrays.stream(values()).map(Function::attributeName)
                    .collect(Collectors.joining(", ")) + ", found '" + name + "'");
        }
    }

    /** libsvm's arithmetic (SVC, SVR, OneClassSVM) or that of scikit-learn's pairwise kernels. */
    public static boolean libsvm(Node n) {
        String convention = n.stringAttr("convention", "pairwise");
        if (!convention.equals("libsvm") && !convention.equals("pairwise")) {
            throw error(n, "attribute convention must be 'libsvm' or 'pairwise', found '" + convention + "'");
        }
        return convention.equals("libsvm");
    }

    private KernelMatrixSchema() {}

    static List<ValueInfo> infer(Node n, List<ValueInfo> in, List<Tensor> constants) {
        arity(n, in, 2, 2);
        ValueInfo x = in.get(0);
        ValueInfo vectors = in.get(1);
        for (ValueInfo v : in) {
            if (v.dtype() != DType.FLOAT64) {
                throw error(n, "input '" + v.name() + "' must be float64, found " + v.dtype().label());
            }
        }
        rank(n, x, 2);
        rank(n, vectors, 2);
        if (constants.get(1) == null) {
            throw error(n, "the vectors ('" + vectors.name() + "') must be a constant");
        }
        if (vectors.shape().dim(0) != x.shape().dim(1)) {
            throw error(n, "X has " + x.shape().dim(1) + " features but the vectors (one per column) have " + vectors.shape().dim(0));
        }
        Function function = Function.of(n);
        boolean libsvm = libsvm(n);
        if (libsvm && !function.inLibsvm) {
            throw error(n, "libsvm has no " + function.attributeName() + " kernel; use convention 'pairwise'");
        }
        if (function.usesGamma) {
            finite(n, "gamma", n.floatAttr("gamma", Double.NaN));
        }
        finite(n, "coef0", n.floatAttr("coef0", 0));
        double degree = finite(n, "degree", n.floatAttr("degree", 3));
        if (function == Function.POLY && libsvm && (degree < 0 || degree > Integer.MAX_VALUE || degree != Math.rint(degree))) {
            throw error(n, "libsvm's polynomial kernel needs a whole, non-negative degree, found " + degree);
        }
        return List.of(out(n, DType.FLOAT64, Shape.of(x.shape().dim(0), vectors.shape().dim(1))));
    }

    private static double finite(Node n, String attribute, double value) {
        if (!Double.isFinite(value)) {
            throw error(n, "attribute " + attribute + " must be a finite number" + (Double.isNaN(value) ? " and is required for this kernel" : ""));
        }
        return value;
    }
}
