/**
 * Vector API implementations of {@link org.mleruntime.kernels.MathKernels} and
 * {@link org.mleruntime.kernels.DistanceLoops}. Only this package may
 * reference {@code jdk.incubator.vector}; nothing outside it links against the incubator module,
 * so the engine still loads on runtimes that lack it.
 */
package org.mleruntime.kernels.vector;
