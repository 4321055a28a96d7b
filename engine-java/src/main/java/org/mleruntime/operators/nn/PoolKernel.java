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
        final long[] in = new long[3];
        final long[] kernel = new long[3];
        final long[] stride = new long[3];
        final long[] dilation = new long[3];
        final long[] padBegin = new long[3];
        final long[] padEnd = new long[3];
        final long[] out = new long[3];
        final long inSize;
        final long outSize;

        Window(WindowGeometry g) {
            int shift = 3 - g.rank();
            for (int i = 0; i < 3; i++) {
                boolean real = i >= shift;
                in[i] = real ? g.input()[i - shift] : 1;
                kernel[i] = real ? g.kernel()[i - shift] : 1;
                stride[i] = real ? g.strides()[i - shift] : 1;
                dilation[i] = real ? g.dilations()[i - shift] : 1;
                padBegin[i] = real ? g.padsBegin()[i - shift] : 0;
                padEnd[i] = real ? g.padsEnd()[i - shift] : 0;
                out[i] = real ? g.output()[i - shift] : 1;
            }
            inSize = in[0] * in[1] * in[2];
            outSize = out[0] * out[1] * out[2];
        }

        void pool(Tensor x, long xBase, Tensor y, long yBase, boolean max, boolean countPads) {
            long o = yBase;
            for (long od = 0; od < out[0]; od++) {
                for (long oh = 0; oh < out[1]; oh++) {
                    for (long ow = 0; ow < out[2]; ow++, o++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        long inside = 0;
                        long padded = 0;
                        for (long kd = 0; kd < kernel[0]; kd++) {
                            long d = od * stride[0] - padBegin[0] + kd * dilation[0];
                            for (long kh = 0; kh < kernel[1]; kh++) {
                                long h = oh * stride[1] - padBegin[1] + kh * dilation[1];
                                for (long kw = 0; kw < kernel[2]; kw++) {
                                    long w = ow * stride[2] - padBegin[2] + kw * dilation[2];
                                    if (within(d, 0) && within(h, 1) && within(w, 2)) {
                                        double v = x.getDouble(xBase + (d * in[1] + h) * in[2] + w);
                                        acc = max ? maximum(acc, v) : acc + v;
                                        inside++;
                                        padded++;
                                    } else if (withinPads(d, 0) && withinPads(h, 1) && withinPads(w, 2)) {
                                        padded++;
                                    }
                                }
                            }
                        }
                        y.setDouble(o, max ? acc : acc / (countPads ? padded : inside));
                    }
                }
            }
        }

        private boolean within(long i, int axis) {
            return i >= 0 && i < in[axis];
        }

        private boolean withinPads(long i, int axis) {
            return i >= -padBegin[axis] && i < in[axis] + padEnd[axis];
        }
    }
}
