package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;

/** The distance loop in plain Java: scikit-learn's per-pair arithmetic, row after row. */
public final class PlainDistanceLoops implements DistanceLoops {
    public static final PlainDistanceLoops INSTANCE = new PlainDistanceLoops();

    private PlainDistanceLoops() {}

    @Override
    public String name() {
        return "plain-java";
    }

    @Override
    public MetricRows prepare(DistanceMetric metric, MemorySegment data, int rows, int features) {
        return MetricRows.of(metric, data, rows, features);
    }

    @Override
    public void reducedToAll(MetricRows rows, double[] x, double xTerm, double[] out) {
        scalar(rows, x, xTerm, out, 0);
    }

    /** Rows {@code from} to the end in scalar code; the vector loops finish their tails with it. */
    public static void scalar(MetricRows rows, double[] x, double xTerm, double[] out, int from) {
        for (int j = from; j < rows.rows; j++) {
            out[j] = rows.reduced(x, xTerm, j);
        }
    }
}
