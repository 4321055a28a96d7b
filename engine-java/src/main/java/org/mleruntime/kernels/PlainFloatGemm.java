package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The plain-Java {@link FloatGemm}: {@link PackedFloatGemm}'s blocks with a micro-kernel written for
 * C2's auto-vectoriser. Plain Java cannot pin vectors in registers, so the 4 × 256 tile lives in four
 * row arrays (4 KiB, in L1) and the inner loop runs along them, which C2 turns into vector fused
 * multiply-adds. Four steps of the depth are taken at once, so that each load and store of the tile
 * serves four multiply-adds and each load of B four rows. The loop stops at C's last column, so that a
 * narrow C (a deep convolution's 7 × 7 pixels) does not pay for the whole width.
 */
public final class PlainFloatGemm extends PackedFloatGemm {
    private static final int ROWS = 4;
    private static final int COLUMNS = 256;
    public static final PlainFloatGemm INSTANCE = new PlainFloatGemm();

    private PlainFloatGemm() {
        super(ROWS, COLUMNS, 128, 1024, ROWS);
    }

    @Override
    protected void multiply(float[] a, int aAt, float[][] b, int bAt, int depth,
                            MemorySegment c, long cAt, int ldc, int height, int width, boolean add, float[][] tile) {
        float[] t0 = tile[0], t1 = tile[1], t2 = tile[2], t3 = tile[3];
        if (add) {
            loadTile(c, cAt, ldc, height, width, tile);
        } else {
            Arrays.fill(t0, 0f);
            Arrays.fill(t1, 0f);
            Arrays.fill(t2, 0f);
            Arrays.fill(t3, 0f);
        }
        int p = 0;
        for (; p + 4 <= depth; p += 4) {
            int ai = aAt + p * ROWS;
            float a00 = a[ai], a01 = a[ai + 1], a02 = a[ai + 2], a03 = a[ai + 3];
            float a10 = a[ai + 4], a11 = a[ai + 5], a12 = a[ai + 6], a13 = a[ai + 7];
            float a20 = a[ai + 8], a21 = a[ai + 9], a22 = a[ai + 10], a23 = a[ai + 11];
            float a30 = a[ai + 12], a31 = a[ai + 13], a32 = a[ai + 14], a33 = a[ai + 15];
            float[] b0 = b[bAt + p], b1 = b[bAt + p + 1], b2 = b[bAt + p + 2], b3 = b[bAt + p + 3];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j], x1 = b1[j], x2 = b2[j], x3 = b3[j];
                t0[j] = Math.fma(a30, x3, Math.fma(a20, x2, Math.fma(a10, x1, Math.fma(a00, x0, t0[j]))));
                t1[j] = Math.fma(a31, x3, Math.fma(a21, x2, Math.fma(a11, x1, Math.fma(a01, x0, t1[j]))));
                t2[j] = Math.fma(a32, x3, Math.fma(a22, x2, Math.fma(a12, x1, Math.fma(a02, x0, t2[j]))));
                t3[j] = Math.fma(a33, x3, Math.fma(a23, x2, Math.fma(a13, x1, Math.fma(a03, x0, t3[j]))));
            }
        }
        for (; p < depth; p++) {
            int ai = aAt + p * ROWS;
            float a0 = a[ai], a1 = a[ai + 1], a2 = a[ai + 2], a3 = a[ai + 3];
            float[] b0 = b[bAt + p];
            for (int j = 0; j < width; j++) {
                float x = b0[j];
                t0[j] = Math.fma(a0, x, t0[j]);
                t1[j] = Math.fma(a1, x, t1[j]);
                t2[j] = Math.fma(a2, x, t2[j]);
                t3[j] = Math.fma(a3, x, t3[j]);
            }
        }
        storeTile(tile, c, cAt, ldc, height, width);
    }
}
