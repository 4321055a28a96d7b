package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * MaxPool, AveragePool and their global forms, per channel of each image. A max ignores the padding
 * (NaN wins, as in PyTorch); an average divides by the window's positions inside the input, or,
 * with {@code count_include_pad}, inside the input and its pads.
 */
final class PoolKernel implements Kernel {
    private final Node node;
    private final boolean max;
    private final boolean global;
    private final boolean countPads;

    PoolKernel(Node node) {
        this.node = node;
        this.max = node.opType().contains("Max");
        this.global = node.opType().startsWith("Global");
        this.countPads = node.intAttr("count_include_pad", 0) != 0;
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor y = out[0];
        long planes = x.shape().dim(0) * x.shape().dim(1);
        if (global) {
            long size = x.elementCount() / Math.max(planes, 1);
            for (long p = 0; p < planes; p++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                for (long i = p * size; i < (p + 1) * size; i++) {
                    acc = max ? Math.max(acc, x.getDouble(i)) : acc + x.getDouble(i);
                }
                y.setDouble(p, max ? acc : acc / size);
            }
            return;
        }
        Window w = new Window(PoolSchema.window(node, x.shape()));
        double[] plane = new double[Math.toIntExact(w.inSize)];
        double[] pooled = new double[Math.toIntExact(w.outSize)];
        for (long p = 0; p < planes; p++) {
            read(x, p * w.inSize, plane);
            w.pool(plane, pooled, max, countPads);
            write(pooled, y, p * w.outSize);
        }
    }

    /** One plane of X as doubles, copied in bulk: the window visits each value several times. */
    private static void read(Tensor x, long from, double[] plane) {
        if (x.dtype() == DType.FLOAT32) {
            float[] values = new float[plane.length];
            MemorySegment.copy(x.data(), F32, from * Float.BYTES, values, 0, values.length);
            for (int i = 0; i < values.length; i++) {
                plane[i] = values[i];
            }
        } else {
            for (int i = 0; i < plane.length; i++) {
                plane[i] = x.getDouble(from + i);
            }
        }
    }

    private static void write(double[] pooled, Tensor y, long from) {
        if (y.dtype() == DType.FLOAT32) {
            float[] values = new float[pooled.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) pooled[i];
            }
            MemorySegment.copy(values, 0, y.data(), F32, from * Float.BYTES, values.length);
        } else {
            for (int i = 0; i < pooled.length; i++) {
                y.setDouble(from + i, pooled[i]);
            }
        }
    }

    /** The window geometry as three spatial axes, leading ones of size 1. */
    private static final class Window {
        final long[] in;
        final long[] kernel;
        final long[] stride;
        final long[] dilation;
        final long[] padBegin;
        final long[] padEnd;
        final long[] out;
        final long inSize;
        final long outSize;

        Window(WindowGeometry geometry) {
            WindowGeometry g = geometry.inThreeAxes();
            in = g.input();
            kernel = g.kernel();
            stride = g.strides();
            dilation = g.dilations();
            padBegin = g.padsBegin();
            padEnd = g.padsEnd();
            out = g.output();
            inSize = in[0] * in[1] * in[2];
            outSize = out[0] * out[1] * out[2];
        }

        /**
         * Pools one plane. Max and sum are separable, so each output row first combines the input rows
         * under its window (whole rows, a loop C2 vectorises) and then slides the window along that one
         * combined row: kd·kh·in + kw·out operations per output row instead of kd·kh·kw·out, with
         * scratch of one input row.
         */
        void pool(double[] x, double[] y, boolean max, boolean countPads) {
            // Per axis and output coordinate: the window's taps inside X (only those are visited, so a
            // window or padding of any size costs what X holds), and how many lie inside X and its pads.
            long[][] lo = new long[3][];
            long[][] hi = new long[3][];
            long[][] padded = new long[3][];
            for (int a = 0; a < 3; a++) {
                int n = Math.toIntExact(out[a]);
                lo[a] = new long[n];
                hi[a] = new long[n];
                padded[a] = new long[n];
                for (int i = 0; i < n; i++) {
                    lo[a][i] = firstTap(i, a, 0);
                    hi[a][i] = lastTap(i, a, in[a] - 1);
                    padded[a][i] = Math.max(0, lastTap(i, a, in[a] - 1 + padEnd[a]) - firstTap(i, a, -padBegin[a]) + 1);
                }
            }
            int width = Math.toIntExact(in[2]);
            double[] row = new double[width];
            double empty = max ? Double.NEGATIVE_INFINITY : 0;
            int o = 0;
            for (int od = 0; od < out[0]; od++) {
                for (int oh = 0; oh < out[1]; oh++) {
                    Arrays.fill(row, empty);
                    long rows = 0;
                    for (long kd = lo[0][od]; kd <= hi[0][od]; kd++) {
                        long d = od * stride[0] - padBegin[0] + kd * dilation[0];
                        for (long kh = lo[1][oh]; kh <= hi[1][oh]; kh++, rows++) {
                            int from = (int) ((d * in[1] + oh * stride[1] - padBegin[1] + kh * dilation[1]) * width);
                            if (max) {
                                for (int w = 0; w < width; w++) {
                                    row[w] = Math.max(row[w], x[from + w]);
                                }
                            } else {
                                for (int w = 0; w < width; w++) {
                                    row[w] += x[from + w];
                                }
                            }
                        }
                    }
                    for (int ow = 0; ow < out[2]; ow++, o++) {
                        double acc = empty;
                        long start = ow * stride[2] - padBegin[2];
                        for (long kw = lo[2][ow]; kw <= hi[2][ow]; kw++) {
                            double v = row[(int) (start + kw * dilation[2])];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                        long inside = rows * Math.max(0, hi[2][ow] - lo[2][ow] + 1);
                        y[o] = max ? acc : acc / (countPads ? padded[0][od] * padded[1][oh] * padded[2][ow] : inside);
                    }
                }
            }
        }

        /** The first tap k of the window at output position {@code o} whose input coordinate is at least {@code low}. */
        private long firstTap(long o, int a, long low) {
            long start = o * stride[a] - padBegin[a];
            return Math.max(0, Math.ceilDiv(low - start, dilation[a]));
        }

        /** The last tap k of the window at output position {@code o} whose input coordinate is at most {@code high}. */
        private long lastTap(long o, int a, long high) {
            long start = o * stride[a] - padBegin[a];
            return Math.min(kernel[a] - 1, Math.floorDiv(high - start, dilation[a]));
        }
    }
}
