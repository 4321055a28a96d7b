package org.mleruntime.operators.linear;


import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/** Matrix products: Gemm, MatMul, Einsum, and the quantized-weight operators Dequantize and QGemm. */
public final class LinearOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("Gemm", GemmSchema::gemm);
        schemas.add("MatMul", GemmSchema::matMul);
        schemas.addAcrossRows("Einsum", EinsumSchema::einsum);
        schemas.add("Dequantize", QuantizationSchemas::dequantize);
        schemas.add("QGemm", QuantizationSchemas::qgemm);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("Gemm", (node, in, c, math) -> GemmKernels.gemm(node, math, c.get(1)));
        kernels.add("MatMul", (node, in, c, math) -> GemmKernels.matMul(math, c.get(1)));
        kernels.add("Einsum", (node, in, c, math) -> new EinsumKernel(node, in.size()));
        kernels.add("Dequantize", (node, in, c, math) -> QuantizedKernels.dequantize(node));
        kernels.add("QGemm", (node, in, c, math) -> QuantizedKernels.qgemm(math, in.getFirst().dtype(), c));
    }
}
