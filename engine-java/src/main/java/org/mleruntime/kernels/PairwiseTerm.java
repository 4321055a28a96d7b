package org.mleruntime.kernels;

/**
 * What {@link MathKernels#pairwiseSums} adds up, feature by feature, for a row x and a vector v.
 * {@link #add} is the scalar definition every implementation must reproduce bit for bit.
 */
public enum PairwiseTerm {
    /** x·v: dot products (linear, polynomial, sigmoid, cosine kernels; the cross term of distances). */
    PRODUCT,
    /** (x − v)²: squared Euclidean distances, as libsvm sums them. */
    SQUARED_DIFFERENCE,
    /** |x − v|: Manhattan distances (the Laplacian kernel). */
    ABSOLUTE_DIFFERENCE,
    /** (x − v)² / (x + v), leaving out features where x + v = 0: scikit-learn's additive chi² sum. */
    CHI2;

    /** {@code sum} plus this term of (x, v); for CHI2 with x + v = 0 (or a NaN sum that is not 0), as the C loop does. */
    public double add(double sum, double x, double v) {
        return switch (this) {
            case PRODUCT -> sum + x * v;
            case SQUARED_DIFFERENCE -> {
                double d = x - v;
                yield sum + d * d;
            }
            case ABSOLUTE_DIFFERENCE -> sum + Math.abs(x - v);
            case CHI2 -> {
                double d = x - v;
                double s = x + v;
                yield s != 0 ? sum + d * d / s : sum;
            }
        };
    }
}
