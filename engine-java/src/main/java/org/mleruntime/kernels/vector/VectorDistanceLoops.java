package org.mleruntime.kernels.vector;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.mleruntime.kernels.DistanceLoops;
import org.mleruntime.kernels.DistanceMetric;
import org.mleruntime.kernels.MetricRows;
import org.mleruntime.kernels.PlainDistanceLoops;

/**
 * The distance loop with the Vector API: one row per lane over a feature-major copy of the rows
 * (see {@link MetricRows}), each lane subtracting, squaring (or taking the absolute value) and adding
 * feature by feature exactly as the scalar loop does, without fused multiply-adds, so both paths
 * give the same bits. Metrics with a power or a per-pair condition (minkowski, canberra, braycurtis,
 * cosine) and the tail rows that do not fill a vector run the scalar loop.
 */
public final class VectorDistanceLoops implements DistanceLoops {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    @Override
    public String name() {
        return "vector-api(" + D.vectorBitSize() + "-bit)";
    }

    @Override
    public MetricRows prepare(DistanceMetric metric, MemorySegment data, int rows, int features) {
        int lanes = D.length();
        if (!PlainDistanceLoops.blockable(metric) || rows < lanes) {
            return MetricRows.of(metric, data, rows, features);
        }
        return MetricRows.withBlocks(metric, data, rows, features, lanes);
    }

    @Override
    public void reducedToAll(MetricRows rows, double[] x, double xTerm, double[] out) {
        double[] blocked = rows.blocks();
        if (blocked == null) {
            PlainDistanceLoops.scalar(rows, x, xTerm, out, 0);
            return;
        }
        int lanes = D.length();
        int features = rows.features();
        int blocks = rows.rows() / lanes;
        double[] weights = rows.metric().weights();
        DistanceMetric.Kind kind = rows.metric().kind();
        if (rows.metric().expanded()) {
            expanded(rows, blocked, x, xTerm, out);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            int base = b * features * lanes;
            DoubleVector acc = DoubleVector.zero(D);
            for (int f = 0; f < features; f++) {
                DoubleVector t = DoubleVector.broadcast(D, x[f]).sub(DoubleVector.fromArray(D, blocked, base + f * lanes));
                acc = switch (kind) {
                    case EUCLIDEAN, SQEUCLIDEAN -> acc.add(t.mul(t));
                    case MANHATTAN -> acc.add(t.abs());
                    case CHEBYSHEV -> acc.max(t.abs());
                    case SEUCLIDEAN -> acc.add(t.mul(t).div(weights[f]));
                    case MINKOWSKI, CANBERRA, BRAYCURTIS, COSINE -> throw new AssertionError("prepared without blocks");
                };
            }
            acc.intoArray(out, b * lanes);
        }
        PlainDistanceLoops.scalar(rows, x, xTerm, out, blocks * lanes);
    }

    /** The expanded Euclidean form: a fused multiply-add chain per lane, then max(0, (‖x‖² + (−2·dot)) + ‖y‖²). */
    private static void expanded(MetricRows rows, double[] blocked, double[] x, double xTerm, double[] out) {
        int lanes = D.length();
        int features = rows.features();
        int blocks = rows.rows() / lanes;
        double[] terms = rows.rowTerms();
        DoubleVector xSquared = DoubleVector.broadcast(D, xTerm);
        for (int b = 0; b < blocks; b++) {
            int base = b * features * lanes;
            DoubleVector dot = DoubleVector.zero(D);
            for (int f = 0; f < features; f++) {
                dot = DoubleVector.broadcast(D, x[f]).fma(DoubleVector.fromArray(D, blocked, base + f * lanes), dot);
            }
            xSquared.add(dot.mul(-2.0)).add(DoubleVector.fromArray(D, terms, b * lanes)).max(0.0).intoArray(out, b * lanes);
        }
        PlainDistanceLoops.scalar(rows, x, xTerm, out, blocks * lanes);
    }
}
