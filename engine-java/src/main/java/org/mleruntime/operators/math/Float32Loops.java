package org.mleruntime.operators.math;

import static org.mleruntime.ir.Tensor.F32;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/**
 * The float32 element-wise loops of deep-learning graphs: operands copied a chunk at a time into
 * arrays, where the JIT vectorises plain loops, instead of read element by element through a
 * dtype switch and a broadcast index map. They cover the shapes those graphs use: two operands of
 * the output's shape, or one of them repeating along the output (a bias row, a scalar).
 */
final class Float32Loops {
    private static final int CHUNK = 4096;

    private Float32Loops() {}

    /**
     * y = a op b for the four arithmetic operators, Min and Max; false (nothing written) where the
     * dtypes or the broadcast are not the ones covered here.
     */
    static boolean binary(String op, Tensor a, Tensor b, Tensor y) {
        if (a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32 || !covered(op)) {
            return false;
        }
        long count = y.elementCount();
        long periodA = period(a.shape(), y.shape());
        long periodB = period(b.shape(), y.shape());
        if (periodA < 0 || periodB < 0 || periodA != count && periodB != count) {
            return stretched(op, a, b, y);
        }
        if (count == 0) {
            return true;
        }
        boolean aFull = periodA == count;
        Tensor full = aFull ? a : b;
        Tensor repeated = aFull ? b : a;
        long period = aFull ? periodB : periodA;
        float[] x = new float[(int) Math.min(CHUNK, count)];
        float[] r = new float[(int) Math.min(CHUNK, Math.max(period, 1))];
        boolean scalar = period == 1;
        float s = scalar ? repeated.data().getAtIndex(F32, 0) : 0;
        // A repeating operand that fits the buffer (a bias row) is read once, not once per run.
        boolean resident = !scalar && period <= r.length;
        if (resident) {
            MemorySegment.copy(repeated.data(), F32, 0, r, 0, (int) period);
        }
        for (long start = 0; start < count; start += x.length) {
            int length = (int) Math.min(x.length, count - start);
            MemorySegment.copy(full.data(), F32, start * Float.BYTES, x, 0, length);
            if (scalar) {
                apply(op, x, 0, s, length, aFull);
            } else {
                for (int done = 0; done < length; ) {
                    long at = (start + done) % period;
                    int run = (int) Math.min(Math.min(length - done, period - at), r.length);
                    if (!resident) {
                        MemorySegment.copy(repeated.data(), F32, at * Float.BYTES, r, 0, run);
                    }
                    apply(op, x, done, r, resident ? (int) at : 0, run, aFull);
                    done += run;
                }
            }
            MemorySegment.copy(x, 0, y.data(), F32, start * Float.BYTES, length);
        }
        return true;
    }

    /**
     * y = a op b where one operand has the output's shape and the other its leading dimensions with
     * 1s after them (a per-channel scale [N, C, 1, 1] of an image batch [N, C, H, W]): each of the
     * second's values then applies to a run of the output; false (nothing written) for other shapes.
     */
    private static boolean stretched(String op, Tensor a, Tensor b, Tensor y) {
        boolean aFull = a.shape().equals(y.shape());
        Tensor repeated = aFull ? b : a;
        long run = aFull || b.shape().equals(y.shape()) ? runLength(repeated.shape(), y.shape()) : -1;
        if (run <= 0) {
            return false;
        }
        Tensor full = aFull ? a : b;
        long count = y.elementCount();
        float[] x = new float[(int) Math.min(CHUNK, count)];
        for (long start = 0; start < count; start += x.length) {
            int length = (int) Math.min(x.length, count - start);
            MemorySegment.copy(full.data(), F32, start * Float.BYTES, x, 0, length);
            for (int done = 0; done < length; ) {
                long at = start + done;
                int n = (int) Math.min(length - done, run - at % run);
                apply(op, x, done, repeated.data().getAtIndex(F32, at / run), n, aFull);
                done += n;
            }
            MemorySegment.copy(x, 0, y.data(), F32, start * Float.BYTES, length);
        }
        return true;
    }

    /**
     * How many output elements each of an operand's values covers when the operand is the output's
     * leading dimensions followed by 1s (and leading 1s where the output has no axis); −1 otherwise.
     */
    private static long runLength(Shape operand, Shape out) {
        int offset = out.rank() - operand.rank();
        if (offset < 0) {
            return -1;
        }
        int axis = out.rank();
        while (axis > offset && operand.dim(axis - 1 - offset) == 1) {
            axis--;
        }
        long run = 1;
        for (int i = 0; i < out.rank(); i++) {
            if (i >= axis) {
                run *= out.dim(i);
            } else if (i < offset || operand.dim(i - offset) != out.dim(i)) {
                return -1;
            }
        }
        return run;
    }

    private static boolean covered(String op) {
        return switch (op) {
            case "Add", "Sub", "Mul", "Div", "Min", "Max" -> true;
            default -> false;
        };
    }

    /**
     * After how many elements an operand's values repeat along the output: its element count when
     * its shape, leading 1s aside, is the output's trailing dimensions; −1 otherwise.
     */
    private static long period(Shape operand, Shape out) {
        int skip = 0;
        while (skip < operand.rank() && operand.dim(skip) == 1 && operand.rank() - skip > 0) {
            skip++;
        }
        int tail = operand.rank() - skip;
        if (tail > out.rank()) {
            return -1;
        }
        long n = 1;
        for (int i = 0; i < tail; i++) {
            if (operand.dim(skip + i) != out.dim(out.rank() - tail + i)) {
                return -1;
            }
            n *= operand.dim(skip + i);
        }
        return n;
    }

    /** x[i] = x[i] op s (or s op x[i] when the scalar is the first operand) for i in [from, from + n). */
    private static void apply(String op, float[] x, int from, float s, int n, boolean fullFirst) {
        switch (op) {
            case "Add" -> {
                for (int i = from; i < from + n; i++) {
                    x[i] += s;
                }
            }
            case "Mul" -> {
                for (int i = from; i < from + n; i++) {
                    x[i] *= s;
                }
            }
            case "Sub" -> {
                for (int i = from; i < from + n; i++) {
                    x[i] = fullFirst ? x[i] - s : s - x[i];
                }
            }
            case "Div" -> {
                for (int i = from; i < from + n; i++) {
                    x[i] = fullFirst ? x[i] / s : s / x[i];
                }
            }
            case "Min" -> {
                for (int i = from; i < from + n; i++) {
                    x[i] = Math.min(x[i], s);
                }
            }
            default -> {
                for (int i = from; i < from + n; i++) {
                    x[i] = Math.max(x[i], s);
                }
            }
        }
    }

    /** x[from + i] = x[from + i] op r[at + i] (or r[at + i] op x[from + i]) for i below n. */
    private static void apply(String op, float[] x, int from, float[] r, int at, int n, boolean fullFirst) {
        switch (op) {
            case "Add" -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] += r[at + i];
                }
            }
            case "Mul" -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] *= r[at + i];
                }
            }
            case "Sub" -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] = fullFirst ? x[from + i] - r[at + i] : r[at + i] - x[from + i];
                }
            }
            case "Div" -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] = fullFirst ? x[from + i] / r[at + i] : r[at + i] / x[from + i];
                }
            }
            case "Min" -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] = Math.min(x[from + i], r[at + i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] = Math.max(x[from + i], r[at + i]);
                }
            }
        }
    }
}
