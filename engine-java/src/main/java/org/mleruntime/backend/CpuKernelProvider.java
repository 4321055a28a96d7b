package org.mleruntime.backend;

/**
 * An operator family's CPU kernels. Providers are found with {@link java.util.ServiceLoader} from
 * {@code META-INF/services/org.mleruntime.backend.CpuKernelProvider}, so the CPU backend names no
 * operator; another backend (CUDA) has a provider interface of its own, registered the same way.
 */
public interface CpuKernelProvider {
    void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels);
}
