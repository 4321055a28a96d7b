package org.mleruntime.operators.preprocessing;


import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/** Feature preprocessing: scaling and power/quantile transforms, expansions, encoders and missing values. */
public final class PreprocessingOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("Scaler", ScalingSchema::scaler);
        schemas.add("Normalizer", ScalingSchema::normalizer);
        schemas.add("PowerTransform", ScalingSchema::powerTransform);
        schemas.add("QuantileTransform", ScalingSchema::quantileTransform);
        schemas.add("Monomials", ExpansionSchema::monomials);
        schemas.add("SplineBasis", ExpansionSchema::splineBasis);
        schemas.add("CategoryMap", EncoderSchema::categoryMap);
        schemas.add("OneHot", EncoderSchema::oneHot);
        schemas.add("Bucketize", EncoderSchema::bucketize);
        schemas.add("Impute", MissingValueSchema::impute);
        schemas.add("IsMissing", MissingValueSchema::isMissing);
        schemas.add("RequireFinite", MissingValueSchema::requireFinite);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("Scaler", (node, in, c, math) -> ScalerKernel.create(node, math));
        kernels.add("Normalizer", (node, in, c, math) -> new NormalizerKernel(node, math));
        kernels.add("PowerTransform", (node, in, c, math) -> new PowerTransformKernel(node, c));
        kernels.add("QuantileTransform", (node, in, c, math) -> new QuantileTransformKernel(node, c));
        kernels.add("Monomials", (node, in, c, math) -> new MonomialsKernel(node));
        kernels.add("SplineBasis", (node, in, c, math) -> new SplineBasisKernel(node, c));
        kernels.add("CategoryMap", (node, in, c, math) -> new CategoryMapKernel(node, c));
        kernels.add("OneHot", (node, in, c, math) -> new OneHotKernel(node));
        kernels.add("Bucketize", (node, in, c, math) -> new BucketizeKernel(node, c));
        kernels.add("Impute", (node, in, c, math) -> new ImputeKernel(node, c));
        kernels.add("IsMissing", (node, in, c, math) -> new IsMissingKernel(node, in));
        kernels.add("RequireFinite", (node, in, c, math) -> new RequireFiniteKernel(node, in));
    }
}
