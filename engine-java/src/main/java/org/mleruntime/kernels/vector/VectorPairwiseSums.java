package org.mleruntime.kernels.vector;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.mleruntime.kernels.KernelSpecializer;
import org.mleruntime.kernels.PairwiseTerm;

/**
 * {@code pairwiseSums} across the vectors: lane j of an accumulator is vector j's sum, so each sum
 * still runs over the features in order and every lane adds exactly what the scalar loop adds
 * (multiply then add, never a fused multiply-add): the results are bit-identical to
 * {@link PairwiseTerm#add}. Four accumulators at a time keep the adders busy; a row's value of
 * feature p is broadcast against p's row of the column-major vectors, read straight from the file.
 *
 * <p>Each term runs in a class copy of its own ({@link KernelSpecializer}): compiled for one term,
 * the loop keeps its vectors in registers, where code shared by several terms boxes them at the
 * switch and runs several times slower.
 */
final class VectorPairwiseSums implements VectorMathKernels.PairwiseLoop {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int LANES = D.length();

    /** Fewer vectors than this leave too few full lanes to pay for the vector set-up. */
    static final int MIN_VECTORS = 2 * LANES;

    VectorPairwiseSums() {}

    /** One loop per term, indexed by ordinal, each from its own class copy. */
    static VectorMathKernels.PairwiseLoop[] perTerm() {
        PairwiseTerm[] terms = PairwiseTerm.values();
        VectorMathKernels.PairwiseLoop[] loops = new VectorMathKernels.PairwiseLoop[terms.length];
        for (PairwiseTerm term : terms) {
            Class<?> copy = KernelSpecializer.copyFor(MethodHandles.lookup(), VectorPairwiseSums.class, term.name());
            try {
                loops[term.ordinal()] = (VectorMathKernels.PairwiseLoop) copy.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                loops[term.ordinal()] = new VectorPairwiseSums();
            }
        }
        return loops;
    }

    @Override
    public void sums(PairwiseTerm term, MemorySegment x, MemorySegment vt, MemorySegment out, long rows, int features, int vectors) {
        long stride = (long) vectors * Double.BYTES;
        for (long r = 0; r < rows; r++) {
            long xRow = r * features * Double.BYTES;
            long outRow = r * stride;
            int j = 0;
            for (; j + 4 * LANES <= vectors; j += 4 * LANES) {
                DoubleVector s0 = DoubleVector.zero(D);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                long at = (long) j * Double.BYTES;
                for (int p = 0; p < features; p++, at += stride) {
                    DoubleVector xp = DoubleVector.broadcast(D, x.get(F64, xRow + (long) p * Double.BYTES));
                    s0 = add(term, s0, xp, DoubleVector.fromMemorySegment(D, vt, at, LE));
                    s1 = add(term, s1, xp, DoubleVector.fromMemorySegment(D, vt, at + LANES * Double.BYTES, LE));
                    s2 = add(term, s2, xp, DoubleVector.fromMemorySegment(D, vt, at + 2L * LANES * Double.BYTES, LE));
                    s3 = add(term, s3, xp, DoubleVector.fromMemorySegment(D, vt, at + 3L * LANES * Double.BYTES, LE));
                }
                long o = outRow + (long) j * Double.BYTES;
                s0.intoMemorySegment(out, o, LE);
                s1.intoMemorySegment(out, o + LANES * Double.BYTES, LE);
                s2.intoMemorySegment(out, o + 2L * LANES * Double.BYTES, LE);
                s3.intoMemorySegment(out, o + 3L * LANES * Double.BYTES, LE);
            }
            for (; j + LANES <= vectors; j += LANES) {
                DoubleVector s = DoubleVector.zero(D);
                long at = (long) j * Double.BYTES;
                for (int p = 0; p < features; p++, at += stride) {
                    DoubleVector xp = DoubleVector.broadcast(D, x.get(F64, xRow + (long) p * Double.BYTES));
                    s = add(term, s, xp, DoubleVector.fromMemorySegment(D, vt, at, LE));
                }
                s.intoMemorySegment(out, outRow + (long) j * Double.BYTES, LE);
            }
            for (; j < vectors; j++) {
                double s = 0;
                for (int p = 0; p < features; p++) {
                    s = term.add(s, x.get(F64, xRow + (long) p * Double.BYTES), vt.getAtIndex(F64, (long) p * vectors + j));
                }
                out.set(F64, outRow + (long) j * Double.BYTES, s);
            }
        }
    }

    private static DoubleVector add(PairwiseTerm term, DoubleVector sum, DoubleVector x, DoubleVector v) {
        return switch (term) {
            case PRODUCT -> sum.add(x.mul(v));
            case SQUARED_DIFFERENCE -> {
                DoubleVector d = x.sub(v);
                yield sum.add(d.mul(d));
            }
            case ABSOLUTE_DIFFERENCE -> sum.add(x.sub(v).abs());
            case CHI2 -> {
                DoubleVector d = x.sub(v);
                DoubleVector s = x.add(v);
                yield sum.add(d.mul(d).div(s), s.compare(VectorOperators.NE, 0));
            }
        };
    }
}
