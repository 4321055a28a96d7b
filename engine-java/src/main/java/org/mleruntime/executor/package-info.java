/**
 * Execution: the immutable, thread-safe {@link org.mleruntime.executor.Session} that binds a
 * planned graph to a backend's kernels and runs it with a per-call scratch arena, splitting large
 * batches by rows. It owns scheduling and input checking; it never decodes files or implements an
 * operator's arithmetic.
 */
package org.mleruntime.executor;
