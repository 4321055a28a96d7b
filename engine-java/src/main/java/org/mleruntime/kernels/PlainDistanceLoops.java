package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The distance loop in plain Java: scikit-learn's per-pair arithmetic. For the metrics without
 * powers or per-term conditions, rows go through in blocks of {@value #LANES} over the
 * feature-major copy of {@link MetricRows}: each row still adds its features in order (so the bits
 * are the scalar ones), but the block's eight independent sums keep the processor busy where one
 * row's chain of additions would wait on each previous one. The expanded Euclidean form, brute
 * force's default, keeps its eight sums in locals, which the JIT holds in registers: twice as fast
 * as the array the other metrics use.
 */
public final class PlainDistanceLoops implements DistanceLoops {
    public static final PlainDistanceLoops INSTANCE = new PlainDistanceLoops();
    private static final int LANES = 8;

    private PlainDistanceLoops() {}

    @Override
    public String name() {
        return "plain-java";
    }

    /** Whether the metric's per-row sum can run lane by lane (no power, no per-term condition). */
    public static boolean blockable(DistanceMetric metric) {
        return switch (metric.kind()) {
            case EUCLIDEAN, SQEUCLIDEAN, MANHATTAN, CHEBYSHEV, SEUCLIDEAN -> true;
            case MINKOWSKI, CANBERRA, BRAYCURTIS, COSINE -> false;
        };
    }

    @Override
    public MetricRows prepare(DistanceMetric metric, MemorySegment data, int rows, int features) {
        return blockable(metric) && rows >= LANES ? MetricRows.withBlocks(metric, data, rows, features, LANES)
                : MetricRows.of(metric, data, rows, features);
    }

    @Override
    public void reducedToAll(MetricRows rows, double[] x, double xTerm, double[] out) {
        double[] blocked = rows.blocks();
        if (blocked == null) {
            scalar(rows, x, xTerm, out, 0);
            return;
        }
        int blocks = rows.rows() / LANES;
        double[] acc = new double[LANES];
        for (int b = 0; b < blocks; b++) {
            block(rows, blocked, b * rows.features() * LANES, x, acc);
            for (int lane = 0; lane < LANES; lane++) {
                int row = b * LANES + lane;
                out[row] = rows.metric().expanded() ? DistanceMetric.expandedSquare(xTerm, acc[lane], rows.rowTerms()[row]) : acc[lane];
            }
        }
        scalar(rows, x, xTerm, out, blocks * LANES);
    }

    /** One block's sums (for the expanded form, its dot products) into {@code acc}. */
    private static void block(MetricRows rows, double[] blocked, int base, double[] x, double[] acc) {
        java.util.Arrays.fill(acc, 0);
        int features = x.length;
        DistanceMetric metric = rows.metric();
        if (metric.expanded()) {
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            for (int f = 0, at = base; f < features; f++, at += LANES) {
                double xf = x[f];
                a0 = Math.fma(xf, blocked[at], a0);
                a1 = Math.fma(xf, blocked[at + 1], a1);
                a2 = Math.fma(xf, blocked[at + 2], a2);
                a3 = Math.fma(xf, blocked[at + 3], a3);
                a4 = Math.fma(xf, blocked[at + 4], a4);
                a5 = Math.fma(xf, blocked[at + 5], a5);
                a6 = Math.fma(xf, blocked[at + 6], a6);
                a7 = Math.fma(xf, blocked[at + 7], a7);
            }
            acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7;
            return;
        }
        switch (metric.kind()) {
            case EUCLIDEAN, SQEUCLIDEAN -> {
                for (int f = 0; f < features; f++) {
                    double xf = x[f];
                    int at = base + f * LANES;
                    for (int lane = 0; lane < LANES; lane++) {
                        double t = xf - blocked[at + lane];
                        acc[lane] += t * t;
                    }
                }
            }
            case MANHATTAN -> {
                for (int f = 0; f < features; f++) {
                    double xf = x[f];
                    int at = base + f * LANES;
                    for (int lane = 0; lane < LANES; lane++) {
                        acc[lane] += Math.abs(xf - blocked[at + lane]);
                    }
                }
            }
            case CHEBYSHEV -> {
                for (int f = 0; f < features; f++) {
                    double xf = x[f];
                    int at = base + f * LANES;
                    for (int lane = 0; lane < LANES; lane++) {
                        double t = Math.abs(xf - blocked[at + lane]);
                        acc[lane] = t > acc[lane] ? t : acc[lane];
                    }
                }
            }
            case SEUCLIDEAN -> {
                double[] variances = metric.weights();
                for (int f = 0; f < features; f++) {
                    double xf = x[f];
                    double v = variances[f];
                    int at = base + f * LANES;
                    for (int lane = 0; lane < LANES; lane++) {
                        double t = xf - blocked[at + lane];
                        acc[lane] += t * t / v;
                    }
                }
            }
            case MINKOWSKI, CANBERRA, BRAYCURTIS, COSINE -> throw new AssertionError("prepared without blocks");
        }
    }

    /** Rows {@code from} to the end in scalar code; the vector loops finish their tails with it. */
    public static void scalar(MetricRows rows, double[] x, double xTerm, double[] out, int from) {
        for (int j = from; j < rows.rows(); j++) {
            out[j] = rows.reduced(x, xTerm, j);
        }
    }
}
