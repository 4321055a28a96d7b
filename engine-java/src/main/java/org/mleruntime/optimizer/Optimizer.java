package org.mleruntime.optimizer;

import java.util.List;
import org.mleruntime.backend.Backend;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.MemoryBudget;

/** Runs the passes in order, repeating the round until a round changes nothing. */
public final class Optimizer {
    private static final int MAX_ROUNDS = 8;
    private final List<GraphPass> passes;

    public Optimizer(List<GraphPass> passes) {
        this.passes = List.copyOf(passes);
    }

    /** The standard passes; constants folded are reserved in {@code budget}. */
    public static Optimizer standard(Backend backend, MemoryBudget budget) {
        return new Optimizer(List.of(new ConstantFolding(backend, budget), new TransposeCancellation(), new IdentityElimination(),
                // Before fusion, which would take LayerNorm's γ and β for a Scaler.
                new LayerNormFusion(budget), new GeluFusion(), new Fusion(), new GemmFolding(budget), new ConcatProductSplit(budget),
                new TextProductFusion(), new ConvolutionFolding(budget), new AttentionFusion(),
                new DeadCodeElimination()));
    }

    public Graph optimize(Graph graph) {
        Graph current = graph;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Graph start = current;
            for (GraphPass pass : passes) {
                current = pass.apply(current);
            }
            if (current == start) {
                break;
            }
        }
        return current.validated();
    }
}
