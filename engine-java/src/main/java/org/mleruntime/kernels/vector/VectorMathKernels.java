package org.mleruntime.kernels.vector;

import static org.mleruntime.ir.Tensor.F32;
import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.mleruntime.ir.DType;
import org.mleruntime.kernels.BinaryOp;
import org.mleruntime.kernels.FloatGemm;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.PairwiseTerm;
import org.mleruntime.kernels.PlainMathKernels;

/**
 * The hot loops with explicit SIMD through the Vector API, reading operands straight from their
 * memory segments (the mapped file for weights). Loaded only when the runtime has the
 * {@code jdk.incubator.vector} module; tails shorter than a vector fall back to scalar code.
 */
public final class VectorMathKernels implements MathKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Ints with as many lanes as {@link #D}, for masks computed on doubles. */
    private static final VectorSpecies<Integer> I_FOR_D = VectorSpecies.of(int.class, VectorShape.forBitSize(D.length() * Integer.SIZE));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final PlainMathKernels SCALAR = new PlainMathKernels();
    /**
     * Rows shorter than this go to the scalar loops: measured on 2-core AVX-512 and AVX2 machines,
     * the vector loops only pay off once a row holds several full vectors (wide layers, not the
     * 10–30 features of a typical tabular model).
     */
    static final int MIN_VECTOR_ROW = 64;
    /**
     * The most weights a narrow Gemm copies to an array, which it does on every call, one row or
     * many: 32 KiB of float64 (an output layer of up to 512 inputs and 7 outputs), copied in about a
     * microsecond. Larger ones go to the scalar loop, which reads them in place and sums in the same
     * order, so the result is the same.
     */
    private static final long NARROW_WEIGHTS = 1 << 12;

    /** {@link MathKernels#pairwiseSums} for one term on the vector path. */
    interface PairwiseLoop {
        void sums(PairwiseTerm term, MemorySegment x, MemorySegment vt, MemorySegment out, long rows, int features, int vectors);
    }

    private final PairwiseLoop[] pairwiseLoops = VectorPairwiseSums.perTerm();

    @Override
    public String name() {
        return "vector-api(" + D.vectorBitSize() + "-bit)";
    }

    @Override
    public FloatGemm floatGemm() {
        return VectorFloatGemm.INSTANCE;
    }

    /**
     * Vector loads from heap segments take a slow path, and mixing heap and native segments in one
     * loop spoils the JIT's type profile for every later call; such calls go to the scalar loops.
     */
    private static boolean allNative(MemorySegment... segments) {
        for (MemorySegment s : segments) {
            if (!s.isNative()) {
                return false;
            }
        }
        return true;
    }

    /** Sums the lanes left to right: reduceLanes leaves the order open, which makes results vary between runs. */
    private static double sumInOrder(DoubleVector v, double[] lanes) {
        v.intoArray(lanes, 0);
        double sum = 0;
        for (double lane : lanes) {
            sum += lane;
        }
        return sum;
    }

    private static float sumInOrder(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        return sum;
    }

    @Override
    public void gemmTransB(DType t, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                           MemorySegment c, int n, int k, int m) {
        if (k < MIN_VECTOR_ROW || !allNative(a, b, c)) {
            SCALAR.gemmTransB(t, a, b, bias, biasLength, c, n, k, m);
        } else if (t == DType.FLOAT64) {
            gemmTransB64(a, b, bias, biasLength, c, n, k, m);
        } else {
            gemmTransB32(a, b, bias, biasLength, c, n, k, m);
        }
    }

    private static void gemmTransB64(MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                                     MemorySegment c, int n, int k, int m) {
        int lanes = D.length();
        int bound = D.loopBound(k);
        double[] partial = new double[lanes];
        for (int r = 0; r < n; r++) {
            long aRow = (long) r * k * 8;
            for (int j = 0; j < m; j++) {
                long bRow = (long) j * k * 8;
                DoubleVector acc = DoubleVector.zero(D);
                int p = 0;
                for (; p < bound; p += lanes) {
                    DoubleVector x = DoubleVector.fromMemorySegment(D, a, aRow + p * 8L, LE);
                    DoubleVector w = DoubleVector.fromMemorySegment(D, b, bRow + p * 8L, LE);
                    acc = x.fma(w, acc);
                }
                double sum = sumInOrder(acc, partial);
                for (; p < k; p++) {
                    sum += a.get(F64, aRow + p * 8L) * b.get(F64, bRow + p * 8L);
                }
                double bv = biasLength == 0 ? 0 : bias.getAtIndex(F64, biasLength == 1 ? 0 : j);
                c.setAtIndex(F64, (long) r * m + j, sum + bv);
            }
        }
    }

