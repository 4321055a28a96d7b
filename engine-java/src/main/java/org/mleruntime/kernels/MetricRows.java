package org.mleruntime.kernels;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/**
 * The rows a kernel measures distances to (a model's training set or centres, a float64 constant
 * read in place), with what the metric needs per row (the norms, for cosine) and, for the Vector API
 * loops, a copy of the rows laid out feature-major in blocks of one vector's lanes, so that each
 * lane accumulates one row's distance in scikit-learn's feature order.
 */
public final class MetricRows {
    final DistanceMetric metric;
    final MemorySegment data;
    final int rows;
    final int features;
    final double[] terms;
    final double[] blocked;

    private MetricRows(DistanceMetric metric, MemorySegment data, int rows, int features, double[] blocked) {
        this.metric = metric;
        this.data = data;
        this.rows = rows;
        this.features = features;
        this.terms = metric.usesRowTerms() ? rowTerms(metric, data, rows, features) : null;
        this.blocked = blocked;
    }

    /** The rows in place, for scalar loops. */
    public static MetricRows of(DistanceMetric metric, MemorySegment data, int rows, int features) {
        return new MetricRows(metric, data, rows, features, null);
    }

    /**
     * Reads row {@code row} of the query tensor {@code x} into {@code q}; a NaN or infinite value is
     * an error naming the node, the row and the feature (scikit-learn refuses them too).
     */
    public static void readQuery(Tensor x, long row, double[] q, String node) {
        long base = row * q.length;
        if (x.dtype() == DType.FLOAT64) {
            MemorySegment.copy(x.data(), F64, base * 8, q, 0, q.length);
        } else {
            for (int f = 0; f < q.length; f++) {
                q[f] = x.getDouble(base + f);
            }
        }
        for (int f = 0; f < q.length; f++) {
            if (!Double.isFinite(q[f])) {
                throw new InvalidInputException("node '" + node + "': row " + row + " has " + q[f] + " in feature " + f
                        + "; distances need finite values");
            }
        }
    }

    /** The rows with a feature-major copy in blocks of {@code lanes} rows (whole blocks only) for vector loops. */
    public static MetricRows withBlocks(DistanceMetric metric, MemorySegment data, int rows, int features, int lanes) {
        return new MetricRows(metric, data, rows, features, blockedCopy(data, rows, features, lanes));
    }

    /** The block copy (row {@code b·lanes + i}, feature f at {@code (b·features + f)·lanes + i}), or null. */
    public double[] blocks() {
        return blocked;
    }

    public DistanceMetric metric() {
        return metric;
    }

    public int rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    /** Row {@code row} of the data as a Java array. */
    double[] row(long row) {
        double[] out = new double[features];
        MemorySegment.copy(data, F64, row * features * 8, out, 0, features);
        return out;
    }

    /** The reduced distance from {@code x} (whose {@link DistanceMetric#rowTerm} is {@code xTerm}) to row {@code row}, in scalar code. */
    public double reduced(double[] x, double xTerm, long row) {
        return metric.reduced(x, data, row, xTerm, terms == null ? 0 : terms[Math.toIntExact(row)]);
    }

    /** Each row's {@link DistanceMetric#rowTerm}, or null when the metric needs none; not to be modified. */
    public double[] rowTerms() {
        return terms;
    }

    /** The rows of {@code data} in blocks of {@code lanes} rows, feature-major within a block; whole blocks only. */
    private static double[] blockedCopy(MemorySegment data, int rows, int features, int lanes) {
        int blocks = rows / lanes;
        double[] out = new double[blocks * features * lanes];
        for (int b = 0; b < blocks; b++) {
            for (int lane = 0; lane < lanes; lane++) {
                long row = (long) b * lanes + lane;
                for (int f = 0; f < features; f++) {
                    out[(b * features + f) * lanes + lane] = data.getAtIndex(F64, row * features + f);
                }
            }
        }
        return out;
    }

    private static double[] rowTerms(DistanceMetric metric, MemorySegment data, int rows, int features) {
        double[] terms = new double[rows];
        double[] row = new double[features];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(data, F64, (long) r * features * 8, row, 0, features);
            terms[r] = metric.rowTerm(row);
        }
        return terms;
    }
}
