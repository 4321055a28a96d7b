package org.mleruntime.operators.neighbors;

import java.util.List;
import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.DistanceLoops;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/** Nearest neighbours: PairwiseDistance, Neighbors (brute force or a KD/ball tree) and NeighborsAggregate. */
public final class NeighborOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("PairwiseDistance", NeighborsSchema::pairwiseDistance);
        schemas.add("Neighbors", NeighborsSchema::neighbors);
        schemas.add("NeighborsAggregate", NeighborsSchema::aggregate);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        for (String op : List.of("PairwiseDistance", "Neighbors", "NeighborsAggregate")) {
            kernels.add(op, (node, in, c, math) -> kernel(node, c, math));
        }
    }

    /** The distance and neighbour kernels, with the distance loops of the same kind as {@code math}. */
    public static Kernel kernel(Node node, List<Tensor> constants, MathKernels math) {
        DistanceLoops loops = DistanceLoops.matching(math);
        return switch (node.opType()) {
            case "PairwiseDistance" -> new PairwiseDistanceKernel(node, constants, loops);
            case "Neighbors" -> new NeighborsKernel(node, constants, loops);
            default -> new NeighborsAggregateKernel(node, constants);
        };
    }
}
