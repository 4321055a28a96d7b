package org.mleruntime.operators.tensor;

import java.util.List;
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
        schemas.add("Shape", LayoutSchema::shape, (node, inputs) -> false, LayoutSchema::shapeValue);
        schemas.add("Flatten", LayoutSchema::flatten);
        schemas.add("Where", LayoutSchema::where);
        schemas.addAcrossRows("Transpose", LayoutSchema::transpose);
        schemas.addAcrossRows("Squeeze", LayoutSchema::squeeze);
        schemas.addAcrossRows("Unsqueeze", LayoutSchema::unsqueeze);
        schemas.addAcrossRows("Gather", LayoutSchema::gather);
        schemas.addAcrossRows("GatherElements", LayoutSchema::gatherElements);
        schemas.addAcrossRows("GatherND", LayoutSchema::gatherNd);
        schemas.addAcrossRows("Slice", LayoutSchema::slice);
        schemas.addAcrossRows("Split", LayoutSchema::split);
        schemas.addAcrossRows("Expand", LayoutSchema::expand);
        schemas.addAcrossRows("Tile", LayoutSchema::tile);
        schemas.addAcrossRows("ConstantOfShape", LayoutSchema::constantOfShape);
        schemas.addAcrossRows("Range", LayoutSchema::range);
        schemas.addAcrossRows("Pad", PaddingSchema::pad);
        schemas.addAcrossRows("Resize", ResizeSchema::resize);
        schemas.add("Trilu", PaddingSchema::trilu, (node, inputs) -> inputs.getFirst().shape().rank() > 2);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("Cast", (node, in, c, math) -> TensorKernels.cast());
        kernels.add("LabelMap", (node, in, c, math) -> TensorKernels.labelMap(c.get(1)));
        kernels.add("Concat", (node, in, c, math) -> TensorKernels.concat(node));
        kernels.add("Identity", (node, in, c, math) -> CopyKernel.INSTANCE);
        kernels.add("Reshape", (node, in, c, math) -> CopyKernel.INSTANCE);
        kernels.add("GatherColumns", (node, in, c, math) -> new GatherColumnsKernel(node));
        kernels.add("Shape", (node, in, c, math) -> LayoutKernels.shape(node));
        for (String view : List.of("Flatten", "Squeeze", "Unsqueeze")) {
            kernels.add(view, (node, in, c, math) -> CopyKernel.INSTANCE);
        }
        kernels.add("Where", (node, in, c, math) -> LayoutKernels.where());
        kernels.add("Transpose", (node, in, c, math) -> LayoutKernels.transpose(node, in.getFirst()));
        kernels.add("Gather", (node, in, c, math) -> LayoutKernels.gather(node));
        kernels.add("GatherElements", (node, in, c, math) -> LayoutKernels.gatherElements(node));
        kernels.add("GatherND", (node, in, c, math) -> LayoutKernels.gatherNd(node));
        kernels.add("Slice", (node, in, c, math) -> LayoutKernels.slice(node));
        kernels.add("Split", (node, in, c, math) -> LayoutKernels.split(node));
        kernels.add("Expand", (node, in, c, math) -> LayoutKernels.expand());
        kernels.add("Tile", (node, in, c, math) -> LayoutKernels.tile());
        kernels.add("ConstantOfShape", (node, in, c, math) -> LayoutKernels.constantOfShape(node));
        kernels.add("Range", (node, in, c, math) -> LayoutKernels.range());
        kernels.add("Pad", (node, in, c, math) -> PaddingKernels.pad(node));
        kernels.add("Resize", (node, in, c, math) -> new ResizeKernel(node));
        kernels.add("Trilu", (node, in, c, math) -> PaddingKernels.trilu(node));
    }
}
