/**
 * What every operator family's CPU kernels share: the stateless {@link org.mleruntime.kernels.Kernel}
 * contract, the hot loops ({@link org.mleruntime.kernels.MathKernels} and
 * {@link org.mleruntime.kernels.DistanceLoops}, plain Java or Vector API, chosen once at start-up),
 * broadcasting, the bulk copy and per-variant class copies. Kernels compute on tensors they are
 * handed; they never allocate the outputs, decide execution order or read the file format. This
 * package names no operator and no family.
 */
package org.mleruntime.kernels;
