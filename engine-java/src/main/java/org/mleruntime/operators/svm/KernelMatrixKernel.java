package org.mleruntime.operators.svm;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.PairwiseTerm;
import org.mleruntime.operators.svm.KernelMatrixSchema.Function;

/**
 * K[i, j] = k(xᵢ, vⱼ) for the KernelMatrix operator. The sums over features (dot products, squared
 * or absolute differences, chi² terms) go through {@link MathKernels#pairwiseSums}, the hot loop,
 * with its plain or Vector API path; each kernel's remaining arithmetic follows, element by
 * element, in the order its framework evaluates it: libsvm's {@code k_function} for the SVMs,
 * scikit-learn's {@code sklearn.metrics.pairwise} functions otherwise.
 */
public final class KernelMatrixKernel implements Kernel {
    /** scikit-learn's {@code _handle_zeros_in_scale}: norms below this count as zero and divide by 1. */
    private static final double TINY_NORM = 10 * Math.ulp(1.0);

    private final Function function;
    private final boolean libsvm;
    private final double gamma;
    private final double coef0;
    private final double degree;
    private final int features;
    private final int count;
    private final MemorySegment vectors;
    /** |vⱼ|² for scikit-learn's rbf kernel, which expands |x − v|² as −2x·v + |x|² + |v|². */
    private final double[] squaredNorms;
    private final MathKernels math;

    /** The kernel for a KernelMatrix node whose vectors are {@code constants.get(1)}. */
    public static Kernel create(Node node, List<Tensor> constants, MathKernels math) {
        return new KernelMatrixKernel(node, constants.get(1), math);
    }

