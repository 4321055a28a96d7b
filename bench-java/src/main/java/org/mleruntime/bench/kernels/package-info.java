/**
 * JMH microbenchmarks of the engine's hot kernels: GEMM ({@code PlainMathKernels} and
 * {@code VectorMathKernels}), the tree walk ({@code TreeEnsembleKernel}, through a session on a
 * hand-built ensemble of complete trees) and softmax, each on a JVM with the Vector API module and
 * on one without it, where the plain-Java kernels are chosen. The scores are nanoseconds per call;
 * bench/run.py turns them into GFLOP/s, node visits/s or elements/s and sets them next to the
 * machine's peak. Inputs and weights live in native memory, as a mapped model's do.
 */
package org.mleruntime.bench.kernels;
