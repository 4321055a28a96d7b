package org.mleruntime.operators.ensembles;


import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/**
 * Combining estimators: ClassIndicator (one estimator's vote as a row) and WeightedMedian
 * (AdaBoost's regression).
 */
public final class EnsembleOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("ClassIndicator", ClassIndicatorSchema::infer);
        schemas.add("WeightedMedian", WeightedMedianSchema::infer);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("ClassIndicator", (node, in, c, math) -> new ClassIndicatorKernel(node, c.get(1), c.get(2)));
        kernels.add("WeightedMedian", (node, in, c, math) -> new WeightedMedianKernel(c.get(1)));
    }
}
