package org.mleruntime.operators.math;

/**
 * The error function, which {@link Math} lacks: its Maclaurin series below |x| = 3, where about
 * 60 terms reach double precision with a few digits lost to cancellation, and the continued
 * fraction of erfc above it, which converges fast there. Accurate to about 1e-13, far beyond the
 * float32 outputs of the operators that use it (Erf, exact Gelu).
 */
final class Erf {
    private static final double TWO_OVER_ROOT_PI = 2 / Math.sqrt(Math.PI);
    private static final int FRACTION_TERMS = 60;

    private Erf() {}

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a >= 6) {
            return Math.copySign(1, x);
        }
        if (a < 3) {
            double term = x;
            double sum = x;
            double square = x * x;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -square / n;
                sum += term / (2 * n + 1);
            }
            return TWO_OVER_ROOT_PI * sum;
        }
        // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated from the tail.
        double fraction = a;
        for (int k = FRACTION_TERMS; k >= 1; k--) {
            fraction = a + (k / 2.0) / fraction;
        }
        double erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction;
        return Math.copySign(1 - erfc, x);
    }
}
