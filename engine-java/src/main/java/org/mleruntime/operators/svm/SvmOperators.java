package org.mleruntime.operators.svm;


import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/** Support vector machines: KernelMatrix and the decision, vote, one-vs-rest and probability heads. */
public final class SvmOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("KernelMatrix", KernelMatrixSchema::infer);
        SvmSchema.OPERATORS.forEach(op -> schemas.add(op, SvmSchema::infer));
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("KernelMatrix", (node, in, c, math) -> KernelMatrixKernel.create(node, c, math));
        SvmSchema.OPERATORS.forEach(op -> kernels.add(op, (node, in, c, math) -> SvmKernels.create(node, c)));
    }
}
