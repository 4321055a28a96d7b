package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Broadcast;
import org.mleruntime.kernels.Kernel;

/** BatchNormalization and LayerNormalization, computed in float64 and rounded once to the output's dtype. */
final class NormalizationKernels {
    private NormalizationKernels() {}

    /** y = (x − mean) / √(var + ε) · scale + B, per channel (axis 1). */
    static Kernel batchNormalization(Node node) {
        double epsilon = node.floatAttr("epsilon", 1e-5);
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            int channels = Math.toIntExact(x.shape().dim(1));
            double[] factor = new double[channels];
            double[] shift = new double[channels];
            for (int c = 0; c < channels; c++) {
                factor[c] = in[1].getDouble(c) / Math.sqrt(in[4].getDouble(c) + epsilon);
                shift[c] = in[2].getDouble(c) - in[3].getDouble(c) * factor[c];
            }
            long inner = x.elementCount() / Math.max(1, x.shape().dim(0) * channels);
            long i = 0;
            for (long n = 0; n < x.shape().dim(0); n++) {
                for (int c = 0; c < channels; c++) {
                    for (long e = 0; e < inner; e++, i++) {
                        y.setDouble(i, x.getDouble(i) * factor[c] + shift[c]);
                    }
                }
            }
        };
    }

    /** Per row of the normalised axes: y = (x − mean) / √(variance + ε) · Scale + B, the variance the population one. */
    static Kernel layerNormalization(Node node) {
        double epsilon = node.floatAttr("epsilon", 1e-5);
        return (in, out) -> {
            Tensor x = in[0];
            Tensor y = out[0];
            int rank = x.shape().rank();
            long axis = node.intAttr("axis", -1);
            int from = (int) (axis < 0 ? axis + rank : axis);
            long size = 1;
            for (int d = from; d < rank; d++) {
                size *= x.shape().dim(d);
            }
            Shape normalized = new Shape(Arrays.copyOfRange(x.shape().dims(), from, rank));
            Broadcast scale = new Broadcast(normalized, in[1].shape());
            Broadcast bias = in.length > 2 ? new Broadcast(normalized, in[2].shape()) : null;
            long rows = size == 0 ? 0 : x.elementCount() / size;
            Tensor mean = out.length > 1 ? out[1] : null;
            Tensor inverseStd = out.length > 2 ? out[2] : null;
            if (mean == null && x.dtype() == DType.FLOAT32 && in[1].elementCount() == size && (in.length < 3 || in[2].elementCount() == size)) {
                layerNormFloat32(x, in[1], in.length > 2 ? in[2] : null, y, rows, Math.toIntExact(size), epsilon);
                return;
            }
            for (long r = 0; r < rows; r++) {
                long base = r * size;
                double sum = 0;
                for (long e = 0; e < size; e++) {
                    sum += x.getDouble(base + e);
                }
                double average = sum / size;
                double squares = 0;
                for (long e = 0; e < size; e++) {
                    double d = x.getDouble(base + e) - average;
                    squares += d * d;
                }
                double inverse = 1 / Math.sqrt(squares / size + epsilon);
                if (mean != null) {
                    mean.setDouble(r, average);
                }
                if (inverseStd != null) {
                    inverseStd.setDouble(r, inverse);
                }
                for (long e = 0; e < size; e++) {
                    double v = (x.getDouble(base + e) - average) * inverse * in[1].getDouble(scale.map(e));
                    y.setDouble(base + e, bias == null ? v : v + in[2].getDouble(bias.map(e)));
                }
            }
        };
    }

    /**
     * Σ (v − centre), or Σ (v − centre)² when {@code squared}, over a row, in double, in four
     * interleaved sums added at the end: four independent chains of additions instead of one that
     * waits on each previous sum.
     */
    private static double sumOfFour(float[] row, int size, double centre, boolean squared) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int e = 0;
        for (; e + 4 <= size; e += 4) {
            double d0 = row[e] - centre;
            double d1 = row[e + 1] - centre;
            double d2 = row[e + 2] - centre;
            double d3 = row[e + 3] - centre;
            s0 += squared ? d0 * d0 : d0;
            s1 += squared ? d1 * d1 : d1;
            s2 += squared ? d2 * d2 : d2;
            s3 += squared ? d3 * d3 : d3;
        }
        for (; e < size; e++) {
            double d = row[e] - centre;
            s0 += squared ? d * d : d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** LayerNormalization of float32 rows with Scale and B of the row's size, a row at a time in arrays, as the general loop computes it. */
    private static void layerNormFloat32(Tensor x, Tensor scale, Tensor bias, Tensor y, long rows, int size, double epsilon) {
        float[] gamma = new float[size];
        float[] beta = new float[size];
        MemorySegment.copy(scale.data(), F32, 0, gamma, 0, size);
        if (bias != null) {
            MemorySegment.copy(bias.data(), F32, 0, beta, 0, size);
        }
        float[] row = new float[size];
        for (long r = 0; r < rows; r++) {
            MemorySegment.copy(x.data(), F32, r * size * Float.BYTES, row, 0, size);
            double mean = sumOfFour(row, size, 0, false) / size;
            double inverse = 1 / Math.sqrt(sumOfFour(row, size, mean, true) / size + epsilon);
            for (int e = 0; e < size; e++) {
                row[e] = (float) ((row[e] - mean) * inverse * gamma[e] + beta[e]);
            }
            MemorySegment.copy(row, 0, y.data(), F32, r * size * Float.BYTES, size);
        }
    }
}
