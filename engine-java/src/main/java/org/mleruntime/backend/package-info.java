/**
 * Execution providers: each maps inferred nodes to kernels for one kind of device (the CPU here;
 * CUDA joins as another provider). A backend owns kernel choice for its device and nothing else:
 * not the graph, the plan or the file.
 */
package org.mleruntime.backend;