    private static void gemmTransB32(MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                                     MemorySegment c, int n, int k, int m) {
        int lanes = F.length();
        int bound = F.loopBound(k);
        float[] partial = new float[lanes];
        for (int r = 0; r < n; r++) {
            long aRow = (long) r * k * 4;
            for (int j = 0; j < m; j++) {
                long bRow = (long) j * k * 4;
                FloatVector acc = FloatVector.zero(F);
                int p = 0;
                for (; p < bound; p += lanes) {
                    FloatVector x = FloatVector.fromMemorySegment(F, a, aRow + p * 4L, LE);
                    FloatVector w = FloatVector.fromMemorySegment(F, b, bRow + p * 4L, LE);
                    acc = x.fma(w, acc);
                }
                float sum = sumInOrder(acc, partial);
                for (; p < k; p++) {
                    sum += a.get(F32, aRow + p * 4L) * b.get(F32, bRow + p * 4L);
                }
                float bv = biasLength == 0 ? 0 : bias.getAtIndex(F32, biasLength == 1 ? 0 : j);
                c.setAtIndex(F32, (long) r * m + j, sum + bv);
            }
        }
    }

    @Override
    public void gemmInt8TransB(DType t, MemorySegment a, MemorySegment q, MemorySegment scale, MemorySegment bias, long biasLength,
                               MemorySegment c, int n, int k, int m) {
        if (k < MIN_VECTOR_ROW || !allNative(a, q, c)) {
            SCALAR.gemmInt8TransB(t, a, q, scale, bias, biasLength, c, n, k, m);
        } else if (t == DType.FLOAT64) {
            gemmInt8TransB64(a, q, scale, bias, biasLength, c, n, k, m);
        } else {
            gemmInt8TransB32(a, q, scale, bias, biasLength, c, n, k, m);
        }
    }

    /** Eight weights are loaded as bytes and widened to doubles in as many vectors as eight lanes need. */
    private static void gemmInt8TransB64(MemorySegment a, MemorySegment q, MemorySegment scale, MemorySegment bias, long biasLength,
                                         MemorySegment c, int n, int k, int m) {
        int lanes = D.length();
        int parts = 8 / lanes;
        int bound = k - k % 8;
        double[] partial = new double[lanes];
        for (int r = 0; r < n; r++) {
            long aRow = (long) r * k * 8;
            for (int j = 0; j < m; j++) {
                long qRow = (long) j * k;
                DoubleVector acc = DoubleVector.zero(D);
                int p = 0;
                for (; p < bound; p += 8) {
                    ByteVector bytes = ByteVector.fromMemorySegment(ByteVector.SPECIES_64, q, qRow + p, LE);
                    for (int part = 0; part < parts; part++) {
                        DoubleVector w = (DoubleVector) bytes.convertShape(VectorOperators.B2D, D, part);
                        DoubleVector x = DoubleVector.fromMemorySegment(D, a, aRow + (p + (long) part * lanes) * 8L, LE);
                        acc = x.fma(w, acc);
                    }
                }
                double sum = sumInOrder(acc, partial);
                for (; p < k; p++) {
                    sum += a.get(F64, aRow + p * 8L) * q.get(ValueLayout.JAVA_BYTE, qRow + p);
                }
                double bv = biasLength == 0 ? 0 : bias.getAtIndex(F64, biasLength == 1 ? 0 : j);
                c.setAtIndex(F64, (long) r * m + j, sum * scale.getAtIndex(F64, j) + bv);
            }
        }
    }

