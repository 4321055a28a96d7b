package org.mleruntime.kernels;

import static org.mleruntime.ir.Tensor.F32;
import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.mleruntime.ir.DType;

/** Plain-Java loops: the reference path and the one used on runtimes without the Vector API. */
public final class PlainMathKernels implements MathKernels {
    @Override
    public String name() {
        return "plain-java";
    }

    private static double get(DType t, MemorySegment s, long i) {
        return t == DType.FLOAT64 ? s.getAtIndex(F64, i) : s.getAtIndex(F32, i);
    }

    private static void set(DType t, MemorySegment s, long i, double v) {
        if (t == DType.FLOAT64) {
            s.setAtIndex(F64, i, v);
        } else {
            s.setAtIndex(F32, i, (float) v);
        }
    }

    private static double bias(DType t, MemorySegment bias, long biasLength, int j) {
        return biasLength == 0 ? 0 : get(t, bias, biasLength == 1 ? 0 : j);
    }

    @Override
    public void gemmTransB(DType t, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                           MemorySegment c, int n, int k, int m) {
        for (int r = 0; r < n; r++) {
            long aRow = (long) r * k;
            for (int j = 0; j < m; j++) {
                long bRow = (long) j * k;
                double sum = 0;
                if (t == DType.FLOAT64) {
                    for (int p = 0; p < k; p++) {
                        sum += a.getAtIndex(F64, aRow + p) * b.getAtIndex(F64, bRow + p);
                    }
                } else {
                    float fs = 0;
                    for (int p = 0; p < k; p++) {
                        fs += a.getAtIndex(F32, aRow + p) * b.getAtIndex(F32, bRow + p);
                    }
                    sum = fs;
                }
                set(t, c, (long) r * m + j, sum + bias(t, bias, biasLength, j));
            }
        }
    }

