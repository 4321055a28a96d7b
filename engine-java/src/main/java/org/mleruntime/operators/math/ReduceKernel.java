package org.mleruntime.operators.math;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;

/**
 * The reductions of {@link ReduceSchema}, accumulated in double per output element: each input
 * element, in order, is added to the output element it falls on (runs of elements that fall on the
 * same one by a single loop, followed from run to run by an odometer, with no table of targets), then the result finished (a mean divides, L2 takes the root; log-sum-exp
 * subtracts the maximum first, as numerically stable code does).
 */
final class ReduceKernel implements Kernel {
    private final Node node;

    ReduceKernel(Node node) {
        this.node = node;
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        Tensor y = out[0];
        long[] dims = x.shape().dims();
        List<ValueInfo> types = Arrays.asList(new ValueInfo("x", x.dtype(), x.shape()), in.length > 1 ? new ValueInfo("axes", in[1].dtype(), in[1].shape()) : null);
        boolean[] reduced = ReduceSchema.reducedAxes(node, in.length > 1 ? types : types.subList(0, 1), Arrays.asList(in), dims.length);
        int count = Math.toIntExact(y.elementCount());
        long[] outStride = outputStrides(dims, reduced);
        String op = node.opType();
        double[] acc = new double[count];
        double[] max = null;
        Arrays.fill(acc, switch (op) {
            case "ReduceMax" -> Double.NEGATIVE_INFINITY;
            case "ReduceMin" -> Double.POSITIVE_INFINITY;
            case "ReduceProd" -> 1;
            default -> 0;
        });
        if (op.equals("ReduceLogSumExp")) {
            max = new double[count];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }
        // Elements that fall on one output element one after another (the trailing reduced axes) are a
        // run, folded by one loop; an odometer over the other axes follows the output element from run to run.
        int leading = dims.length;
        long run = 1;
        while (leading > 0 && reduced[leading - 1]) {
            run *= dims[--leading];
        }
        long elements = x.elementCount();
        // Log-sum-exp takes two passes, the maxima first; each pass walks X once.
        for (int pass = max == null ? 1 : 0; pass < 2; pass++) {
            long[] index = new long[leading];
            int o = 0;
            for (long from = 0; from < elements; from += run) {
                if (pass == 0) {
                    max[o] = fold("ReduceMax", x, from, run, max[o], 0);
                } else {
                    acc[o] = fold(op, x, from, run, acc[o], max == null ? 0 : max[o]);
                }
                for (int a = leading - 1; a >= 0; a--) {
                    if (++index[a] < dims[a]) {
                        o += (int) outStride[a];
                        break;
                    }
                    o -= (int) ((dims[a] - 1) * outStride[a]);
                    index[a] = 0;
                }
            }
        }
        long per = count == 0 ? 0 : x.elementCount() / count;
        for (int o = 0; o < count; o++) {
            double v = switch (op) {
                case "ReduceMean" -> acc[o] / per;
                case "ReduceL2" -> Math.sqrt(acc[o]);
                case "ReduceLogSumExp" -> max[o] == Double.NEGATIVE_INFINITY ? max[o] : max[o] + Math.log(acc[o]);
                default -> acc[o];
            };
            if (y.dtype().isFloating()) {
                y.setDouble(o, v);
            } else {
                y.setLong(o, (long) v);
            }
        }
    }

    /** {@code acc} with X's elements [from, from + count) folded in, in order, by the reduction {@code op}. */
    private static double fold(String op, Tensor x, long from, long count, double acc, double max) {
        long to = from + count;
        switch (op) {
            case "ReduceMax" -> {
                for (long i = from; i < to; i++) {
                    double v = x.getDouble(i);
                    acc = v > acc || Double.isNaN(v) ? v : acc;
                }
            }
            case "ReduceMin" -> {
                for (long i = from; i < to; i++) {
                    double v = x.getDouble(i);
                    acc = v < acc || Double.isNaN(v) ? v : acc;
                }
            }
            case "ReduceProd" -> {
                for (long i = from; i < to; i++) {
                    acc *= x.getDouble(i);
                }
            }
            case "ReduceL1" -> {
                for (long i = from; i < to; i++) {
                    acc += Math.abs(x.getDouble(i));
                }
            }
            case "ReduceL2", "ReduceSumSquare" -> {
                for (long i = from; i < to; i++) {
                    double v = x.getDouble(i);
                    acc += v * v;
                }
            }
            case "ReduceLogSumExp" -> {
                for (long i = from; i < to; i++) {
                    acc += Math.exp(x.getDouble(i) - max);
                }
            }
            default -> {
                for (long i = from; i < to; i++) {
                    acc += x.getDouble(i);
                }
            }
        }
        return acc;
    }

    /** How far the output element moves when each input axis advances by one: 0 along a reduced axis. */
    private static long[] outputStrides(long[] dims, boolean[] reduced) {
        long[] outStride = new long[dims.length];
        long stride = 1;
        for (int a = dims.length - 1; a >= 0; a--) {
            outStride[a] = reduced[a] ? 0 : stride;
            stride *= reduced[a] ? 1 : dims[a];
        }
        return outStride;
    }
}
