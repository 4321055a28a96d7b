package org.mleruntime.operators.text;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * TokenCounts and HashedTokenCounts: each document's weighted terms ({@link DocumentTerms}) written
 * into its dense row, zeros elsewhere.
 */
public final class TokenCountsKernel implements Kernel {
    private final DocumentTerms terms;

    public TokenCountsKernel(Node node, List<Tensor> constants) {
        terms = new DocumentTerms(node, constants, node.opType().equals("HashedTokenCounts"));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor documents = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        int width = terms.width();
        TermRow row = new TermRow();
        for (long r = 0; r < rows; r++) {
            terms.weigh(documents.string(r), row);
            long start = r * width;
            for (int k = 0; k < width; k++) {
                y.setDouble(start + k, 0.0);
            }
            for (int e = 0; e < row.size(); e++) {
                y.setDouble(start + row.column(e), row.value(e));
            }
        }
    }
}
