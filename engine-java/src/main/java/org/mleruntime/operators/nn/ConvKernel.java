package org.mleruntime.operators.nn;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.DerivedConstants;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.OutputActivation;
import org.mleruntime.kernels.Parallel;

/**
 * Conv as matrix products: per image and group, Y[M/g × P] = W[M/g × K] · cols[K × P], where each
 * column of {@code cols} holds the K = C/g · k1⋯kr input values under one of the P output positions
 * (im2col). Columns are built a tile of whole output rows at a time, so the scratch stays small
 * whatever the image size (they are allocated per call: a kernel keeps no memory between runs); a
 * 1×1 convolution without stride or padding multiplies the input in place, and a depthwise one (one
 * input channel per group) runs its own direct loop ({@link DepthwiseConv}). Constant weights are
 * packed for the GEMM once per model, and the work is split between the run's threads.
 */
final class ConvKernel implements Kernel {
    /** Floats of one tile of columns (1 MiB): half of a 2 MiB L2 cache, wide enough that the GEMM runs near its best rate. */
    private static final int TILE_FLOATS = 256 * 1024;
    /** Column parts of a 1×1 convolution are multiples of this, so that no micro-kernel tile is cut. */
    private static final int COLUMN_GRANULE = 64;

    private final Node node;
    private final MathKernels math;
    private final FloatGemm gemm;
    private final OutputActivation activation;

    /** Each group's weights packed for the GEMM when W is a constant, else null. */
    private final FloatGemm.PackedMatrix[] packedWeights;

    /** @param weights W when it is a constant, else null */
    ConvKernel(Node node, MathKernels math, Tensor weights) {
        this.node = node;
        this.math = math;
        this.gemm = math.floatGemm();
        this.activation = OutputActivation.of(node);
        int groups = Math.toIntExact(node.intAttr("group", 1));
        this.packedWeights = weights == null ? null : DerivedConstants.of(weights, new PackedWeights(gemm, groups), w -> pack(gemm, w, groups));
    }

    /** What the packed form of a Conv's weights depends on. */
    private record PackedWeights(FloatGemm gemm, int groups) {}

    private static FloatGemm.PackedMatrix[] pack(FloatGemm gemm, Tensor w, int groups) {
        int maps = Math.toIntExact(w.shape().dim(0));
        int k = Math.toIntExact(w.elementCount() / Math.max(maps, 1));
        int groupMaps = maps / groups;
        FloatGemm.PackedMatrix[] packed = new FloatGemm.PackedMatrix[groups];
        for (int grp = 0; grp < groups; grp++) {
            packed[grp] = gemm.pack(false, groupMaps, k, w.data(), (long) grp * groupMaps * k, k);
        }
        return packed;
    }

