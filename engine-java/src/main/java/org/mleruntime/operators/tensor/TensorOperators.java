package org.mleruntime.operators.tensor;

import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.kernels.CopyKernel;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/**
 * Operators that move, select or relabel elements: Cast, LabelMap, Concat, Identity, Reshape,
 * GatherColumns.
 */
public final class TensorOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("Cast", TensorSchema::cast);
        schemas.add("LabelMap", TensorSchema::labelMap);
        schemas.add("Concat", TensorSchema::concat);
        schemas.add("Identity", TensorSchema::identity);
        schemas.add("Reshape", TensorSchema::reshape);
        schemas.add("GatherColumns", ColumnSchema::gatherColumns);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("Cast", (node, in, c, math) -> TensorKernels.cast());
        kernels.add("LabelMap", (node, in, c, math) -> TensorKernels.labelMap(c.get(1)));
        kernels.add("Concat", (node, in, c, math) -> TensorKernels.concat(node));
        kernels.add("Identity", (node, in, c, math) -> CopyKernel.INSTANCE);
        kernels.add("Reshape", (node, in, c, math) -> CopyKernel.INSTANCE);
        kernels.add("GatherColumns", (node, in, c, math) -> new GatherColumnsKernel(node));
    }
}
