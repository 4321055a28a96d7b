package org.mleruntime.backend;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;
import org.mleruntime.kernels.MathKernels;

/** Builds one operator's CPU kernel for a node whose input types are inferred, over the backend's hot loops. */
@FunctionalInterface
public interface CpuKernelFactory {
    /** @param constants for each input, its value when the input is a constant (weights), else null */
    Kernel create(Node node, List<ValueInfo> inputs, List<Tensor> constants, MathKernels math);
}
