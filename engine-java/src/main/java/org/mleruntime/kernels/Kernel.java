package org.mleruntime.kernels;

import org.mleruntime.ir.Tensor;

/**
 * Computes one node's outputs from its inputs. A kernel is created once per node when a session is
 * built and is then called from any number of threads at once, so it holds no mutable state; the
 * tensors it is given carry concrete shapes and are valid only during the call. A kernel may finish
 * preparing itself in the background after it is built (faster code for the same results); runs
 * before that are just as correct.
 */
@FunctionalInterface
public interface Kernel {
    void compute(Tensor[] inputs, Tensor[] outputs);

    /** Waits until background preparation, if any, has finished. */
    default void awaitPrepared() {}
}