    private static void gemmInt8TransB32(MemorySegment a, MemorySegment q, MemorySegment scale, MemorySegment bias, long biasLength,
                                         MemorySegment c, int n, int k, int m) {
        int lanes = F.length();
        int parts = 16 / lanes;
        int bound = k - k % 16;
        float[] partial = new float[lanes];
        for (int r = 0; r < n; r++) {
            long aRow = (long) r * k * 4;
            for (int j = 0; j < m; j++) {
                long qRow = (long) j * k;
                FloatVector acc = FloatVector.zero(F);
                int p = 0;
                for (; p < bound; p += 16) {
                    ByteVector bytes = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, q, qRow + p, LE);
                    for (int part = 0; part < parts; part++) {
                        FloatVector w = (FloatVector) bytes.convertShape(VectorOperators.B2F, F, part);
                        FloatVector x = FloatVector.fromMemorySegment(F, a, aRow + (p + (long) part * lanes) * 4L, LE);
                        acc = x.fma(w, acc);
                    }
                }
                float sum = sumInOrder(acc, partial);
                for (; p < k; p++) {
                    sum += a.get(F32, aRow + p * 4L) * q.get(ValueLayout.JAVA_BYTE, qRow + p);
                }
                float bv = biasLength == 0 ? 0 : bias.getAtIndex(F32, biasLength == 1 ? 0 : j);
                c.setAtIndex(F32, (long) r * m + j, sum * scale.getAtIndex(F32, j) + bv);
            }
        }
    }

    @Override
    public void gemm(DType t, MemorySegment a, MemorySegment b, MemorySegment bias, long biasLength,
                     MemorySegment c, int n, int k, int m) {
        if (t != DType.FLOAT64 || !allNative(a, b, c)) {
            SCALAR.gemm(t, a, b, bias, biasLength, c, n, k, m);
            return;
        }
        double[] biasRow = new double[m];
        for (int j = 0; j < m; j++) {
            biasRow[j] = biasLength == 0 ? 0 : bias.getAtIndex(F64, biasLength == 1 ? 0 : j);
        }
        if (m < D.length()) {
            if ((long) k * m <= NARROW_WEIGHTS) {
                gemmNarrow(a, b, biasRow, c, n, k, m);
            } else {
                SCALAR.gemm(DType.FLOAT64, a, b, bias, biasLength, c, n, k, m);
            }
            return;
        }
        int lanes = D.length();
        int r = 0;
        for (; r + 4 <= n; r += 4) {
            int j = 0;
            for (; j + 2 * lanes <= m; j += 2 * lanes) {
                gemmFourRowsTwoVectors(a, b, biasRow, c, r, j, k, m);
            }
            for (; j < m; j += lanes) {
                gemmFourRowsOneVector(a, b, biasRow, c, r, j, k, m);
            }
        }
        for (; r < n; r++) {
            for (int j = 0; j < m; j += lanes) {
                gemmOneRowOneVector(a, b, biasRow, c, r, j, k, m);
            }
        }
    }

    /**
     * C[r..r+3][j..j+2·lanes) in eight registers: each B load serves four rows and each broadcast A
     * value two vectors, so the loop is bound by FMAs rather than by memory. Every output is summed
     * over p in order by fused multiply-adds from zero, then its bias added, as in
     * {@link #gemmOneRowOneVector}: the block an output falls in never changes its value.
     */
    private static void gemmFourRowsTwoVectors(MemorySegment a, MemorySegment b, double[] biasRow, MemorySegment c,
                                               int r, int j, int k, int m) {
        int lanes = D.length();
        long row0 = (long) r * k * 8;
        long stride = (long) k * 8;
        DoubleVector c00 = DoubleVector.zero(D), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < k; p++) {
            long bOffset = ((long) p * m + j) * 8;
            DoubleVector b0 = DoubleVector.fromMemorySegment(D, b, bOffset, LE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(D, b, bOffset + lanes * 8L, LE);
            long aOffset = row0 + p * 8L;
            DoubleVector x0 = DoubleVector.broadcast(D, a.get(F64, aOffset));
            DoubleVector x1 = DoubleVector.broadcast(D, a.get(F64, aOffset + stride));
            DoubleVector x2 = DoubleVector.broadcast(D, a.get(F64, aOffset + 2 * stride));
            DoubleVector x3 = DoubleVector.broadcast(D, a.get(F64, aOffset + 3 * stride));
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        DoubleVector bias0 = DoubleVector.fromArray(D, biasRow, j);
        DoubleVector bias1 = DoubleVector.fromArray(D, biasRow, j + lanes);
        long out = ((long) r * m + j) * 8;
        long outStride = (long) m * 8;
        long second = lanes * 8L;
        c00.add(bias0).intoMemorySegment(c, out, LE);
        c01.add(bias1).intoMemorySegment(c, out + second, LE);
        c10.add(bias0).intoMemorySegment(c, out + outStride, LE);
        c11.add(bias1).intoMemorySegment(c, out + outStride + second, LE);
        c20.add(bias0).intoMemorySegment(c, out + 2 * outStride, LE);
        c21.add(bias1).intoMemorySegment(c, out + 2 * outStride + second, LE);
        c30.add(bias0).intoMemorySegment(c, out + 3 * outStride, LE);
        c31.add(bias1).intoMemorySegment(c, out + 3 * outStride + second, LE);
    }

    /**
     * C with fewer columns than a vector has lanes (an output layer): B and each row of A copied to
     * arrays, the sums in scalar fused multiply-adds in the same order as the vector blocks.
     */
    private static void gemmNarrow(MemorySegment a, MemorySegment b, double[] biasRow, MemorySegment c, int n, int k, int m) {
        double[] weights = b.asSlice(0, (long) k * m * 8).toArray(F64);
        double[] row = new double[k];
        double[] sums = new double[m];
        for (int r = 0; r < n; r++) {
            MemorySegment.copy(a, F64, (long) r * k * 8, row, 0, k);
            java.util.Arrays.fill(sums, 0);
            for (int p = 0; p < k; p++) {
                double x = row[p];
                int base = p * m;
                for (int j = 0; j < m; j++) {
                    sums[j] = Math.fma(x, weights[base + j], sums[j]);
                }
            }
            for (int j = 0; j < m; j++) {
                sums[j] += biasRow[j];
            }
            MemorySegment.copy(sums, 0, c, F64, (long) r * m * 8, m);
        }
    }

    /** C[r..r+3][j..j+lanes) in four registers, masked at the right edge of C. */
    private static void gemmFourRowsOneVector(MemorySegment a, MemorySegment b, double[] biasRow, MemorySegment c,
                                              int r, int j, int k, int m) {
        VectorMask<Double> inRange = D.indexInRange(j, m);
        long row0 = (long) r * k * 8;
        long stride = (long) k * 8;
        DoubleVector c0 = DoubleVector.zero(D), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < k; p++) {
            DoubleVector w = DoubleVector.fromMemorySegment(D, b, ((long) p * m + j) * 8, LE, inRange);
            long aOffset = row0 + p * 8L;
            c0 = DoubleVector.broadcast(D, a.get(F64, aOffset)).fma(w, c0);
            c1 = DoubleVector.broadcast(D, a.get(F64, aOffset + stride)).fma(w, c1);
            c2 = DoubleVector.broadcast(D, a.get(F64, aOffset + 2 * stride)).fma(w, c2);
            c3 = DoubleVector.broadcast(D, a.get(F64, aOffset + 3 * stride)).fma(w, c3);
        }
        DoubleVector biasVector = DoubleVector.fromArray(D, biasRow, j, inRange);
        long out = ((long) r * m + j) * 8;
        long outStride = (long) m * 8;
        c0.add(biasVector).intoMemorySegment(c, out, LE, inRange);
        c1.add(biasVector).intoMemorySegment(c, out + outStride, LE, inRange);
        c2.add(biasVector).intoMemorySegment(c, out + 2 * outStride, LE, inRange);
        c3.add(biasVector).intoMemorySegment(c, out + 3 * outStride, LE, inRange);
    }

    /** C[r][j..j+lanes), masked at the right edge of C: the rows left over from blocks of four. */
    private static void gemmOneRowOneVector(MemorySegment a, MemorySegment b, double[] biasRow, MemorySegment c,
                                            int r, int j, int k, int m) {
        VectorMask<Double> inRange = D.indexInRange(j, m);
        long aRow = (long) r * k * 8;
        DoubleVector acc = DoubleVector.zero(D);
        for (int p = 0; p < k; p++) {
            DoubleVector w = DoubleVector.fromMemorySegment(D, b, ((long) p * m + j) * 8, LE, inRange);
            acc = DoubleVector.broadcast(D, a.get(F64, aRow + p * 8L)).fma(w, acc);
        }
        acc.add(DoubleVector.fromArray(D, biasRow, j, inRange)).intoMemorySegment(c, ((long) r * m + j) * 8, LE, inRange);
    }

    @Override
    public void rowBroadcast(BinaryOp op, DType t, MemorySegment a, MemorySegment row, MemorySegment out, long rows, int cols) {
        if (t != DType.FLOAT64 || op.comparison() || op == BinaryOp.POW || cols < MIN_VECTOR_ROW || !allNative(a, row, out)) {
            SCALAR.rowBroadcast(op, t, a, row, out, rows, cols);
            return;
        }
        int lanes = D.length();
        int bound = D.loopBound(cols);
        for (long r = 0; r < rows; r++) {
            long base = r * cols * 8;
            int j = 0;
            for (; j < bound; j += lanes) {
                DoubleVector x = DoubleVector.fromMemorySegment(D, a, base + j * 8L, LE);
                DoubleVector y = DoubleVector.fromMemorySegment(D, row, j * 8L, LE);
                DoubleVector z = switch (op) {
                    case ADD -> x.add(y);
                    case SUB -> x.sub(y);
                    case MUL -> x.mul(y);
                    case DIV -> x.div(y);
                    case GREATER, GREATER_OR_EQUAL, POW -> throw new AssertionError("handled by the scalar path");
                };
                z.intoMemorySegment(out, base + j * 8L, LE);
            }
            for (; j < cols; j++) {
                double x = a.get(F64, base + j * 8L);
                out.set(F64, base + j * 8L, op.apply(x, row.getAtIndex(F64, j)));
            }
        }
    }

    @Override
    public void scale(DType t, boolean divide, MemorySegment x, MemorySegment offset, MemorySegment scale, MemorySegment out,
                      long rows, int cols) {
        if (t != DType.FLOAT64 || cols < MIN_VECTOR_ROW || !allNative(x, offset, scale, out)) {
            SCALAR.scale(t, divide, x, offset, scale, out, rows, cols);
            return;
        }
        int lanes = D.length();
        int bound = D.loopBound(cols);
        for (long r = 0; r < rows; r++) {
            long base = r * cols * 8;
            int j = 0;
            for (; j < bound; j += lanes) {
                DoubleVector v = DoubleVector.fromMemorySegment(D, x, base + j * 8L, LE);
                DoubleVector o = DoubleVector.fromMemorySegment(D, offset, j * 8L, LE);
                DoubleVector s = DoubleVector.fromMemorySegment(D, scale, j * 8L, LE);
                DoubleVector y = divide ? v.sub(o).div(s) : v.mul(s).add(o);
                y.intoMemorySegment(out, base + j * 8L, LE);
            }
            if (j < cols) {
                SCALAR.scale(t, divide, x.asSlice(base + j * 8L), offset.asSlice(j * 8L), scale.asSlice(j * 8L),
                        out.asSlice(base + j * 8L), 1, cols - j);
            }
        }
    }

    @Override
    public void pairwiseSums(PairwiseTerm term, MemorySegment x, MemorySegment vt, MemorySegment out, long rows, int features, int vectors) {
        if (vectors < VectorPairwiseSums.MIN_VECTORS || !allNative(x, vt, out)) {
            SCALAR.pairwiseSums(term, x, vt, out, rows, features, vectors);
        } else {
            pairwiseLoops[term.ordinal()].sums(term, x, vt, out, rows, features, vectors);
        }
    }

    @Override
    public void setBitsAbove(double[] column, int from, double border, boolean nanIsOne, int bit, int[] bits, int count) {
        IntVector one = IntVector.broadcast(I_FOR_D, 1 << bit);
        int r = 0;
        for (int end = D.loopBound(count); r < end; r += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, column, from + r);
            VectorMask<Double> set = nanIsOne ? v.compare(VectorOperators.LE, border).not() : v.compare(VectorOperators.GT, border);
            IntVector.fromArray(I_FOR_D, bits, r).lanewise(VectorOperators.OR, one, set.cast(I_FOR_D)).intoArray(bits, r);
        }
        for (; r < count; r++) {
            double value = column[from + r];
            boolean above = nanIsOne ? !(value <= border) : value > border;
            bits[r] |= (above ? 1 : 0) << bit;
        }
    }

    @Override
    public boolean wideCompares() {
        return true;
    }

    // The comparison operator must be a constant where the Vector API call is compiled, or it is not
    // intrinsified (measured 50 times slower); hence one loop per operator.

    @Override
    public void splitMasks(double[] block, int[] feature, double[] threshold, int from, int n, boolean lessOrEqual, boolean missing,
                           long[] out) {
        for (int s = from; s < from + n; s++) {
            int column = (feature[s] & 0x7FFF_FFFF) * 64;
            long mask = lessOrEqual ? above(block, column, threshold[s]) : atOrAbove(block, column, threshold[s]);
            if (missing && feature[s] < 0) {
                mask |= nans(block, column);
            }
            out[s - from] = mask;
        }
    }

    private static long above(double[] block, int column, double split) {
        long mask = 0;
        for (int r = 0; r < 64; r += D.length()) {
            mask |= DoubleVector.fromArray(D, block, column + r).compare(VectorOperators.GT, split).toLong() << r;
        }
        return mask;
    }

    private static long atOrAbove(double[] block, int column, double split) {
        long mask = 0;
        for (int r = 0; r < 64; r += D.length()) {
            mask |= DoubleVector.fromArray(D, block, column + r).compare(VectorOperators.GE, split).toLong() << r;
        }
        return mask;
    }

    private static long nans(double[] block, int column) {
        long mask = 0;
        for (int r = 0; r < 64; r += D.length()) {
            mask |= DoubleVector.fromArray(D, block, column + r).test(VectorOperators.IS_NAN).toLong() << r;
        }
        return mask;
    }

    @Override
    public void splitMasks(float[] block, int[] feature, float[] threshold, int from, int n, boolean lessOrEqual, boolean missing,
                           long[] out) {
        for (int s = from; s < from + n; s++) {
            int column = (feature[s] & 0x7FFF_FFFF) * 64;
            long mask = lessOrEqual ? above(block, column, threshold[s]) : atOrAbove(block, column, threshold[s]);
            if (missing && feature[s] < 0) {
                mask |= nans(block, column);
            }
            out[s - from] = mask;
        }
    }

    private static long above(float[] block, int column, float split) {
        long mask = 0;
        for (int r = 0; r < 64; r += F.length()) {
            mask |= FloatVector.fromArray(F, block, column + r).compare(VectorOperators.GT, split).toLong() << r;
        }
        return mask;
    }

    private static long atOrAbove(float[] block, int column, float split) {
        long mask = 0;
        for (int r = 0; r < 64; r += F.length()) {
            mask |= FloatVector.fromArray(F, block, column + r).compare(VectorOperators.GE, split).toLong() << r;
        }
        return mask;
    }

    private static long nans(float[] block, int column) {
        long mask = 0;
        for (int r = 0; r < 64; r += F.length()) {
            mask |= FloatVector.fromArray(F, block, column + r).test(VectorOperators.IS_NAN).toLong() << r;
        }
        return mask;
    }

    @Override
    public void maskToIndex(long[] masks, int from, int count, int[] index) {
        int lanes = I.length();
        for (int r = 0; r < 64; r += lanes) {
            // Four independent blend chains, or'd at the end: each row is in one mask, the others leave it 0.
            IntVector a = IntVector.zero(I), b = a, c = a, d = a;
            int k = 0;
            for (; k + 4 <= count; k += 4) {
                a = a.blend(k, VectorMask.fromLong(I, masks[from + k] >>> r));
                b = b.blend(k + 1, VectorMask.fromLong(I, masks[from + k + 1] >>> r));
                c = c.blend(k + 2, VectorMask.fromLong(I, masks[from + k + 2] >>> r));
                d = d.blend(k + 3, VectorMask.fromLong(I, masks[from + k + 3] >>> r));
            }
            for (; k < count; k++) {
                a = a.blend(k, VectorMask.fromLong(I, masks[from + k] >>> r));
            }
            a.or(b).or(c).or(d).intoArray(index, r);
        }
    }

    @Override
    public void gatherAdd(double[] values, int base, int[] index, double[] acc, int accFrom, int count) {
        int r = 0;
        for (int end = D.loopBound(count); r < end; r += D.length()) {
            DoubleVector.fromArray(D, values, base, index, r).add(DoubleVector.fromArray(D, acc, accFrom + r)).intoArray(acc, accFrom + r);
        }
        for (; r < count; r++) {
            acc[accFrom + r] += values[base + index[r]];
        }
    }

    @Override
    public void clip(DType t, MemorySegment x, double lo, double hi, MemorySegment out, long count) {
        if (count < MIN_VECTOR_ROW || !allNative(x, out)) {
            SCALAR.clip(t, x, lo, hi, out, count);
            return;
        }
        if (t == DType.FLOAT32) {
            clipFloats(x, (float) lo, (float) hi, out, count);
            return;
        }
        int lanes = D.length();
        long bound = count - count % lanes;
        DoubleVector low = DoubleVector.broadcast(D, lo);
        DoubleVector high = DoubleVector.broadcast(D, hi);
        long i = 0;
        for (; i < bound; i += lanes) {
            DoubleVector.fromMemorySegment(D, x, i * 8, LE).max(low).min(high).intoMemorySegment(out, i * 8, LE);
        }
        if (i < count) {
            SCALAR.clip(t, x.asSlice(i * 8), lo, hi, out.asSlice(i * 8), count - i);
        }
    }

    private static void clipFloats(MemorySegment x, float lo, float hi, MemorySegment out, long count) {
        int lanes = F.length();
        long bound = count - count % lanes;
        FloatVector low = FloatVector.broadcast(F, lo);
        FloatVector high = FloatVector.broadcast(F, hi);
        long i = 0;
        for (; i < bound; i += lanes) {
            FloatVector.fromMemorySegment(F, x, i * 4, LE).max(low).min(high).intoMemorySegment(out, i * 4, LE);
        }
        if (i < count) {
            SCALAR.clip(DType.FLOAT32, x.asSlice(i * 4), lo, hi, out.asSlice(i * 4), count - i);
        }
    }

    @Override
    public void hardSigmoid(MemorySegment x, float alpha, float beta, boolean timesInput, MemorySegment out, long count) {
        // Planes of mobile networks are short (7 × 7 at the end), so vectors start at one lane's worth, a masked vector taking the tail.
        if (count < F.length() || !allNative(x, out)) {
            SCALAR.hardSigmoid(x, alpha, beta, timesInput, out, count);
            return;
        }
        FloatVector slope = FloatVector.broadcast(F, alpha);
        FloatVector offset = FloatVector.broadcast(F, beta);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        long bound = count - count % F.length();
        long i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, i * 4, LE);
            FloatVector gate = v.fma(slope, offset).max(zero).min(one);
            (timesInput ? v.mul(gate) : gate).intoMemorySegment(out, i * 4, LE);
        }
        if (i < count) {
            VectorMask<Float> inside = F.indexInRange(i, count);
            FloatVector v = FloatVector.fromMemorySegment(F, x, i * 4, LE, inside);
            FloatVector gate = v.fma(slope, offset).max(zero).min(one);
            (timesInput ? v.mul(gate) : gate).intoMemorySegment(out, i * 4, LE, inside);
        }
    }

    @Override
    public void normalizeRows(DType t, int norm, MemorySegment x, MemorySegment out, long rows, int cols, double tiny) {
        if (t != DType.FLOAT64 || cols < MIN_VECTOR_ROW || !allNative(x, out)) {
            SCALAR.normalizeRows(t, norm, x, out, rows, cols, tiny);
            return;
        }
        int lanes = D.length();
        int bound = D.loopBound(cols);
        double[] partial = new double[lanes];
        for (long r = 0; r < rows; r++) {
            long base = r * cols * 8;
            DoubleVector acc = DoubleVector.zero(D);
            int j = 0;
            for (; j < bound; j += lanes) {
                DoubleVector v = DoubleVector.fromMemorySegment(D, x, base + j * 8L, LE);
                acc = switch (norm) {
                    case 0 -> acc.max(v.abs());
                    case 1 -> acc.add(v.abs());
                    default -> v.fma(v, acc);
                };
            }
            double total = norm == 0 ? acc.reduceLanes(jdk.incubator.vector.VectorOperators.MAX) : sumInOrder(acc, partial);
            for (; j < cols; j++) {
                double v = x.get(F64, base + j * 8L);
                total = norm == 0 ? Math.max(total, Math.abs(v)) : total + (norm == 1 ? Math.abs(v) : v * v);
            }
            double scale = norm == 2 ? Math.sqrt(total) : total;
            if (scale < tiny) {
                scale = 1.0;
            }
            DoubleVector divisor = DoubleVector.broadcast(D, scale);
            j = 0;
            for (; j < bound; j += lanes) {
                DoubleVector.fromMemorySegment(D, x, base + j * 8L, LE).div(divisor).intoMemorySegment(out, base + j * 8L, LE);
            }
            for (; j < cols; j++) {
                out.set(F64, base + j * 8L, x.get(F64, base + j * 8L) / scale);
            }
        }
    }

    /** The Vector API's exponential and tanh run as short-vector math library calls, many lanes per call. */
    @Override
    public float expShifted(float[] x, int from, int n, float shift) {
        int to = from + n;
        int bound = from + F.loopBound(n);
        FloatVector sums = FloatVector.zero(F);
        int i = from;
        for (; i < bound; i += F.length()) {
            FloatVector e = FloatVector.fromArray(F, x, i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(x, i);
            sums = sums.add(e);
        }
        // Lanes in order, without an array per call (a softmax calls this once per row).
        float sum = 0;
        for (int lane = 0; lane < F.length(); lane++) {
            sum += sums.lane(lane);
        }
        for (; i < to; i++) {
            x[i] = (float) Math.exp(x[i] - shift);
            sum += x[i];
        }
        return sum;
    }

    /**
     * Four vectors of outputs at a time stay in registers through all the taps, so each output is
     * stored once instead of once per tap; the tail is summed as the plain loop does.
     */
    @Override
    public void tapSums(float[] x, int[] offsets, float[] weights, float[] out, int n) {
        int lanes = F.length();
        int taps = offsets.length;
        int i = 0;
        for (; i + 4 * lanes <= n; i += 4 * lanes) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int t = 0; t < taps; t++) {
                FloatVector weight = FloatVector.broadcast(F, weights[t]);
                int at = offsets[t] + i;
                s0 = weight.fma(FloatVector.fromArray(F, x, at), s0);
                s1 = weight.fma(FloatVector.fromArray(F, x, at + lanes), s1);
                s2 = weight.fma(FloatVector.fromArray(F, x, at + 2 * lanes), s2);
                s3 = weight.fma(FloatVector.fromArray(F, x, at + 3 * lanes), s3);
            }
            s0.intoArray(out, i);
            s1.intoArray(out, i + lanes);
            s2.intoArray(out, i + 2 * lanes);
            s3.intoArray(out, i + 3 * lanes);
        }
        for (; i + lanes <= n; i += lanes) {
            FloatVector s = FloatVector.zero(F);
            for (int t = 0; t < taps; t++) {
                s = FloatVector.broadcast(F, weights[t]).fma(FloatVector.fromArray(F, x, offsets[t] + i), s);
            }
            s.intoArray(out, i);
        }
        for (; i < n; i++) {
            float s = 0;
            for (int t = 0; t < taps; t++) {
                s = Math.fma(weights[t], x[offsets[t] + i], s);
            }
            out[i] = s;
        }
    }

    /** Gathers a vector of strided values per instruction, where C2 would copy them one by one. */
    @Override
    public void stridedCopy(float[] x, int from, int step, float[] out, int at, int n) {
        int lanes = F.length();
        int i = 0;
        if (step > 1 && n >= lanes) {
            int[] index = new int[lanes];
            for (int lane = 0; lane < lanes; lane++) {
                index[lane] = lane * step;
            }
            for (; i + lanes <= n; i += lanes) {
                FloatVector.fromArray(F, x, from + i * step, index, 0).intoArray(out, at + i);
            }
        }
        SCALAR.stridedCopy(x, from + i * step, step, out, at + i, n - i);
    }

    @Override
    public void sigmoid(float[] x, int from, int n) {
        int bound = from + F.loopBound(n);
        int i = from;
        for (; i < bound; i += F.length()) {
            FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, x, i).neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, i);
        }
        SCALAR.sigmoid(x, i, from + n - i);
    }

    @Override
    public void tanh(float[] x, int from, int n) {
        int bound = from + F.loopBound(n);
        int i = from;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).lanewise(VectorOperators.TANH).intoArray(x, i);
        }
        SCALAR.tanh(x, i, from + n - i);
    }
}
