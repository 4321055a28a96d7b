package org.mleruntime.backend;

import java.util.List;
import java.util.Set;
import org.mleruntime.UnsupportedOperatorException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;
import org.mleruntime.kernels.MathKernelsProvider;

/** The CPU execution provider, over the plain-Java or Vector API hot loops; its kernels come from the operator families. */
public final class CpuBackend implements Backend {
    private static final KernelRegistry<CpuKernelFactory> KERNELS =
            KernelRegistry.load(CpuKernelProvider.class, CpuKernelProvider::addCpuKernels);
    private static final CpuBackend DEFAULT = new CpuBackend(MathKernelsProvider.selected());

    private final MathKernels math;

    public CpuBackend(MathKernels math) {
        this.math = math;
    }

    /** The backend with the hot loops chosen for this runtime at start-up. */
    public static CpuBackend defaultBackend() {
        return DEFAULT;
    }

    /** The operators this backend has a kernel for. */
    public static Set<String> operators() {
        return KERNELS.operators();
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
        return KERNELS.get(node.opType()) != null;
    }

    @Override
    public Kernel kernel(Node node, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Tensor> constants) {
        CpuKernelFactory factory = KERNELS.get(node.opType());
        if (factory == null) {
            throw new UnsupportedOperatorException("the " + name() + " backend has no kernel for operator '" + node.opType()
                    + "' (node '" + node.name() + "')");
        }
        return factory.create(node, inputs, constants, math);
    }
}
