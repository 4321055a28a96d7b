package org.mleruntime.operators.math;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;

/**
 * The reductions of {@link ReduceSchema}, accumulated in double per output element: each input
 * element, in order, is added to the output element it falls on (followed by an odometer, with no
 * table of targets), then the result finished (a mean divides, L2 takes the root; log-sum-exp
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
        // Log-sum-exp takes two passes, the maxima first; each pass walks X once, the output element followed by an odometer.
        for (int pass = max == null ? 1 : 0; pass < 2; pass++) {
            long[] index = new long[dims.length];
            int o = 0;
            long elements = x.elementCount();
            for (long i = 0; i < elements; i++) {
                double v = x.getDouble(i);
                if (pass == 0) {
                    max[o] = Math.max(max[o], v);
                } else {
                    acc[o] = switch (op) {
                        case "ReduceMax" -> v > acc[o] || Double.isNaN(v) ? v : acc[o];
                        case "ReduceMin" -> v < acc[o] || Double.isNaN(v) ? v : acc[o];
                        case "ReduceProd" -> acc[o] * v;
                        case "ReduceL1" -> acc[o] + Math.abs(v);
                        case "ReduceL2", "ReduceSumSquare" -> acc[o] + v * v;
                        case "ReduceLogSumExp" -> acc[o] + Math.exp(v - max[o]);
                        default -> acc[o] + v;
                    };
                }
                for (int a = dims.length - 1; a >= 0; a--) {
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
