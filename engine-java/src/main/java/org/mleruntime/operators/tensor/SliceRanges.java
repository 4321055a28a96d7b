package org.mleruntime.operators.tensor;

import static org.mleruntime.ops.ShapeRules.axis;
import static org.mleruntime.ops.ShapeRules.error;
import static org.mleruntime.ops.ShapeRules.knownInts;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * Slice's selection on each axis — first index, step and count — from its starts, ends, axes and
 * steps inputs by ONNX's rules: negative positions count from the end, then are clamped to the axis
 * ([0, d] going forward, [−1, d − 1] going backward).
 *
 * @param symbolic axes whose size is not known, where the count is not either
 * @param sliced axes the node slices (the others are kept whole)
 */
record SliceRanges(Shape input, long[] first, long[] step, long[] count, boolean[] symbolic, boolean[] sliced) {
    /** The ranges, or null while starts or ends are not known. */
    static SliceRanges of(Node n, List<ValueInfo> in, List<Tensor> c, Shape s) {
        long[] starts = knownInts(n, in, c, 1);
        long[] ends = knownInts(n, in, c, 2);
        long[] axes = in.size() > 3 && in.get(3) != null ? knownInts(n, in, c, 3) : null;
        long[] steps = in.size() > 4 && in.get(4) != null ? knownInts(n, in, c, 4) : null;
        boolean axesPending = in.size() > 3 && in.get(3) != null && axes == null;
        boolean stepsPending = in.size() > 4 && in.get(4) != null && steps == null;
        if (starts == null || ends == null || axesPending || stepsPending) {
            return null;
        }
        if (axes == null) {
            axes = new long[starts.length];
            Arrays.setAll(axes, i -> i);
        }
        if (steps == null) {
            steps = new long[starts.length];
            Arrays.fill(steps, 1);
        }
        if (ends.length != starts.length || axes.length != starts.length || steps.length != starts.length) {
            throw error(n, "starts, ends, axes and steps must have one value per sliced axis");
        }
        int rank = s.rank();
        long[] first = new long[rank];
        long[] step = new long[rank];
        long[] count = new long[rank];
        boolean[] symbolic = new boolean[rank];
        boolean[] seen = new boolean[rank];
        for (int a = 0; a < rank; a++) {
            step[a] = 1;
            count[a] = s.dim(a);
            symbolic[a] = s.isSymbolic(a);
        }
        for (int i = 0; i < starts.length; i++) {
            int a = axis(n, axes[i], rank);
            if (seen[a]) {
                throw error(n, "axis " + a + " is sliced twice");
            }
            seen[a] = true;
            if (steps[i] == 0) {
                throw error(n, "a step of 0 on axis " + a);
            }
            step[a] = steps[i];
            if (s.isSymbolic(a)) {
                continue;
            }
            long d = s.dim(a);
            long start = starts[i] < 0 ? starts[i] + d : starts[i];
            long end = ends[i] < 0 ? ends[i] + d : ends[i];
            if (steps[i] > 0) {
                start = Math.clamp(start, 0, d);
                end = Math.clamp(end, 0, d);
                count[a] = Math.max(0, (end - start + steps[i] - 1) / steps[i]);
            } else {
                start = Math.clamp(start, 0, d - 1);
                end = Math.clamp(end, -1, d - 1);
                count[a] = Math.max(0, (start - end + (-steps[i]) - 1) / (-steps[i]));
            }
            first[a] = start;
        }
        return new SliceRanges(s, first, step, count, symbolic, seen);
    }

    Shape outputShape() {
        long[] dims = new long[count.length];
        String[] names = new String[count.length];
        for (int a = 0; a < count.length; a++) {
            dims[a] = symbolic[a] ? Shape.BATCH : count[a];
            names[a] = symbolic[a] ? sliced[a] ? Shape.UNKNOWN : input.symbol(a) : null;
        }
        return new Shape(dims, names);
    }
}