    private KernelMatrixKernel(Node node, Tensor vectors, MathKernels math) {
        this.function = Function.of(node);
        this.libsvm = KernelMatrixSchema.libsvm(node);
        this.gamma = node.floatAttr("gamma", Double.NaN);
        this.coef0 = node.floatAttr("coef0", 0);
        this.degree = node.floatAttr("degree", 3);
        this.features = Math.toIntExact(vectors.shape().dim(0));
        this.count = Math.toIntExact(vectors.shape().dim(1));
        this.math = math;
        this.squaredNorms = function == Function.RBF && !libsvm ? columnSquaredNorms(vectors.data()) : null;
        // scikit-learn's cosine_similarity normalises both sides before the dot product; the
        // vectors' side is done once here, into memory that lives as long as this kernel.
        this.vectors = function == Function.COSINE ? normalizedColumns(vectors.data()) : vectors.data();
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        MemorySegment x = inputs[0].data();
        MemorySegment k = outputs[0].data();
        long rows = inputs[0].shape().dim(0);
        switch (function) {
            case LINEAR, POLY, SIGMOID -> math.pairwiseSums(PairwiseTerm.PRODUCT, x, vectors, k, rows, features, count);
            case RBF -> math.pairwiseSums(libsvm ? PairwiseTerm.SQUARED_DIFFERENCE : PairwiseTerm.PRODUCT, x, vectors, k, rows, features, count);
            case LAPLACIAN -> math.pairwiseSums(PairwiseTerm.ABSOLUTE_DIFFERENCE, x, vectors, k, rows, features, count);
            case CHI2, ADDITIVE_CHI2 -> {
                requireNonNegative(x, rows);
                math.pairwiseSums(PairwiseTerm.CHI2, x, vectors, k, rows, features, count);
            }
            case COSINE -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment normalized = arena.allocate(Math.max(1, rows * features * Double.BYTES), 64);
                    normalizeRows(x, normalized, rows);
                    math.pairwiseSums(PairwiseTerm.PRODUCT, normalized, vectors, k, rows, features, count);
                }
            }
        }
        finish(x, k, rows);
    }

    /** Turns the sums into kernel values in place. */
    private void finish(MemorySegment x, MemorySegment k, long rows) {
        switch (function) {
            case LINEAR, COSINE -> { }
            case POLY -> {
                for (long i = 0; i < rows * count; i++) {
                    double dot = k.getAtIndex(F64, i);
                    k.setAtIndex(F64, i, libsvm ? powi(gamma * dot + coef0, (int) degree) : Math.pow(dot * gamma + coef0, degree));
                }
            }
            case SIGMOID -> {
                for (long i = 0; i < rows * count; i++) {
                    k.setAtIndex(F64, i, Math.tanh(gamma * k.getAtIndex(F64, i) + coef0));
                }
            }
            case RBF -> {
                if (libsvm) {
                    for (long i = 0; i < rows * count; i++) {
                        k.setAtIndex(F64, i, Math.exp(-gamma * k.getAtIndex(F64, i)));
                    }
                } else {
                    for (long r = 0; r < rows; r++) {
                        double rowNorm = rowSquaredNorm(x, r);
                        for (int j = 0; j < count; j++) {
                            long i = r * count + j;
                            double distance = Math.max(-2 * k.getAtIndex(F64, i) + rowNorm + squaredNorms[j], 0);
                            k.setAtIndex(F64, i, Math.exp(distance * -gamma));
                        }
                    }
                }
            }
            case LAPLACIAN -> {
                for (long i = 0; i < rows * count; i++) {
                    k.setAtIndex(F64, i, Math.exp(-gamma * k.getAtIndex(F64, i)));
                }
            }
            case CHI2 -> {
                for (long i = 0; i < rows * count; i++) {
                    k.setAtIndex(F64, i, Math.exp(-k.getAtIndex(F64, i) * gamma));
                }
            }
            case ADDITIVE_CHI2 -> {
                for (long i = 0; i < rows * count; i++) {
                    k.setAtIndex(F64, i, -k.getAtIndex(F64, i));
                }
            }
        }
    }

    /** libsvm's integer power by repeated squaring, which rounds differently from {@code pow}. */
    static double powi(double base, int times) {
        double square = base;
        double result = 1.0;
        for (int t = times; t > 0; t /= 2) {
            if (t % 2 == 1) {
                result *= square;
            }
            square = square * square;
        }
        return result;
    }

    private double rowSquaredNorm(MemorySegment x, long r) {
        double sum = 0;
        for (int p = 0; p < features; p++) {
            double v = x.getAtIndex(F64, r * features + p);
            sum += v * v;
        }
        return sum;
    }

    private void requireNonNegative(MemorySegment x, long rows) {
        for (long i = 0; i < rows * features; i++) {
            double v = x.getAtIndex(F64, i);
            if (v < 0) {
                throw new InvalidInputException("the " + function.attributeName() + " kernel needs non-negative features; row "
                        + i / features + " has " + v + " in feature " + i % features);
            }
        }
    }

    /** x / ‖x‖ per row, as scikit-learn's {@code normalize}, a near-zero norm dividing by 1. */
    private void normalizeRows(MemorySegment x, MemorySegment normalized, long rows) {
        for (long r = 0; r < rows; r++) {
            double norm = scale(Math.sqrt(rowSquaredNorm(x, r)));
            for (int p = 0; p < features; p++) {
                long i = r * features + p;
                normalized.setAtIndex(F64, i, x.getAtIndex(F64, i) / norm);
            }
        }
    }

    private double[] columnSquaredNorms(MemorySegment vt) {
        double[] norms = new double[count];
        for (int p = 0; p < features; p++) {
            for (int j = 0; j < count; j++) {
                double v = vt.getAtIndex(F64, (long) p * count + j);
                norms[j] += v * v;
            }
        }
        return norms;
    }

    private MemorySegment normalizedColumns(MemorySegment vt) {
        double[] norms = columnSquaredNorms(vt);
        MemorySegment normalized = Arena.ofAuto().allocate(Math.max(1, (long) features * count * Double.BYTES), 64);
        for (int p = 0; p < features; p++) {
            for (int j = 0; j < count; j++) {
                long i = (long) p * count + j;
                normalized.setAtIndex(F64, i, vt.getAtIndex(F64, i) / scale(Math.sqrt(norms[j])));
            }
        }
        return normalized;
    }

    private static double scale(double norm) {
        return norm < TINY_NORM ? 1.0 : norm;
    }
}
