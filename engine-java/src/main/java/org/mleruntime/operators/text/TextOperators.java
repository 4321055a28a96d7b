package org.mleruntime.operators.text;


import java.util.List;
import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/**
 * Text features: token counts of documents, by vocabulary or hashed, alone or fused with the
 * linear layer after them.
 */
public final class TextOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("TokenCounts", TextSchema::tokenCounts);
        schemas.add("HashedTokenCounts", TextSchema::hashedTokenCounts);
        schemas.add("TokenCountsGemm", TextSchema::tokenCountsGemm);
        schemas.add("HashedTokenCountsGemm", TextSchema::hashedTokenCountsGemm);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        for (String op : List.of("TokenCounts", "HashedTokenCounts")) {
            kernels.add(op, (node, in, c, math) -> new TokenCountsKernel(node, c));
        }
        for (String op : List.of("TokenCountsGemm", "HashedTokenCountsGemm")) {
            kernels.add(op, (node, in, c, math) -> new TokenCountsGemmKernel(node, c));
        }
    }
}
