package org.mleruntime.operators.math;

import org.mleruntime.InvalidInputException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * numpy's {@code interp} operation for operation: a NaN stays NaN; below the first point the first
 * value, above the last the last; on a point its value; between points j and j+1
 * {@code slope · (x − xp[j]) + fp[j]} with {@code slope = (fp[j+1] − fp[j]) / (xp[j+1] − xp[j])},
 * and where that is NaN (infinite values) the same from the right end, then fp[j] if the two ends
 * are equal. With out_of_bounds "nan" or "error", values outside the points get NaN or stop the run.
 */
public final class InterpolateKernel implements Kernel {
    private enum Mode { CLIP, NAN, ERROR }

    private final double[] xp;
    private final double[] fp;
    private final double[] slopes;
    private final Mode mode;
    private final String name;

    public InterpolateKernel(Node node, Tensor xp, Tensor fp) {
        int m = Math.toIntExact(xp.elementCount());
        this.xp = new double[m];
        this.fp = new double[m];
        for (int i = 0; i < m; i++) {
            this.xp[i] = xp.getDouble(i);
            this.fp[i] = fp.getDouble(i);
        }
        this.slopes = new double[Math.max(m - 1, 0)];
        for (int i = 0; i < m - 1; i++) {
            slopes[i] = (this.fp[i + 1] - this.fp[i]) / (this.xp[i + 1] - this.xp[i]);
        }
        this.mode = Mode.valueOf(node.stringAttr("out_of_bounds", "clip").toUpperCase(java.util.Locale.ROOT));
        this.name = node.name();
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor y = out[0];
        long count = y.elementCount();
        for (long i = 0; i < count; i++) {
            y.setDouble(i, interpolate(x.getDouble(i), i));
        }
    }

    private double interpolate(double v, long element) {
        int last = xp.length - 1;
        if (v < xp[0] || v > xp[last]) {
            switch (mode) {
                case NAN -> {
                    return Double.NaN;
                }
                case ERROR -> throw new InvalidInputException("node '" + name + "' (Interpolate): value " + v + " at element " + element
                        + " is outside the interpolation range [" + xp[0] + ", " + xp[last] + "]");
                case CLIP -> {
                    return v < xp[0] ? fp[0] : fp[last];
                }
            }
        }
        if (last == 0) {
            return fp[0];
        }
        if (Double.isNaN(v)) {
            return v;
        }
        int j = segment(v);
        if (j == last || xp[j] == v) {
            return fp[j];
        }
        double result = slopes[j] * (v - xp[j]) + fp[j];
        if (Double.isNaN(result)) {
            result = slopes[j] * (v - xp[j + 1]) + fp[j + 1];
            if (Double.isNaN(result) && fp[j] == fp[j + 1]) {
                result = fp[j];
            }
        }
        return result;
    }

    /** The j with xp[j] ≤ v < xp[j+1], or the last index when v equals the last point. */
    private int segment(double v) {
        int low = 0;
        int high = xp.length - 1;
        if (v >= xp[high]) {
            return high;
        }
        while (high - low > 1) {
            int middle = (low + high) >>> 1;
            if (xp[middle] <= v) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
