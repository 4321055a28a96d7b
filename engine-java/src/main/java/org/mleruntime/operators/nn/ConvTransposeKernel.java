package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.Kernel;

/**
 * ConvTranspose as a matrix product and a scatter: per image and group, cols[M/g·K × P] =
 * W[C/g × M/g·K]ᵀ · X[C/g × P] over the P input positions, then each column's values are added to
 * the output positions its window covers (col2im), the bias first.
 */
final class ConvTransposeKernel implements Kernel {
    private final Node node;
    private final FloatGemm gemm;

    ConvTransposeKernel(Node node, FloatGemm gemm) {
        this.node = node;
        this.gemm = gemm;
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor w = in[1];
        Tensor y = out[0];
        long[] spatialIn = ConvSchema.spatial(x.shape());
        long[] kernel = ConvSchema.spatial(w.shape());
        ConvTransposeSchema g = ConvTransposeSchema.of(node, spatialIn, kernel);
        int groups = Math.toIntExact(node.intAttr("group", 1));
        int images = Math.toIntExact(x.shape().dim(0));
        int channels = Math.toIntExact(x.shape().dim(1));
        int groupChannels = channels / groups;
        int groupMaps = Math.toIntExact(w.shape().dim(1));
        int maps = groupMaps * groups;
        int r = spatialIn.length;
        long kernelSize = 1;
        long positionsIn = 1;
        long positionsOut = 1;
        for (int i = 0; i < r; i++) {
            kernelSize *= kernel[i];
            positionsIn *= spatialIn[i];
            positionsOut *= g.output()[i];
        }
        int rows = Math.toIntExact(groupMaps * kernelSize);
        int p = Math.toIntExact(positionsIn);
        float[] cols = new float[rows * p];
        MemorySegment colSegment = MemorySegment.ofArray(cols);
        for (int n = 0; n < images; n++) {
            for (int m = 0; m < maps; m++) {
                float b = in.length > 2 && in[2] != null ? in[2].data().getAtIndex(F32, m) : 0f;
                for (long o = 0; o < positionsOut; o++) {
                    y.data().setAtIndex(F32, ((long) n * maps + m) * positionsOut + o, b);
                }
            }
            for (int grp = 0; grp < groups; grp++) {
                gemm.sgemm(true, false, rows, p, groupChannels, w.data(), (long) grp * groupChannels * rows, rows,
                        x.data(), ((long) n * channels + (long) grp * groupChannels) * positionsIn, p, false, colSegment, 0, p);
                scatter(cols, g, kernelSize, positionsIn, y.data(), ((long) n * maps + (long) grp * groupMaps) * positionsOut, groupMaps, positionsOut);
            }
        }
    }

    /** Adds each column value to its output position: o = i·stride − begin + κ·dilation on every axis, when inside. */
    private static void scatter(float[] cols, ConvTransposeSchema g, long kernelSize, long positionsIn, MemorySegment y, long yBase,
                                int maps, long positionsOut) {
        int r = g.input().length;
        long[] inIndex = new long[r];
        long[] kIndex = new long[r];
        for (int m = 0; m < maps; m++) {
            for (long k = 0; k < kernelSize; k++) {
                unravel(k, g.kernel(), kIndex);
                long row = (m * kernelSize + k) * positionsIn;
                for (long i = 0; i < positionsIn; i++) {
                    unravel(i, g.input(), inIndex);
                    long o = 0;
                    boolean inside = true;
                    for (int a = 0; a < r && inside; a++) {
                        long at = inIndex[a] * g.strides()[a] - g.pads()[a] + kIndex[a] * g.dilations()[a];
                        inside = at >= 0 && at < g.output()[a];
                        o = o * g.output()[a] + at;
                    }
                    if (inside) {
                        long target = yBase + m * positionsOut + o;
                        y.setAtIndex(F32, target, y.getAtIndex(F32, target) + cols[(int) (row + i)]);
                    }
                }
            }
        }
    }

    private static void unravel(long flat, long[] dims, long[] index) {
        for (int a = dims.length - 1; a >= 0; a--) {
            index[a] = flat % dims[a];
            flat /= dims[a];
        }
    }
}
