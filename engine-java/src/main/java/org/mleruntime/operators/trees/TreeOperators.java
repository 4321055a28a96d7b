package org.mleruntime.operators.trees;

import java.lang.invoke.MethodHandles;
import java.util.List;
import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.KernelSpecializer;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/**
 * Tree ensembles: TreeEnsemble (any tree shape, from scikit-learn, XGBoost, LightGBM) and
 * ObliviousTreeEnsemble (CatBoost's symmetric trees).
 */
public final class TreeOperators implements OperatorFamily, CpuKernelProvider {
    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("TreeEnsemble", TreeEnsembleSchema::infer);
        schemas.add("ObliviousTreeEnsemble", ObliviousTreeEnsembleSchema::infer);
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("TreeEnsemble", (node, in, c, math) -> treeEnsemble(node, c, in.getFirst().dtype(), in.getFirst().shape().dim(1), math));
        kernels.add("ObliviousTreeEnsemble", (node, in, c, math) -> obliviousTreeEnsemble(node, c, in.getFirst().dtype(), in.getFirst().shape().dim(1), math));
    }

    /** A tree-ensemble kernel, from the class copy for its variant of input, threshold and leaf types. */
    public static Kernel treeEnsemble(Node node, List<Tensor> constants, DType inputType, long features, MathKernels math) {
        return (Kernel) KernelSpecializer.instantiate(MethodHandles.lookup(), TreeEnsembleKernel.class,
                inputType.label() + "-" + TreeEnsembleKernel.variant(node, constants), node, constants, features, inputType == DType.FLOAT32, math);
    }

    public static Kernel obliviousTreeEnsemble(Node node, List<Tensor> constants, DType inputType, long features, MathKernels math) {
        return (Kernel) KernelSpecializer.instantiate(MethodHandles.lookup(), ObliviousTreeEnsembleKernel.class,
                inputType.label() + "-" + constants.get(3).dtype().label(), node, constants, features, inputType == DType.FLOAT32, math);
    }
}
