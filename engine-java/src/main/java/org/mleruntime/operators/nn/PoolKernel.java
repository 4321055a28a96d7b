package org.mleruntime.operators.nn;

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
                    acc = max ? maximum(acc, x.getDouble(i)) : acc + x.getDouble(i);
                }
                y.setDouble(p, max ? acc : acc / size);
            }
            return;
        }
        Window w = new Window(PoolSchema.window(node, x.shape()));
        for (long p = 0; p < planes; p++) {
            w.pool(x, p * w.inSize, y, p * w.outSize, max, countPads);
        }
    }

    static double maximum(double acc, double v) {
        return v > acc || Double.isNaN(v) ? v : acc;
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

        void pool(Tensor x, long xBase, Tensor y, long yBase, boolean max, boolean countPads) {
            long o = yBase;
            long[] index = new long[3];
            long[] lo = new long[3];
            long[] hi = new long[3];
            for (index[0] = 0; index[0] < out[0]; index[0]++) {
                for (index[1] = 0; index[1] < out[1]; index[1]++) {
                    for (index[2] = 0; index[2] < out[2]; index[2]++, o++) {
                        // Only the window's taps inside X are visited, so a window or padding of any size costs what X holds.
                        long padded = 1;
                        for (int a = 0; a < 3; a++) {
                            lo[a] = firstTap(index[a], a, 0);
                            hi[a] = lastTap(index[a], a, in[a] - 1);
                            padded *= Math.max(0, lastTap(index[a], a, in[a] - 1 + padEnd[a]) - firstTap(index[a], a, -padBegin[a]) + 1);
                        }
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        long inside = 0;
                        for (long kd = lo[0]; kd <= hi[0]; kd++) {
                            long d = index[0] * stride[0] - padBegin[0] + kd * dilation[0];
                            for (long kh = lo[1]; kh <= hi[1]; kh++) {
                                long h = index[1] * stride[1] - padBegin[1] + kh * dilation[1];
                                for (long kw = lo[2]; kw <= hi[2]; kw++) {
                                    long w = index[2] * stride[2] - padBegin[2] + kw * dilation[2];
                                    double v = x.getDouble(xBase + (d * in[1] + h) * in[2] + w);
                                    acc = max ? maximum(acc, v) : acc + v;
                                    inside++;
                                }
                            }
                        }
                        y.setDouble(o, max ? acc : acc / (countPads ? padded : inside));
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
