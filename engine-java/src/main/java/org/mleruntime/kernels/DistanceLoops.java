package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The hot loop of the distance and neighbour kernels: the reduced distances from one query row to
 * every row of a constant matrix. Two implementations, {@link PlainDistanceLoops} and
 * {@code vector.VectorDistanceLoops}, give equal bits: the vector one runs one row per lane, each
 * lane adding the features in the order the scalar code does, so ties between equal distances come
 * out the same on either path.
 */
public interface DistanceLoops {
    String name();

    /** {@code data} (float64 [rows, features], read in place) prepared for {@link #reducedToAll}. */
    MetricRows prepare(DistanceMetric metric, MemorySegment data, int rows, int features);

    /** {@code out[j]} = the reduced distance from {@code x} to row j, for every row. */
    void reducedToAll(MetricRows rows, double[] x, double xTerm, double[] out);

    /** The loops of the same kind as {@code math}: Vector API loops beside the Vector API math kernels. */
    static DistanceLoops matching(MathKernels math) {
        return math instanceof PlainMathKernels ? PlainDistanceLoops.INSTANCE : VectorLoopsHolder.LOOPS;
    }

    /** Loads the Vector API loops by name, once, so that nothing else links the incubator module. */
    final class VectorLoopsHolder {
        private static final DistanceLoops LOOPS = load();

        private VectorLoopsHolder() {}

        private static DistanceLoops load() {
            try {
                return (DistanceLoops) Class.forName("org.mleruntime.kernels.vector.VectorDistanceLoops").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return PlainDistanceLoops.INSTANCE;
            }
        }
    }
}
