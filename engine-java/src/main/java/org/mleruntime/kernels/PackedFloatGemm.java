package org.mleruntime.kernels;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The blocked {@link FloatGemm} of BLAS libraries (Goto's scheme), with the innermost product left to
 * a subclass. Blocks of B (up to {@link #DEPTH} × {@code columnBlock}) and of A ({@code rowBlock} ×
 * {@link #DEPTH}) are copied into arrays once each, in the order the micro-kernel reads them, so that
 * the micro-kernel runs on contiguous, cache-resident floats whatever the transposes, strides and
 * kind of segment, and sums a {@code rows × columns} tile of C across a whole block's depth.
 * Edges are padded with zeros in the packed copies and cut off when the tile is written back.
 *
 * <p>B and the tile are arrays of rows, each {@code columns} long: C2 vectorises a plain loop over
 * several float arrays only when all of them are indexed by the same expression (it cannot rule out
 * that two float arrays overlap), and rows of their own let a loop read B's row p and the tile's row r
 * both at index j.
 *
 * <p>A few rows of A (a small batch through a dense layer) are not worth packing B for: fewer than
 * {@code fewRows} are built by streaming B once instead, along its rows (B as stored) or as dot
 * products with its rows (B transposed, a linear layer's weights).
 *
 * <p>The packed blocks are kept per thread and reused, about a megabyte each. One call runs on one
 * thread; {@link #sgemmColumns} computes a range of C's columns on its own, so that a caller may split
 * N between threads, each writing its own columns of C.
 */
public abstract class PackedFloatGemm implements FloatGemm {
    /** The depth of one block: a packed sliver of B ({@code DEPTH × columns} floats) stays in L1. */
    static final int DEPTH = 256;

    private final int rows;
    private final int columns;
    private final int rowBlock;
    private final int columnBlock;
    private final int fewRows;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    /** The packed blocks, the buffers that rows of a segment are copied through, and the tile. */
    private final class Workspace {
        final float[][] packedB = new float[columnBlock / columns * DEPTH][columns];
        final float[] storedRows = new float[columns * DEPTH];
        final float[] packedA = new float[rowBlock * DEPTH];
        final float[] line = new float[Math.max(DEPTH, Math.max(columnBlock, rowBlock))];
        final float[][] tile = new float[rows][columns];
    }

    /**
     * @param rows        the micro-kernel's tile height (MR)
     * @param columns     its tile width (NR)
     * @param rowBlock    rows of A packed at a time: {@code rowBlock × DEPTH} floats meant for L2
     * @param columnBlock columns of B packed at a time: {@code DEPTH × columnBlock} floats meant for L2
     * @param fewRows     the number of rows of A from which packing B pays, at least {@code rows}
     */
    protected PackedFloatGemm(int rows, int columns, int rowBlock, int columnBlock, int fewRows) {
        this.rows = rows;
        this.fewRows = Math.max(rows, fewRows);
        this.columns = columns;
        this.rowBlock = rowBlock / rows * rows;
        this.columnBlock = columnBlock / columns * columns;
    }

    /**
     * C's tile of {@code height × width} (at most {@code rows × columns}) at element {@code cAt}, rows
     * {@code ldc} apart: (add ? C : 0) + Σ_p a[aAt + p·rows + r] · b[bAt + p][j] for p &lt; depth, a sliver
     * of packed A times a sliver of packed B. {@code tile} is this thread's {@code rows × columns}
     * scratch, for a kernel that works on arrays ({@link #loadTile}, {@link #storeTile}); a kernel may
     * instead read and write C in place.
     */
    protected abstract void multiply(float[] a, int aAt, float[][] b, int bAt, int depth,
                                     MemorySegment c, long cAt, int ldc, int height, int width, boolean add, float[][] tile);

    /** Copies C's tile into the first {@code width} floats of the first {@code height} rows of {@code tile}. */
    protected static void loadTile(MemorySegment c, long cAt, int ldc, int height, int width, float[][] tile) {
        for (int r = 0; r < height; r++) {
            MemorySegment.copy(c, F32, (cAt + (long) r * ldc) * Float.BYTES, tile[r], 0, width);
        }
    }

    /** Copies {@link #loadTile}'s part of {@code tile} back to C. */
    protected static void storeTile(float[][] tile, MemorySegment c, long cAt, int ldc, int height, int width) {
        for (int r = 0; r < height; r++) {
            MemorySegment.copy(tile[r], 0, c, F32, (cAt + (long) r * ldc) * Float.BYTES, width);
        }
    }

    /**
     * packed[at + p][j] = stored[j · depth + p] for p &lt; depth, j &lt; width: a sliver of packed B from
     * B's stored rows, when B is transposed.
     */
    protected void transpose(float[] stored, int depth, int width, float[][] packed, int at) {
        for (int p = 0; p < depth; p++) {
            float[] row = packed[at + p];
            for (int j = 0; j < width; j++) {
                row[j] = stored[j * depth + p];
            }
        }
    }

    /**
     * packed[at + p · rows + r] = stored[r · depth + p] for p &lt; depth, r &lt; height: a sliver of packed
     * A from A's stored rows.
     */
    protected void interleave(float[] stored, int depth, int height, float[] packed, int at) {
        for (int r = 0; r < height; r++) {
            int from = r * depth;
            for (int p = 0; p < depth; p++) {
                packed[at + p * rows + r] = stored[from + p];
            }
        }
    }

    /** Σ_p x[p] · y[p] for p &lt; length, in any order. */
    protected float dot(float[] x, float[] y, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int p = 0;
        for (; p + 4 <= length; p += 4) {
            s0 = Math.fma(x[p], y[p], s0);
            s1 = Math.fma(x[p + 1], y[p + 1], s1);
            s2 = Math.fma(x[p + 2], y[p + 2], s2);
            s3 = Math.fma(x[p + 3], y[p + 3], s3);
        }
        for (; p < length; p++) {
            s0 = Math.fma(x[p], y[p], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public final void sgemm(boolean transA, boolean transB, int m, int n, int k,
                            MemorySegment a, long aOffset, int lda,
                            MemorySegment b, long bOffset, int ldb,
                            boolean accumulate, MemorySegment c, long cOffset, int ldc) {
        sgemmColumns(transA, transB, m, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc, 0, n);
    }

    /**
     * op(A) with its blocks packed as {@link #sgemmColumns} packs them per call: block (ic, pc) of
     * {@code rowBlock × DEPTH} at {@code blocks[ic / rowBlock][pc / DEPTH]}. Fewer rows than pay for
     * packing B keep no blocks: those products read A as stored.
     */
    private record PackedRows(PackedFloatGemm owner, boolean transA, int rows, int columns, MemorySegment source, long offset, int lda,
                              float[][][] blocks) implements PackedMatrix {}

    /**
     * op(B) with its slivers packed as {@link #sgemmColumns} packs a block of them per call, for all
     * of B's columns: the DEPTH-deep block at pc in {@code blocks[pc / DEPTH]}, sliver j / columns at
     * row (j / columns) · kc. Fewer rows of A than pay for packing, or columns that do not start on a
     * sliver, read B as stored.
     */
    private record PackedColumns(PackedFloatGemm owner, boolean transB, int rows, int columns, MemorySegment source, long offset, int ldb,
                                 float[][][] blocks) implements PackedMatrix {}

    @Override
    public final PackedMatrix packRight(boolean transB, int k, int n, MemorySegment b, long bOffset, int ldb) {
        if (k == 0 || n == 0) {
            return new PackedColumns(this, transB, k, n, b, bOffset, ldb, null);
        }
        float[][][] blocks = new float[(k + DEPTH - 1) / DEPTH][][];
        float[] line = new float[Math.max(n, columns * DEPTH)];
        for (int pc = 0; pc < k; pc += DEPTH) {
            int kc = Math.min(DEPTH, k - pc);
            float[][] block = new float[roundUp(n, columns) / columns * kc][columns];
            packB(transB, b, bOffset, ldb, pc, kc, 0, n, block, line);
            blocks[pc / DEPTH] = block;
        }
        return new PackedColumns(this, transB, k, n, b, bOffset, ldb, blocks);
    }

    @Override
    public final void sgemmColumns(boolean transA, int m, MemorySegment a, long aOffset, int lda, PackedMatrix packed,
                                   boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to) {
        if (!(packed instanceof PackedColumns b) || b.owner != this) {
            throw new IllegalArgumentException("a matrix packed by another GEMM");
        }
        if (b.blocks == null || m < fewRows || from % columns != 0 || m == 0 || from >= to) {
            sgemmColumns(transA, b.transB, m, b.rows, a, aOffset, lda, b.source, b.offset, b.ldb, accumulate, c, cOffset, ldc, from, to);
        } else {
            blocked(null, b, transA, m, b.rows, a, aOffset, lda, b.transB, b.source, b.offset, b.ldb, accumulate, c, cOffset, ldc, from, to);
        }
    }

    @Override
    public final PackedMatrix pack(boolean transA, int m, int k, MemorySegment a, long aOffset, int lda) {
        if (m < fewRows || k == 0) {
            return new PackedRows(this, transA, m, k, a, aOffset, lda, null);
        }
        float[][][] blocks = new float[(m + rowBlock - 1) / rowBlock][(k + DEPTH - 1) / DEPTH][];
        float[] line = new float[Math.max(DEPTH, rowBlock)];
        float[] storedRows = new float[columns * DEPTH];
        for (int ic = 0; ic < m; ic += rowBlock) {
            int mc = Math.min(rowBlock, m - ic);
            for (int pc = 0; pc < k; pc += DEPTH) {
                int kc = Math.min(DEPTH, k - pc);
                float[] block = new float[roundUp(mc, rows) * kc];
                packA(transA, a, aOffset, lda, ic, mc, pc, kc, block, transA ? line : storedRows);
                blocks[ic / rowBlock][pc / DEPTH] = block;
            }
        }
        return new PackedRows(this, transA, m, k, a, aOffset, lda, blocks);
    }

    @Override
    public final void sgemm(PackedMatrix packed, boolean transB, int n, MemorySegment b, long bOffset, int ldb,
                            boolean accumulate, MemorySegment c, long cOffset, int ldc) {
        if (!(packed instanceof PackedRows a) || a.owner != this) {
            throw new IllegalArgumentException("a matrix packed by another GEMM");
        }
        if (a.blocks == null) {
            sgemmColumns(a.transA, transB, a.rows, a.columns, a.source, a.offset, a.lda, b, bOffset, ldb, accumulate, c, cOffset, ldc, 0, n);
        } else {
            blocked(a, null, a.transA, a.rows, a.columns, a.source, a.offset, a.lda, transB, b, bOffset, ldb, accumulate, c, cOffset, ldc, 0, n);
        }
    }

    /** {@link #sgemm} restricted to C's columns [{@code from}, {@code to}), whatever C's width. */
    public final void sgemmColumns(boolean transA, boolean transB, int m, int k,
                                   MemorySegment a, long aOffset, int lda,
                                   MemorySegment b, long bOffset, int ldb,
                                   boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to) {
        if (m == 0 || from >= to) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    c.asSlice((cOffset + (long) i * ldc + from) * Float.BYTES, (long) (to - from) * Float.BYTES).fill((byte) 0);
                }
            }
            return;
        }
        if (m < fewRows) {
            if (transB) {
                dotRows(transA, m, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc, from, to);
            } else {
                streamRows(transA, m, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc, from, to);
            }
            return;
        }
        blocked(null, null, transA, m, k, a, aOffset, lda, transB, b, bOffset, ldb, accumulate, c, cOffset, ldc, from, to);
    }

    /**
     * The blocked product of C's columns [from, to), A's blocks taken from {@code prepacked} or packed
     * here, B's from {@code prepackedB} (then {@code from} starts a sliver) or packed here.
     */
    private void blocked(PackedRows prepacked, PackedColumns prepackedB, boolean transA, int m, int k, MemorySegment a, long aOffset, int lda,
                         boolean transB, MemorySegment b, long bOffset, int ldb,
                         boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to) {
        Workspace w = workspaces.get();
        float[][] packedB = w.packedB;
        float[] line = w.line;
        float[][] tile = w.tile;
        for (int jc = from; jc < to; jc += columnBlock) {
            int nc = Math.min(columnBlock, to - jc);
            for (int pc = 0; pc < k; pc += DEPTH) {
                int kc = Math.min(DEPTH, k - pc);
                int sliverAt = 0;
                if (prepackedB != null) {
                    packedB = prepackedB.blocks[pc / DEPTH];
                    sliverAt = jc / columns * kc;
                } else {
                    packB(transB, b, bOffset, ldb, pc, kc, jc, nc, packedB, transB ? w.storedRows : line);
                }
                boolean add = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += rowBlock) {
                    int mc = Math.min(rowBlock, m - ic);
                    float[] packedA = w.packedA;
                    if (prepacked != null) {
                        packedA = prepacked.blocks[ic / rowBlock][pc / DEPTH];
                    } else {
                        packA(transA, a, aOffset, lda, ic, mc, pc, kc, packedA, transA ? line : w.storedRows);
                    }
                    for (int jr = 0; jr < nc; jr += columns) {
                        int tileWidth = Math.min(columns, nc - jr);
                        for (int ir = 0; ir < mc; ir += rows) {
                            int tileHeight = Math.min(rows, mc - ir);
                            long cAt = cOffset + (long) (ic + ir) * ldc + jc + jr;
                            multiply(packedA, ir * kc, packedB, sliverAt + jr / columns * kc, kc, c, cAt, ldc, tileHeight, tileWidth, add, tile);
                        }
                    }
                }
            }
        }
    }

    /**
     * C's rows i &lt; m, each as Σ_p A[i][p] · B's row p, added row by row in an array: B is read once,
     * straight from its segment, and the loop along a row is vectorised by C2.
     */
    protected void streamRows(boolean transA, int m, int k, MemorySegment a, long aOffset, int lda,
                                   MemorySegment b, long bOffset, int ldb,
                                   boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to) {
        int n = to - from;
        float[][] sums = new float[m][n];
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                MemorySegment.copy(c, F32, (cOffset + (long) i * ldc + from) * Float.BYTES, sums[i], 0, n);
            }
        }
        float[] line = new float[n];
        for (int p = 0; p < k; p++) {
            MemorySegment.copy(b, F32, (bOffset + (long) p * ldb + from) * Float.BYTES, line, 0, n);
            for (int i = 0; i < m; i++) {
                float x = a.getAtIndex(F32, aOffset + (transA ? (long) p * lda + i : (long) i * lda + p));
                float[] sum = sums[i];
                for (int j = 0; j < n; j++) {
                    sum[j] = Math.fma(x, line[j], sum[j]);
                }
            }
        }
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(sums[i], 0, c, F32, (cOffset + (long) i * ldc + from) * Float.BYTES, n);
        }
    }

    /** C's rows i &lt; m as dot products of A's row i with B's stored rows, each read once. */
    private void dotRows(boolean transA, int m, int k, MemorySegment a, long aOffset, int lda,
                         MemorySegment b, long bOffset, int ldb,
                         boolean accumulate, MemorySegment c, long cOffset, int ldc, int from, int to) {
        float[][] aRows = new float[m][k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                aRows[i][p] = a.getAtIndex(F32, aOffset + (transA ? (long) p * lda + i : (long) i * lda + p));
            }
        }
        float[] line = new float[k];
        for (int j = from; j < to; j++) {
            MemorySegment.copy(b, F32, (bOffset + (long) j * ldb) * Float.BYTES, line, 0, k);
            for (int i = 0; i < m; i++) {
                long at = cOffset + (long) i * ldc + j;
                float sum = dot(aRows[i], line, k);
                c.setAtIndex(F32, at, accumulate ? c.getAtIndex(F32, at) + sum : sum);
            }
        }
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /**
     * B[pc..pc+kc) × [jc..jc+nc) as slivers of {@code columns}: (p, j) at packed[j / columns · kc + p][j % columns].
     * {@code line} takes a row of B as stored, or a sliver's worth of rows when B is transposed.
     */
    private void packB(boolean transB, MemorySegment b, long bOffset, int ldb, int pc, int kc, int jc, int nc,
                       float[][] packed, float[] line) {
        if (nc % columns != 0) {
            for (int p = 0; p < kc; p++) {
                Arrays.fill(packed[nc / columns * kc + p], 0f);
            }
        }
        if (transB) {
            for (int j = 0; j < nc; j += columns) {
                int width = Math.min(columns, nc - j);
                for (int column = 0; column < width; column++) {
                    MemorySegment.copy(b, F32, (bOffset + (long) (jc + j + column) * ldb + pc) * Float.BYTES, line, column * kc, kc);
                }
                transpose(line, kc, width, packed, j / columns * kc);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(b, F32, (bOffset + (long) (pc + p) * ldb + jc) * Float.BYTES, line, 0, nc);
                for (int j = 0; j < nc; j += columns) {
                    System.arraycopy(line, j, packed[j / columns * kc + p], 0, Math.min(columns, nc - j));
                }
            }
        }
    }

    /**
     * A[ic..ic+mc) × [pc..pc+kc) as slivers of {@code rows}: sliver s holds (i, p) at s·rows·kc + p·rows + i.
     * {@code line} takes a row of A as stored when A is transposed, else a sliver's worth of rows.
     */
    private void packA(boolean transA, MemorySegment a, long aOffset, int lda, int ic, int mc, int pc, int kc,
                       float[] packed, float[] line) {
        int padded = roundUp(mc, rows);
        if (padded > mc) {
            Arrays.fill(packed, (padded - rows) * kc, padded * kc, 0f);
        }
        if (transA) {
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(a, F32, (aOffset + (long) (pc + p) * lda + ic) * Float.BYTES, line, 0, mc);
                for (int i = 0; i < mc; i += rows) {
                    System.arraycopy(line, i, packed, i * kc + p * rows, Math.min(rows, mc - i));
                }
            }
        } else {
            for (int i = 0; i < mc; i += rows) {
                int height = Math.min(rows, mc - i);
                for (int r = 0; r < height; r++) {
                    MemorySegment.copy(a, F32, (aOffset + (long) (ic + i + r) * lda + pc) * Float.BYTES, line, r * kc, kc);
                }
                interleave(line, kc, height, packed, i * kc);
            }
        }
    }
}
