package org.mleruntime.kernels;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * A distance between two rows, computed as scikit-learn's {@code DistanceMetric} computes it: the
 * reduced distance (squared for the Euclidean family, the p-th power for Minkowski) accumulated
 * feature by feature in index order, and the conversions between reduced and true distance. Equal
 * arithmetic gives equal bits, which is what lets the neighbour kernels break ties as scikit-learn
 * does. {@code weights} is Minkowski's {@code w} or the standardised Euclidean {@code V}.
 *
 * <p>{@code expanded} (Euclidean family only) is the form scikit-learn's brute-force reductions use
 * instead: max(0, (‖x‖² + (−2·x·y)) + ‖y‖²), with every dot product a chain of fused multiply-adds
 * in feature order, which is how OpenBLAS's x86-64 kernels compute them for short rows.
 *
 * <p>Some metrics need a value per row: the Euclidean norm for cosine, the squared norm for the
 * expanded form ({@link #rowTerm}); the kernels compute it once per query and once per constant row.
 */
public record DistanceMetric(Kind kind, double p, double[] weights, boolean expanded) {
    public enum Kind {
        EUCLIDEAN, SQEUCLIDEAN, MANHATTAN, CHEBYSHEV, MINKOWSKI, SEUCLIDEAN, CANBERRA, BRAYCURTIS, COSINE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The metric named {@code name} (one of those the neighbour operators' schema accepts, which
     * checks p and the weights); {@code p} matters for minkowski only, {@code weights} (may be
     * null) for minkowski (optional w) and seuclidean (V).
     */
    public static DistanceMetric of(String name, double p, double[] weights, boolean expanded) {
        return new DistanceMetric(Kind.valueOf(name.toUpperCase(Locale.ROOT)), p, weights == null ? null : weights.clone(), expanded);
    }

    /** Whether {@link #reduced} reads the rows' terms ({@link #rowTerm}). */
    public boolean usesRowTerms() {
        return kind == Kind.COSINE || expanded;
    }

    /** The per-row value the metric needs: the squared norm (fused multiply-adds) for the expanded form, the norm for cosine (1 for a zero row, as scikit-learn's {@code normalize}). */
    public double rowTerm(double[] x) {
        if (expanded) {
            return dot(x, x);
        }
        if (kind != Kind.COSINE) {
            return 0;
        }
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        double n = Math.sqrt(s);
        return n == 0 ? 1 : n;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s = Math.fma(a[j], b[j], s);
        }
        return s;
    }

    /** The exponent scikit-learn's trees use in their node bounds: 2, 1, ∞ or Minkowski's p. */
    public double treePower() {
        return switch (kind) {
            case EUCLIDEAN, SQEUCLIDEAN, SEUCLIDEAN -> 2;
            case MANHATTAN, CANBERRA, BRAYCURTIS, COSINE -> 1;
            case CHEBYSHEV -> Double.POSITIVE_INFINITY;
            case MINKOWSKI -> p;
        };
    }

    /**
     * The reduced distance between {@code x} and row {@code row} of {@code data} (float64, {@code x.length}
     * columns); {@code xTerm} and {@code rowTerm} are their {@link #rowTerm}s (ignored by most metrics).
     */
    public double reduced(double[] x, MemorySegment data, long row, double xTerm, double rowTerm) {
        long base = row * x.length;
        int f = x.length;
        double d = 0;
        switch (kind) {
            case EUCLIDEAN, SQEUCLIDEAN -> {
                if (expanded) {
                    for (int j = 0; j < f; j++) {
                        d = Math.fma(x[j], data.getAtIndex(F64, base + j), d);
                    }
                    return expandedSquare(xTerm, d, rowTerm);
                }
                for (int j = 0; j < f; j++) {
                    double t = x[j] - data.getAtIndex(F64, base + j);
                    d += t * t;
                }
            }
            case MANHATTAN -> {
                for (int j = 0; j < f; j++) {
                    d += Math.abs(x[j] - data.getAtIndex(F64, base + j));
                }
            }
            case CHEBYSHEV -> {
                // Rows are finite, so a plain comparison is C's fmax here, and cheaper than Math.max.
                for (int j = 0; j < f; j++) {
                    double t = Math.abs(x[j] - data.getAtIndex(F64, base + j));
                    d = t > d ? t : d;
                }
            }
            case MINKOWSKI -> {
                for (int j = 0; j < f; j++) {
                    double term = pow(Math.abs(x[j] - data.getAtIndex(F64, base + j)), p);
                    d += weights == null ? term : weights[j] * term;
                }
            }
            case SEUCLIDEAN -> {
                for (int j = 0; j < f; j++) {
                    double t = x[j] - data.getAtIndex(F64, base + j);
                    d += t * t / weights[j];
                }
            }
            case CANBERRA -> {
                for (int j = 0; j < f; j++) {
                    double y = data.getAtIndex(F64, base + j);
                    double denominator = Math.abs(x[j]) + Math.abs(y);
                    if (denominator > 0) {
                        d += Math.abs(x[j] - y) / denominator;
                    }
                }
            }
            case BRAYCURTIS -> {
                double denominator = 0;
                for (int j = 0; j < f; j++) {
                    double y = data.getAtIndex(F64, base + j);
                    d += Math.abs(x[j] - y);
                    denominator += Math.abs(x[j]) + Math.abs(y);
                }
                d = denominator > 0 ? d / denominator : 0;
            }
            case COSINE -> {
                for (int j = 0; j < f; j++) {
                    d += x[j] / xTerm * (data.getAtIndex(F64, base + j) / rowTerm);
                }
                d = Math.clamp(-d + 1, 0.0, 2.0);
            }
        }
        return d;
    }

    /** max(0, (‖x‖² + (−2·dot)) + ‖y‖²), the expanded squared distance. */
    public static double expandedSquare(double xSquared, double dot, double ySquared) {
        return Math.max(0.0, (xSquared + -2.0 * dot) + ySquared);
    }

    public double toDistance(double reduced) {
        return switch (kind) {
            case EUCLIDEAN, SEUCLIDEAN -> Math.sqrt(reduced);
            case MINKOWSKI -> Math.pow(reduced, 1.0 / p);
            default -> reduced;
        };
    }

    public double toReduced(double distance) {
        return switch (kind) {
            case EUCLIDEAN, SEUCLIDEAN -> distance * distance;
            case MINKOWSKI -> pow(distance, p);
            default -> distance;
        };
    }

    /** C's pow for the exponents the trees use, exact where the result is x or x². */
    public static double pow(double x, double p) {
        if (p == 1) {
            return x;
        }
        return p == 2 ? x * x : Math.pow(x, p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistanceMetric m && m.kind == kind && Double.compare(m.p, p) == 0 && java.util.Arrays.equals(m.weights, weights)
                && m.expanded == expanded;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + java.util.Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return kind.label() + (kind == Kind.MINKOWSKI ? "(p=" + p + ")" : "") + (expanded ? " (expanded)" : "");
    }
}