    @Override
    public void gemmInt8TransB(DType t, MemorySegment a, MemorySegment q, MemorySegment scale, MemorySegment bias, long biasLength,
                               MemorySegment c, int n, int k, int m) {
        for (int r = 0; r < n; r++) {
            long aRow = (long) r * k;
            for (int j = 0; j < m; j++) {
                long qRow = (long) j * k;
                double y;
                if (t == DType.FLOAT64) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += a.getAtIndex(F64, aRow + p) * q.get(ValueLayout.JAVA_BYTE, qRow + p);
                    }
                    y = sum * scale.getAtIndex(F64, j);
                } else {
                    float sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += a.getAtIndex(F32, aRow + p) * q.get(ValueLayout.JAVA_BYTE, qRow + p);
                    }
                    y = sum * scale.getAtIndex(F32, j);
                }
                set(t, c, (long) r * m + j, y + bias(t, bias, biasLength, j));
            }
        }
    }

    @Override
    public void gemm(DType t, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                     MemorySegment c, int n, int k, int m) {
        double[] acc = new double[m];
        for (int r = 0; r < n; r++) {
            java.util.Arrays.fill(acc, 0);
            for (int p = 0; p < k; p++) {
                double x = get(t, a, (long) r * k + p);
                long bRow = (long) p * m;
                for (int j = 0; j < m; j++) {
                    acc[j] = Math.fma(x, get(t, b, bRow + j), acc[j]);
                }
            }
            for (int j = 0; j < m; j++) {
                set(t, c, (long) r * m + j, acc[j] + bias(t, bias, biasLength, j));
            }
        }
    }

    @Override
    public void rowBroadcast(BinaryOp op, DType t, MemorySegment a, MemorySegment row, MemorySegment out, long rows, int cols) {
        for (long r = 0; r < rows; r++) {
            long base = r * cols;
            for (int j = 0; j < cols; j++) {
                set(t, out, base + j, op.apply(get(t, a, base + j), get(t, row, j)));
            }
        }
    }

    @Override
    public void scale(DType t, boolean divide, MemorySegment x, MemorySegment offset, MemorySegment scale, MemorySegment out,
                      long rows, int cols) {
        for (long r = 0; r < rows; r++) {
            long base = r * cols;
            for (int j = 0; j < cols; j++) {
                double v = get(t, x, base + j);
                double first = divide ? v - get(t, offset, j) : v * get(t, scale, j);
                if (t == DType.FLOAT32) {
                    first = (float) first;
                }
                double y = divide ? first / get(t, scale, j) : first + get(t, offset, j);
                set(t, out, base + j, y);
            }
        }
    }

    @Override
    public void pairwiseSums(PairwiseTerm term, MemorySegment x, MemorySegment vt, MemorySegment out, long rows, int features, int vectors) {
        double[] sums = new double[vectors];
        for (long r = 0; r < rows; r++) {
            java.util.Arrays.fill(sums, 0);
            for (int p = 0; p < features; p++) {
                double xp = x.getAtIndex(F64, r * features + p);
                long column = (long) p * vectors;
                for (int j = 0; j < vectors; j++) {
                    sums[j] = term.add(sums[j], xp, vt.getAtIndex(F64, column + j));
                }
            }
            MemorySegment.copy(sums, 0, out, F64, r * vectors * Double.BYTES, vectors);
        }
    }

    @Override
    public void setBitsAbove(double[] column, int from, double border, boolean nanIsOne, int bit, int[] bits, int count) {
        if (nanIsOne) {
            for (int r = 0; r < count; r++) {
                bits[r] |= (column[from + r] <= border ? 0 : 1) << bit;
            }
        } else {
            for (int r = 0; r < count; r++) {
                bits[r] |= (column[from + r] > border ? 1 : 0) << bit;
            }
        }
    }

    @Override
    public void splitMasks(double[] block, int[] feature, double[] threshold, int from, int n, boolean lessOrEqual, boolean missing,
                           long[] out) {
        for (int s = from; s < from + n; s++) {
            int column = (feature[s] & 0x7FFF_FFFF) * 64;
            double split = threshold[s];
            boolean nanRight = feature[s] < 0;
            long mask = 0;
            for (int r = 0; r < 64; r++) {
                double v = block[column + r];
                boolean right = lessOrEqual ? v > split : v >= split;
                mask |= (right || (nanRight && v != v) ? 1L : 0L) << r;
            }
            out[s - from] = mask;
        }
    }

    @Override
    public void splitMasks(float[] block, int[] feature, float[] threshold, int from, int n, boolean lessOrEqual, boolean missing,
                           long[] out) {
        for (int s = from; s < from + n; s++) {
            int column = (feature[s] & 0x7FFF_FFFF) * 64;
            float split = threshold[s];
            boolean nanRight = feature[s] < 0;
            long mask = 0;
            for (int r = 0; r < 64; r++) {
                float v = block[column + r];
                boolean right = lessOrEqual ? v > split : v >= split;
                mask |= (right || (nanRight && v != v) ? 1L : 0L) << r;
            }
            out[s - from] = mask;
        }
    }

    @Override
    public void maskToIndex(long[] masks, int from, int count, int[] index) {
        for (int k = 0; k < count; k++) {
            for (long m = masks[from + k]; m != 0; m &= m - 1) {
                index[Long.numberOfTrailingZeros(m)] = k;
            }
        }
    }

    @Override
    public void gatherAdd(double[] values, int base, int[] index, double[] acc, int accFrom, int count) {
        for (int r = 0; r < count; r++) {
            acc[accFrom + r] += values[base + index[r]];
        }
    }

    @Override
    public void clip(DType t, MemorySegment x, double lo, double hi, MemorySegment out, long count) {
        for (long i = 0; i < count; i++) {
            set(t, out, i, Math.min(Math.max(get(t, x, i), lo), hi));
        }
    }

    @Override
    public void hardSigmoid(MemorySegment x, float alpha, float beta, boolean timesInput, MemorySegment out, long count) {
        for (long i = 0; i < count; i++) {
            float v = x.getAtIndex(F32, i);
            float gate = Math.min(Math.max(Math.fma(alpha, v, beta), 0f), 1f);
            out.setAtIndex(F32, i, timesInput ? v * gate : gate);
        }
    }

    @Override
    public void normalizeRows(DType t, int norm, MemorySegment x, MemorySegment out, long rows, int cols, double tiny) {
        boolean f32 = t == DType.FLOAT32;
        for (long r = 0; r < rows; r++) {
            long base = r * cols;
            double total = 0;
            for (int j = 0; j < cols; j++) {
                double v = get(t, x, base + j);
                total = norm == 0 ? Math.max(total, Math.abs(v)) : total + (norm == 1 ? Math.abs(v) : v * v);
                if (f32) {
                    total = (float) total;
                }
            }
            double scale = norm == 2 ? Math.sqrt(total) : total;
            scale = scale < tiny ? 1.0 : f32 ? (float) scale : scale;
            for (int j = 0; j < cols; j++) {
                set(t, out, base + j, get(t, x, base + j) / scale);
            }
        }
    }

    @Override
    public float expShifted(float[] x, int from, int n, float shift) {
        float sum = 0;
        for (int i = from; i < from + n; i++) {
            x[i] = (float) Math.exp(x[i] - shift);
            sum += x[i];
        }
        return sum;
    }

    /** Tap by tap over the whole run: C2 vectorises each pass's fused multiply-adds. */
    @Override
    public void tapSums(float[] x, int[] offsets, float[] weights, float[] out, int n) {
        Arrays.fill(out, 0, n, 0f);
        for (int t = 0; t < offsets.length; t++) {
            float weight = weights[t];
            int offset = offsets[t];
            for (int i = 0; i < n; i++) {
                out[i] = Math.fma(weight, x[offset + i], out[i]);
            }
        }
    }

    @Override
    public void stridedCopy(float[] x, int from, int step, float[] out, int at, int n) {
        for (int i = 0; i < n; i++) {
            out[at + i] = x[from + i * step];
        }
    }

    @Override
    public void sigmoid(float[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            x[i] = (float) (1 / (1 + Math.exp(-x[i])));
        }
    }

    @Override
    public void tanh(float[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            x[i] = (float) Math.tanh(x[i]);
        }
    }
}
