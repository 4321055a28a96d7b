package org.mleruntime.kernels.vector;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.mleruntime.kernels.PackedFloatGemm;

/**
 * The Vector API {@link org.mleruntime.kernels.FloatGemm}: {@link PackedFloatGemm}'s blocks with a
 * micro-kernel holding a 6-row × 2-vector tile of C in twelve registers (32 × 6 floats with AVX-512,
 * 16 × 6 with AVX2). Each step of the depth loads two vectors of packed B and broadcasts six values of
 * packed A: 8 loads for 12 fused multiply-adds, so the loop is bound by the FMA units, and twelve
 * independent sums cover their latency. The tile fits AVX2's sixteen registers as well.
 */
public final class VectorFloatGemm extends PackedFloatGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final int ROWS = 6;
    private static final int COLUMNS = 2 * LANES;
    /** The least common multiple of {@link #ROWS} and {@link #LANES}: a run of packed A that both divide. */
    private static final int GROUP = ROWS * LANES / gcd(ROWS, LANES);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate((long) ROWS * COLUMNS * Float.BYTES, 64));
    static final VectorFloatGemm INSTANCE = new VectorFloatGemm();

    /** Measured on a 2-core AVX-512 machine, a 784 → 512 layer: streaming B wins below 12 rows, packing it from 16. */
    private VectorFloatGemm() {
        super(ROWS, COLUMNS, 120, 1024, 12);
    }

    /**
     * Full tiles of native C are summed in place; edges and heap segments go through a native scratch
     * tile, so that the kernel only ever sees native segments (a heap segment would take the Vector
     * API's slow path and spoil the JIT's profile of the kernel).
     */
    @Override
    protected void multiply(float[] a, int aAt, float[][] b, int bAt, int depth,
                            MemorySegment c, long cAt, int ldc, int height, int width, boolean add, float[][] tile) {
        if (height == ROWS && width == COLUMNS && c.isNative()) {
            multiply(a, aAt, b, bAt, depth, c, cAt * Float.BYTES, (long) ldc * Float.BYTES, add);
            return;
        }
        MemorySegment scratch = SCRATCH.get();
        long rowBytes = (long) COLUMNS * Float.BYTES;
        if (add) {
            for (int r = 0; r < height; r++) {
                MemorySegment.copy(c, (cAt + (long) r * ldc) * Float.BYTES, scratch, r * rowBytes, (long) width * Float.BYTES);
            }
        }
        multiply(a, aAt, b, bAt, depth, scratch, 0, rowBytes, add);
        for (int r = 0; r < height; r++) {
            MemorySegment.copy(scratch, r * rowBytes, c, (cAt + (long) r * ldc) * Float.BYTES, (long) width * Float.BYTES);
        }
    }

    /** The full tile at byte {@code at} of native {@code c}, rows {@code stride} bytes apart. */
    private static void multiply(float[] a, int aAt, float[][] b, int bAt, int depth, MemorySegment c, long at, long stride, boolean add) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        long second = (long) LANES * Float.BYTES;
        if (add) {
            c00 = FloatVector.fromMemorySegment(F, c, at, LE);
            c01 = FloatVector.fromMemorySegment(F, c, at + second, LE);
            c10 = FloatVector.fromMemorySegment(F, c, at + stride, LE);
            c11 = FloatVector.fromMemorySegment(F, c, at + stride + second, LE);
            c20 = FloatVector.fromMemorySegment(F, c, at + 2 * stride, LE);
            c21 = FloatVector.fromMemorySegment(F, c, at + 2 * stride + second, LE);
            c30 = FloatVector.fromMemorySegment(F, c, at + 3 * stride, LE);
            c31 = FloatVector.fromMemorySegment(F, c, at + 3 * stride + second, LE);
            c40 = FloatVector.fromMemorySegment(F, c, at + 4 * stride, LE);
            c41 = FloatVector.fromMemorySegment(F, c, at + 4 * stride + second, LE);
            c50 = FloatVector.fromMemorySegment(F, c, at + 5 * stride, LE);
            c51 = FloatVector.fromMemorySegment(F, c, at + 5 * stride + second, LE);
        } else {
            c00 = FloatVector.zero(F);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00; c40 = c00; c41 = c00; c50 = c00; c51 = c00;
        }
        for (int p = 0; p < depth; p++) {
            float[] row = b[bAt + p];
            int ai = aAt + p * ROWS;
            FloatVector b0 = FloatVector.fromArray(F, row, 0);
            FloatVector b1 = FloatVector.fromArray(F, row, LANES);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoMemorySegment(c, at, LE);
        c01.intoMemorySegment(c, at + second, LE);
        c10.intoMemorySegment(c, at + stride, LE);
        c11.intoMemorySegment(c, at + stride + second, LE);
        c20.intoMemorySegment(c, at + 2 * stride, LE);
        c21.intoMemorySegment(c, at + 2 * stride + second, LE);
        c30.intoMemorySegment(c, at + 3 * stride, LE);
        c31.intoMemorySegment(c, at + 3 * stride + second, LE);
        c40.intoMemorySegment(c, at + 4 * stride, LE);
        c41.intoMemorySegment(c, at + 4 * stride + second, LE);
        c50.intoMemorySegment(c, at + 5 * stride, LE);
        c51.intoMemorySegment(c, at + 5 * stride + second, LE);
    }

    /** A full sliver in two gathers per step of the depth, one for each vector of the packed row. */
    @Override
    protected void transpose(float[] stored, int depth, int width, float[][] packed, int at) {
        if (width < COLUMNS) {
            super.transpose(stored, depth, width, packed, at);
            return;
        }
        int[] rowStarts = new int[COLUMNS];
        for (int j = 0; j < COLUMNS; j++) {
            rowStarts[j] = j * depth;
        }
        for (int p = 0; p < depth; p++) {
            float[] row = packed[at + p];
            FloatVector.fromArray(F, stored, p, rowStarts, 0).intoArray(row, 0);
            FloatVector.fromArray(F, stored, p, rowStarts, LANES).intoArray(row, LANES);
        }
    }

    /**
     * A full sliver by gathers: {@code GROUP} floats of packed A (a whole number of vectors and of
     * depth steps, 48 with AVX-512) at a time, each lane's source in {@code sources}.
     */
    @Override
    protected void interleave(float[] stored, int depth, int height, float[] packed, int at) {
        int steps = GROUP / ROWS;
        if (height < ROWS || depth < steps) {
            super.interleave(stored, depth, height, packed, at);
            return;
        }
        int[] sources = new int[GROUP];
        for (int q = 0; q < GROUP; q++) {
            sources[q] = q % ROWS * depth + q / ROWS;
        }
        int p = 0;
        for (; p + steps <= depth; p += steps) {
            int to = at + p * ROWS;
            for (int v = 0; v < GROUP; v += LANES) {
                FloatVector.fromArray(F, stored, p, sources, v).intoArray(packed, to + v);
            }
        }
        for (; p < depth; p++) {
            for (int r = 0; r < ROWS; r++) {
                packed[at + p * ROWS + r] = stored[r * depth + p];
            }
        }
    }

    /**
     * A few rows of A times B as stored, B native (a layer's weights, a recurrent matrix): for each
     * chunk of C's columns, the sums stay in registers along the whole depth while B's rows stream
     * past, four rows of A at a time (sixteen vectors of sums), so each load of B serves four
     * multiply-adds and C is written once.
     */
    @Override
    protected void streamRows(boolean transA, int m, int k, MemorySegment a, long aOffset, int lda,
                              MemorySegment b, long bOffset, int ldb,
                              boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to) {
        if (!b.isNative()) {
            super.streamRows(transA, m, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc, from, to);
            return;
        }
        int n = to - from;
        float[][] rowsOfA = new float[m][k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                rowsOfA[i][p] = a.getAtIndex(F32, aOffset + (transA ? (long) p * lda + i : (long) i * lda + p));
            }
        }
        float[] zeros = new float[k];
        float[][] sums = new float[4][n];
        long first = (bOffset + from) * Float.BYTES;
        long stride = (long) ldb * Float.BYTES;
        for (int i = 0; i < m; i += 4) {
            int height = Math.min(4, m - i);
            float[] x0 = rowsOfA[i];
            float[] x1 = height > 1 ? rowsOfA[i + 1] : zeros;
            float[] x2 = height > 2 ? rowsOfA[i + 2] : zeros;
            float[] x3 = height > 3 ? rowsOfA[i + 3] : zeros;
            int j = 0;
            if (height == 1) {
                for (; j + 4 * LANES <= n; j += 4 * LANES) {
                    streamOneRow(x0, k, b, first + (long) j * Float.BYTES, stride, sums[0], j);
                }
            } else {
                for (; j + 4 * LANES <= n; j += 4 * LANES) {
                    streamFourRows(x0, x1, x2, x3, k, b, first + (long) j * Float.BYTES, stride, sums, j);
                }
            }
            for (; j < n; j++) {
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int p = 0; p < k; p++) {
                    float v = b.get(F32, first + (long) j * Float.BYTES + p * stride);
                    s0 = Math.fma(x0[p], v, s0);
                    s1 = Math.fma(x1[p], v, s1);
                    s2 = Math.fma(x2[p], v, s2);
                    s3 = Math.fma(x3[p], v, s3);
                }
                sums[0][j] = s0;
                sums[1][j] = s1;
                sums[2][j] = s2;
                sums[3][j] = s3;
            }
            for (int r = 0; r < height; r++) {
                long at = (cOffset + (long) (i + r) * ldc + from) * Float.BYTES;
                if (accumulate) {
                    for (int q = 0; q < n; q++) {
                        sums[r][q] += c.get(F32, at + (long) q * Float.BYTES);
                    }
                }
                MemorySegment.copy(sums[r], 0, c, F32, at, n);
            }
        }
    }

    /** sums[j … j + 4 vectors) = Σ_p x[p] · B[p][…] for one row of A, B's chunk starting at byte {@code at}. */
    private static void streamOneRow(float[] x, int k, MemorySegment b, long at, long stride, float[] sums, int j) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        long second = (long) LANES * Float.BYTES;
        for (int p = 0; p < k; p++, at += stride) {
            FloatVector xp = FloatVector.broadcast(F, x[p]);
            s0 = xp.fma(FloatVector.fromMemorySegment(F, b, at, LE), s0);
            s1 = xp.fma(FloatVector.fromMemorySegment(F, b, at + second, LE), s1);
            s2 = xp.fma(FloatVector.fromMemorySegment(F, b, at + 2 * second, LE), s2);
            s3 = xp.fma(FloatVector.fromMemorySegment(F, b, at + 3 * second, LE), s3);
        }
        s0.intoArray(sums, j);
        s1.intoArray(sums, j + LANES);
        s2.intoArray(sums, j + 2 * LANES);
        s3.intoArray(sums, j + 3 * LANES);
    }

    /** {@link #streamOneRow} for four rows of A at once, each load of B used four times. */
    private static void streamFourRows(float[] x0, float[] x1, float[] x2, float[] x3, int k, MemorySegment b, long at, long stride,
                                       float[][] sums, int j) {
        FloatVector s00 = FloatVector.zero(F), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        long second = (long) LANES * Float.BYTES;
        for (int p = 0; p < k; p++, at += stride) {
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, at, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, at + second, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(F, b, at + 2 * second, LE);
            FloatVector b3 = FloatVector.fromMemorySegment(F, b, at + 3 * second, LE);
            FloatVector x = FloatVector.broadcast(F, x0[p]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(F, x1[p]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(F, x2[p]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(F, x3[p]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
        }
        store(sums[0], j, s00, s01, s02, s03);
        store(sums[1], j, s10, s11, s12, s13);
        store(sums[2], j, s20, s21, s22, s23);
        store(sums[3], j, s30, s31, s32, s33);
    }

    private static void store(float[] sums, int j, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(sums, j);
        v1.intoArray(sums, j + LANES);
        v2.intoArray(sums, j + 2 * LANES);
        v3.intoArray(sums, j + 3 * LANES);
    }

    /** Fused multiply-adds into four vectors of partial sums, enough to hide the FMA latency, then the lanes and the tail. */
    @Override
    protected float dot(float[] x, float[] y, int length) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p + 4 * LANES <= length; p += 4 * LANES) {
            s0 = FloatVector.fromArray(F, x, p).fma(FloatVector.fromArray(F, y, p), s0);
            s1 = FloatVector.fromArray(F, x, p + LANES).fma(FloatVector.fromArray(F, y, p + LANES), s1);
            s2 = FloatVector.fromArray(F, x, p + 2 * LANES).fma(FloatVector.fromArray(F, y, p + 2 * LANES), s2);
            s3 = FloatVector.fromArray(F, x, p + 3 * LANES).fma(FloatVector.fromArray(F, y, p + 3 * LANES), s3);
        }
        for (; p + LANES <= length; p += LANES) {
            s0 = FloatVector.fromArray(F, x, p).fma(FloatVector.fromArray(F, y, p), s0);
        }
        // Lanes summed in order: reduceLanes leaves the order open, and the interpreter's order differs
        // from compiled code's, so the same call would give other bits once the JIT has compiled it.
        FloatVector total = s0.add(s1).add(s2.add(s3));
        float sum = 0;
        for (int lane = 0; lane < LANES; lane++) {
            sum += total.lane(lane);
        }
        for (; p < length; p++) {
            sum = Math.fma(x[p], y[p], sum);
        }
        return sum;
    }

    private static int gcd(int x, int y) {
        return y == 0 ? x : gcd(y, x % y);
    }
}
