package org.mleruntime.operators.math;

import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;

/**
 * The reductions of {@link ReduceSchema}, accumulated in double per output element: each input
 * element is added to the output element it falls on, then the result finished (a mean divides, L2
 * takes the root; log-sum-exp subtracts the maximum first, as numerically stable code does).
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
        long[] target = targets(dims, reduced, x.elementCount());
        String op = node.opType();
        double[] acc = new double[count];
        double[] max = null;
        if (op.equals("ReduceLogSumExp")) {
            max = new double[count];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < target.length; i++) {
                max[(int) target[i]] = Math.max(max[(int) target[i]], x.getDouble(i));
            }
        }
        Arrays.fill(acc, switch (op) {
            case "ReduceMax" -> Double.NEGATIVE_INFINITY;
            case "ReduceMin" -> Double.POSITIVE_INFINITY;
            case "ReduceProd" -> 1;
            default -> 0;
        });
        for (int i = 0; i < target.length; i++) {
            int o = (int) target[i];
            double v = x.getDouble(i);
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

    /** For each input element, the output element it reduces into. */
    private static long[] targets(long[] dims, boolean[] reduced, long elements) {
        long[] target = new long[Math.toIntExact(elements)];
        long[] outStride = new long[dims.length];
        long stride = 1;
        for (int a = dims.length - 1; a >= 0; a--) {
            outStride[a] = reduced[a] ? 0 : stride;
            stride *= reduced[a] ? 1 : dims[a];
        }
        long[] index = new long[dims.length];
        long o = 0;
        for (int i = 0; i < target.length; i++) {
            target[i] = o;
            for (int a = dims.length - 1; a >= 0; a--) {
                if (++index[a] < dims[a]) {
                    o += outStride[a];
                    break;
                }
                o -= (dims[a] - 1) * outStride[a];
                index[a] = 0;
            }
        }
        return target;
    }
}