    /** Y's rows [yOffset …) of {@code maps} × {@code width} (rows {@code ldy} apart) (+)= the group's W · B. */
    private void multiply(Tensor w, int grp, int groupMaps, int k, int width, MemorySegment b, long bOffset, int ldb,
                          MemorySegment y, long yOffset, int ldy) {
        if (packedWeights != null) {
            gemm.sgemm(packedWeights[grp], false, width, b, bOffset, ldb, true, y, yOffset, ldy);
        } else {
            gemm.sgemm(false, false, groupMaps, width, k, w.data(), (long) grp * groupMaps * k, k, b, bOffset, ldb, true, y, yOffset, ldy);
        }
        activate(y, yOffset, groupMaps, width, ldy);
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor w = in[1];
        Tensor y = out[0];
        Shape xs = x.shape();
        long[] kernel = ConvSchema.spatial(w.shape());
        WindowGeometry g = WindowGeometry.of(node, ConvSchema.spatial(xs), kernel, false);
        int groups = Math.toIntExact(node.intAttr("group", 1));
        int images = Math.toIntExact(xs.dim(0));
        int channels = Math.toIntExact(xs.dim(1));
        int maps = Math.toIntExact(w.shape().dim(0));
        int groupChannels = channels / groups;
        int groupMaps = maps / groups;
        int k = Math.toIntExact(groupChannels * g.kernelSize());
        int positions = Math.toIntExact(g.outputSize());
        long inSize = g.inputSize();
        Tensor bias = in.length > 2 ? in[2] : null;
        long work = (long) images * maps * positions * k;
        if (groupChannels == 1 && groups > 1) {
            DepthwiseConv depthwise = new DepthwiseConv(g, math);
            // Each output plane (image and map) on its own, a run of them per thread.
            Parallel.forRanges(images * maps, work, (first, last) -> {
                DepthwiseConv.Scratch scratch = depthwise.new Scratch();
                for (int p = first; p < last; p++) {
                    int n = p / maps;
                    int map = p % maps;
                    int channel = map / groupMaps;
                    boolean samePlane = p > first && map % groupMaps > 0;
                    depthwise.plane(x.data(), ((long) n * channels + channel) * inSize, samePlane, w.data(), (long) map * k,
                            bias == null ? 0f : bias.data().getAtIndex(F32, map), y.data(), (long) p * positions, scratch);
                    activate(y.data(), (long) p * positions, 1, positions, positions);
                }
            });
            return;
        }
        initialise(y, bias, images, maps, positions);
        if (isPointwise(g)) {
            // Each image and group, or each one's columns in parts when there are fewer of them than threads.
            int[] bounds = images * groups >= Parallel.threads() ? new int[] {0, positions}
                    : Parallel.ranges(positions, COLUMN_GRANULE, (long) groupMaps * k);
            int parts = bounds.length - 1;
            Parallel.forEach(images * groups * parts, work, task -> {
                int n = task / parts / groups;
                int grp = task / parts % groups;
                int from = bounds[task % parts];
                multiply(w, grp, groupMaps, k, bounds[task % parts + 1] - from,
                        x.data(), ((long) n * channels + (long) grp * groupChannels) * inSize + from, positions,
                        y.data(), ((long) n * maps + (long) grp * groupMaps) * positions + from, positions);
            });
            return;
        }
        Im2col im2col = new Im2col(g);
        int rowLength = im2col.rowLength();
        int tileRows = Math.max(1, Math.min(im2col.rows(), TILE_FLOATS / Math.max(k * rowLength, 1)));
        int tilesPerGroup = (im2col.rows() + tileRows - 1) / tileRows;
        int tiles = images * groups * tilesPerGroup;
        float[] xValues = im2col.channels(x.data(), 0, images * channels);
        // Each thread takes a run of tiles (over images, groups and output rows) with columns of its own.
        Parallel.forRanges(tiles, work, (first, last) -> {
            float[] cols = new float[k * tileRows * rowLength];
            MemorySegment colSegment = MemorySegment.ofArray(cols);
            for (int tile = first; tile < last; tile++) {
                int n = tile / tilesPerGroup / groups;
                int grp = tile / tilesPerGroup % groups;
                int row = tile % tilesPerGroup * tileRows;
                int count = Math.min(tileRows, im2col.rows() - row);
                int width = count * rowLength;
                im2col.fill(xValues, Math.toIntExact(((long) n * channels + (long) grp * groupChannels) * inSize), groupChannels, row, count, cols);
                multiply(w, grp, groupMaps, k, width, colSegment, 0, width, y.data(),
                        ((long) n * maps + (long) grp * groupMaps) * positions + (long) row * rowLength, positions);
            }
        });
    }

    /** The folded activation on a block of outputs just computed, while it is in cache. */
    private void activate(MemorySegment y, long offset, int maps, int width, int ldy) {
        if (activation == null) {
            return;
        }
        if (width == ldy) {
            activation.apply(math, y, offset, (long) maps * width);
            return;
        }
        for (int map = 0; map < maps; map++) {
            activation.apply(math, y, offset + (long) map * ldy, width);
        }
    }

    /** Y starts as the bias of each map (or zero), and the products are added to it. */
    private static void initialise(Tensor y, Tensor bias, int images, int maps, int positions) {
        MemorySegment data = y.data();
        float[] plane = new float[positions];
        for (int n = 0; n < images; n++) {
            for (int m = 0; m < maps; m++) {
                Arrays.fill(plane, bias == null ? 0f : bias.data().getAtIndex(F32, m));
                MemorySegment.copy(plane, 0, data, F32, ((long) n * maps + m) * positions * Float.BYTES, positions);
            }
        }
    }

    private static boolean isPointwise(WindowGeometry g) {
        for (int i = 0; i < g.rank(); i++) {
            if (g.kernel()[i] != 1 || g.strides()[i] != 1 || g.padsBegin()[i] != 0 || g.padsEnd()[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
