package org.mleruntime.operators.preprocessing;

import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * SplineBasis: for each column, the values of its B-spline basis functions at x, combined through
 * the coefficient matrix, as scipy's {@code BSpline.__call__} computes them (the knot interval by
 * the same search, the k + 1 non-zero bases by the Cox–de Boor recursion, the sum in the same
 * order), with scikit-learn's SplineTransformer rules around it: periodic wrapping, constant or
 * linear continuation beyond the boundary knots, an error beyond them, zeros for NaN.
 */
public final class SplineBasisKernel implements Kernel {
    private enum Extrapolation { ERROR, CONSTANT, LINEAR, CONTINUE, PERIODIC }

    private final int degree;
    private final Extrapolation extrapolation;
    private final boolean missingIsError;
    private final double[][] knots;
    private final double[][] coefficients;
    private final int splines;
    private final double[][][] boundary;
    private final long[] boundaryKnots;
    private final long[] boundaryCounts;

    public SplineBasisKernel(Node node, List<Tensor> constants) {
        degree = Math.toIntExact(node.intAttr("degree", 3));
        extrapolation = Extrapolation.valueOf(node.stringAttr("extrapolation", "constant").toUpperCase(java.util.Locale.ROOT));
        missingIsError = node.stringAttr("missing", "zeros").equals("error");
        knots = matrix(constants.get(1));
        coefficients = matrix(constants.get(2));
        splines = coefficients[0].length;
        boolean bounded = extrapolation == Extrapolation.CONSTANT || extrapolation == Extrapolation.LINEAR;
        boundary = new double[bounded ? 4 : 0][][];
        for (int i = 0; i < boundary.length; i++) {
            boundary[i] = matrix(constants.get(3 + i));
        }
        boundaryCounts = bounded ? node.intsAttr("boundary_counts") : new long[0];
        boundaryKnots = bounded ? ColumnAttributes.ints(node, "boundary_knots", boundaryCounts.length, degree) : new long[0];
    }


    private static double[][] matrix(Tensor t) {
        int rows = Math.toIntExact(t.shape().dim(0));
        int cols = Math.toIntExact(t.shape().dim(1));
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = t.getDouble((long) r * cols + c);
            }
        }
        return m;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        int features = knots.length;
        double[] work = new double[2 * (degree + 1)];
        double[] out = new double[splines];
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                double v = x.getDouble(r * features + j);
                if (missingIsError && !Double.isFinite(v)) {
                    throw new InvalidInputException("column " + j + " has the value " + v + ", which SplineTransformer(handle_missing='error') refuses");
                }
                row(j, v, work, out);
                long base = (r * features + j) * splines;
                for (int s = 0; s < splines; s++) {
                    y.setDouble(base + s, out[s]);
                }
            }
        }
    }

    /** The {@code splines} outputs of column j for the value v. */
    private void row(int j, double v, double[] work, double[] out) {
        double[] t = knots[j];
        int n = t.length - degree - 1;
        java.util.Arrays.fill(out, 0.0);
        if (Double.isNaN(v)) {
            return;
        }
        switch (extrapolation) {
            case CONTINUE -> evaluate(t, v, work, out);
            case PERIODIC -> evaluate(t, t[n] - t[degree] > 0 ? t[degree] + remainder(v - t[degree], t[n] - t[degree]) : 0.0, work, out);
            case ERROR -> {
                if (v < t[degree] || v > t[n]) {
                    throw new InvalidInputException("column " + j + " has the value " + v + ", beyond the limits of the knots ["
                            + t[degree] + ", " + t[n] + "] (SplineTransformer(extrapolation='error'))");
                }
                evaluate(t, v, work, out);
            }
            case CONSTANT, LINEAR -> bounded(j, t, v, work, out);
        }
    }

    private void bounded(int j, double[] t, double v, double[] work, double[] out) {
        int knot = (int) boundaryKnots[j];
        double low = t[knot];
        double high = t[t.length - knot - 1];
        if (low <= v && v <= high) {
            evaluate(t, v, work, out);
            return;
        }
        int count = (int) boundaryCounts[j];
        double[] valueLow = boundary[0][j];
        double[] valueHigh = boundary[1][j];
        for (int i = 0; i < count; i++) {
            if (extrapolation == Extrapolation.CONSTANT) {
                if (v < low) {
                    out[i] = valueLow[i];
                } else {
                    out[splines - count + i] = valueHigh[splines - count + i];
                }
            } else if (v < low) {
                out[i] = valueLow[i] + (v - low) * boundary[2][j][i];
            } else {
                int k = splines - 1 - i;
                out[k] = valueHigh[k] + (v - high) * boundary[3][j][k];
            }
        }
    }

    /** numpy's remainder: the result takes the sign of the divisor. */
    private static double remainder(double a, double b) {
        double mod = a % b;
        if (mod != 0) {
            if ((b < 0) != (mod < 0)) {
                mod += b;
            }
        } else {
            mod = Math.copySign(0.0, b);
        }
        return mod;
    }

    /** scipy's evaluate_spline for one x (extrapolating), coefficients summed over the k + 1 non-zero bases in order. */
    private void evaluate(double[] t, double x, double[] work, double[] out) {
        int interval = interval(t, x);
        deBoor(t, x, interval, work);
        for (int s = 0; s < splines; s++) {
            double sum = 0.0;
            for (int a = 0; a <= degree; a++) {
                sum = sum + coefficients[interval + a - degree][s] * work[a];
            }
            out[s] = sum;
        }
    }

    /** The l in [k, n − 1] with t[l] ≤ x < t[l + 1], clamped at both ends (scipy's find_interval). */
    private int interval(double[] t, double x) {
        int n = t.length - degree - 1;
        int l = degree + 1;
        while (l != n && x >= t[l]) {
            l++;
        }
        return l - 1;
    }

    /** The k + 1 non-zero basis values at x for the interval l, by the Cox–de Boor recursion. */
    private void deBoor(double[] t, double x, int l, double[] work) {
        int k = degree;
        work[0] = 1.0;
        for (int j = 1; j <= k; j++) {
            System.arraycopy(work, 0, work, k + 1, j);
            work[0] = 0.0;
            for (int m = 1; m <= j; m++) {
                double xb = t[l + m];
                double xa = t[l + m - j];
                if (xb == xa) {
                    work[m] = 0.0;
                    continue;
                }
                double w = work[k + m] / (xb - xa);
                work[m - 1] += w * (xb - x);
                work[m] = w * (x - xa);
            }
        }
    }
}
