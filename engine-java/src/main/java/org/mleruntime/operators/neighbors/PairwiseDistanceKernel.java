package org.mleruntime.operators.neighbors;

import static org.mleruntime.ir.Tensor.F64;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.DistanceLoops;
import org.mleruntime.kernels.DistanceMetric;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MetricRows;

/**
 * {@code PairwiseDistance}: the distance (or reduced distance) from every input row to every row of
 * a constant matrix, one output row at a time through {@link DistanceLoops}.
 */
final class PairwiseDistanceKernel implements Kernel {
    private final String name;
    private final MetricRows rows;
    private final DistanceLoops loops;
    private final boolean reduced;

    PairwiseDistanceKernel(Node node, List<Tensor> constants, DistanceLoops loops) {
        this.name = node.name();
        this.loops = loops;
        this.rows = NeighborsKernel.prepareRows(node, constants, loops);
        this.reduced = node.intAttr("reduced", 0) != 0;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[NeighborsSchema.X];
        Tensor y = outputs[0];
        long n = x.shape().dim(0);
        int m = rows.rows();
        double[] q = new double[rows.features()];
        double[] out = new double[m];
        DistanceMetric metric = rows.metric();
        for (long r = 0; r < n; r++) {
            MetricRows.readQuery(x, r, q, name);
            loops.reducedToAll(rows, q, metric.rowTerm(q), out);
            if (!reduced) {
                for (int j = 0; j < m; j++) {
                    out[j] = metric.toDistance(out[j]);
                }
            }
            java.lang.foreign.MemorySegment.copy(out, 0, y.data(), F64, r * m * 8, m);
        }
    }
}
