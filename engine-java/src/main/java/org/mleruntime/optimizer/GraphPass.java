package org.mleruntime.optimizer;

import org.mleruntime.ir.Graph;

/**
 * One rewrite of a graph that keeps every graph output bit-for-bit the same, but for passes over
 * float32 deep-learning operators, which keep them within float32 rounding (each says so).
 */
public interface GraphPass {
    String name();

    /** The rewritten graph, or the same instance when nothing applied. */
    Graph apply(Graph graph);
}
