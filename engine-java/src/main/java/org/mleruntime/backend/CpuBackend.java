package org.mleruntime.backend;

import java.util.List;
import org.mleruntime.UnsupportedOperatorException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.BucketizeKernel;
import org.mleruntime.kernels.CategoryMapKernel;
import org.mleruntime.kernels.ClassIndicatorKernel;
import org.mleruntime.kernels.ClipKernel;
import org.mleruntime.kernels.CpuKernels;
import org.mleruntime.kernels.GatherColumnsKernel;
import org.mleruntime.kernels.ImputeKernel;
import org.mleruntime.kernels.InterpolateKernel;
import org.mleruntime.kernels.IsMissingKernel;
import org.mleruntime.kernels.RequireFiniteKernel;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.KernelMatrixKernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathFunctionKernel;
import org.mleruntime.kernels.MathKernelsProvider;
import org.mleruntime.kernels.SvmKernels;
import org.mleruntime.kernels.MonomialsKernel;
import org.mleruntime.kernels.NormalizerKernel;
import org.mleruntime.kernels.OneHotKernel;
import org.mleruntime.kernels.PowerTransformKernel;
import org.mleruntime.kernels.QuantileTransformKernel;
import org.mleruntime.kernels.QuantizedKernels;
import org.mleruntime.kernels.SplineBasisKernel;
import org.mleruntime.kernels.TokenCountsGemmKernel;
import org.mleruntime.kernels.TokenCountsKernel;
import org.mleruntime.kernels.WeightedMedianKernel;

/** The CPU execution provider, over the plain-Java or Vector API hot loops. */
public final class CpuBackend implements Backend {
    private static final CpuBackend DEFAULT = new CpuBackend(MathKernelsProvider.selected());

    private final MathKernels math;

    public CpuBackend(MathKernels math) {
        this.math = math;
    }

    /** The backend with the hot loops chosen for this runtime at start-up. */
    public static CpuBackend defaultBackend() {
        return DEFAULT;
    }

    public MathKernels math() {
        return math;
    }

    @Override
    public String name() {
        return "cpu/" + math.name();
    }

    @Override
    public boolean supports(Node node) {
        return CpuKernels.operators().contains(node.opType());
    }

    @Override
    public Kernel kernel(Node node, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Tensor> constants) {
        return switch (node.opType()) {
            case "Gemm" -> CpuKernels.gemm(node, math);
            case "MatMul" -> CpuKernels.matMul(math);
            case "Add", "Sub", "Mul", "Div", "Pow", "Greater", "GreaterOrEqual" -> CpuKernels.binary(node, math);
            case "Sigmoid", "Tanh", "Relu", "Exp", "Log", "Neg", "Abs", "Cos", "Sin" -> CpuKernels.unary(node);
            case "Softmax" -> CpuKernels.softmax();
            case "ReduceSum" -> CpuKernels.reduceSum();
            case "ArgMax" -> CpuKernels.argMax();
            case "Cast" -> CpuKernels.cast();
            case "LabelMap" -> CpuKernels.labelMap(constants.get(1));
            case "Scaler" -> CpuKernels.scaler(node, math);
            case "Concat" -> CpuKernels.concat(node);
            case "Identity", "Reshape" -> CpuKernels.copy();
            case "TreeEnsemble" -> CpuKernels.treeEnsemble(node, constants, inputs.getFirst().dtype(),
                    inputs.getFirst().shape().dim(1), math);
            case "ObliviousTreeEnsemble" -> CpuKernels.obliviousTreeEnsemble(node, constants, inputs.getFirst().dtype(),
                    inputs.getFirst().shape().dim(1), math);
            case "KernelMatrix" -> KernelMatrixKernel.create(node, constants, math);
            case "SvmDecision", "SvmVote", "SvmOvr", "SvmProbability" -> SvmKernels.create(node, constants);
            case "GatherColumns" -> new GatherColumnsKernel(node);
            case "CategoryMap" -> new CategoryMapKernel(node, constants);
            case "OneHot" -> new OneHotKernel(node);
            case "Bucketize" -> new BucketizeKernel(node, constants);
            case "TokenCounts", "HashedTokenCounts" -> new TokenCountsKernel(node, constants);
            case "TokenCountsGemm", "HashedTokenCountsGemm" -> new TokenCountsGemmKernel(node, constants);
            case "Impute" -> new ImputeKernel(node, constants);
            case "IsMissing" -> new IsMissingKernel(node, inputs);
            case "RequireFinite" -> new RequireFiniteKernel(node, inputs);
            case "Clip" -> new ClipKernel(math);
            case "Log1p", "Expm1", "Sqrt" -> new MathFunctionKernel(node);
            case "Normalizer" -> new NormalizerKernel(node, math);
            case "PowerTransform" -> new PowerTransformKernel(node, constants);
            case "QuantileTransform" -> new QuantileTransformKernel(node, constants);
            case "Monomials" -> new MonomialsKernel(node);
            case "SplineBasis" -> new SplineBasisKernel(node, constants);
            case "Dequantize" -> QuantizedKernels.dequantize(node);
            case "QGemm" -> QuantizedKernels.qgemm(math, inputs.getFirst().dtype(), constants);
            case "ClassIndicator" -> new ClassIndicatorKernel(node, constants.get(1), constants.get(2));
            case "WeightedMedian" -> new WeightedMedianKernel(constants.get(1));
            case "Interpolate" -> new InterpolateKernel(node, constants.get(1), constants.get(2));
            case "PairwiseDistance", "Neighbors", "NeighborsAggregate" -> CpuKernels.neighbors(node, constants, math);
            case "LogSumExp", "LogSoftmax", "CategoryTableSum" -> CpuKernels.probabilities(node, constants);
            default -> throw new UnsupportedOperatorException("the " + name() + " backend has no kernel for operator '" + node.opType()
                    + "' (node '" + node.name() + "')");
        };
    }
}
