package org.mleruntime.operators.preprocessing;

/**
 * The standard normal quantile function (scipy's {@code norm.ppf}, Cephes' {@code ndtri}) to about
 * 1e-15 relative: a rational first guess (Abramowitz and Stegun 26.2.23, good to 4.5e-4) refined by
 * Newton steps on the normal CDF. Near the median the CDF is taken as ½ + ½ erf(x/√2), so that
 * p − ½ is exact; in the tails as ½ erfc(t/√2) of the smaller tail, so that its relative accuracy
 * holds down to the smallest probabilities.
 */
final class NormalQuantile {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double CENTRAL = 0.425;
    private static final int MAX_STEPS = 50;

    private NormalQuantile() {}

    static double ppf(double p) {
        if (!(p >= 0 && p <= 1)) {
            return Double.NaN;
        }
        if (p == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1) {
            return Double.POSITIVE_INFINITY;
        }
        double centred = p - 0.5;
        if (Math.abs(centred) <= CENTRAL) {
            double x = Math.copySign(firstGuess(Math.min(p, 1 - p)), centred);
            for (int i = 0; i < MAX_STEPS; i++) {
                double step = (0.5 * erf(x * SQRT_HALF) - centred) / density(x);
                x -= step;
                if (Math.abs(step) <= 1e-16 * Math.abs(x)) {
                    break;
                }
            }
            return x;
        }
        double tail = p < 0.5 ? p : 1 - p;
        double t = firstGuess(tail);
        for (int i = 0; i < MAX_STEPS; i++) {
            double step = (0.5 * erfc(t * SQRT_HALF) - tail) / density(t);
            t += step;
            if (Math.abs(step) <= 1e-16 * t) {
                break;
            }
        }
        return p < 0.5 ? -t : t;
    }

    /** t > 0 with upper-tail probability ≈ q ≤ ½ (Abramowitz and Stegun 26.2.23). */
    private static double firstGuess(double q) {
        double s = Math.sqrt(-2 * Math.log(q));
        return s - (2.515517 + s * (0.802853 + s * 0.010328)) / (1 + s * (1.432788 + s * (0.189269 + s * 0.001308)));
    }

    private static double density(double x) {
        return Math.exp(-0.5 * x * x) / SQRT_2PI;
    }

    /** erf(z) = 2/√π · e^(−z²) · Σ (2z²)ⁿ z / (1·3·…·(2n+1)): positive terms, no cancellation. */
    static double erf(double z) {
        double term = z;
        double sum = z;
        double twoZz = 2 * z * z;
        for (int n = 1; n < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= twoZz / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
    }

    /** erfc(z) for z ≥ 0: 1 − erf(z) below 2, else its continued fraction (modified Lentz). */
    static double erfc(double z) {
        if (z < 2) {
            return 1 - erf(z);
        }
        double tiny = 1e-300;
        double f = z;
        double c = z;
        double d = 0;
        for (int n = 1; n < 5000; n++) {
            double a = n / 2.0;
            d = z + a * d;
            d = d == 0 ? tiny : 1 / d;
            c = z + a / c;
            c = c == 0 ? tiny : c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-z * z) / (f * Math.sqrt(Math.PI));
    }
}
