/**
 * CPU kernels: one stateless {@link org.mleruntime.kernels.Kernel} factory per operator and the hot
 * loops behind them ({@link org.mleruntime.kernels.MathKernels} and
 * {@link org.mleruntime.kernels.DistanceLoops}, plain Java or Vector API, chosen once at start-up). Kernels compute on tensors they are handed; they never allocate the outputs,
 * decide execution order or read the file format.
 */
package org.mleruntime.kernels;
