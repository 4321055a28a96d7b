package org.mleruntime.operators.text;

import static org.mleruntime.ir.Tensor.F64;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * TokenCountsGemm and HashedTokenCountsGemm: {@code Y = T · B + C} where T is what TokenCounts or
 * HashedTokenCounts would write, computed from each document's weighted terms
 * ({@link DocumentTerms}) alone: an output is the sum, in increasing column order, of each
 * stored term value times its row of B, then C, the order of scipy's sparse-times-dense product
 * that scikit-learn's linear models run on a vectorizer's output. A document costs its own terms
 * times the outputs; the vocabulary's width costs nothing per document.
 */
public final class TokenCountsGemmKernel implements Kernel {
    private final DocumentTerms terms;
    private final MemorySegment weights;
    private final MemorySegment bias;
    private final long termStride;
    private final long outputStride;

    public TokenCountsGemmKernel(Node node, List<Tensor> constants) {
        int counting = constants.size() - 2;
        terms = new DocumentTerms(node, constants.subList(0, counting), node.opType().equals("HashedTokenCountsGemm"));
        weights = constants.get(counting).data();
        bias = constants.get(counting + 1).data();
        long outputs = constants.get(counting + 1).elementCount();
        boolean transB = node.intAttr("transB", 0) != 0;
        termStride = transB ? 1 : outputs;
        outputStride = transB ? terms.width() : 1;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor documents = inputs[0];
        MemorySegment y = outputs[0].data();
        long rows = outputs[0].shape().dim(0);
        int m = Math.toIntExact(outputs[0].shape().dim(1));
        TermRow row = new TermRow();
        double[] sums = new double[m];
        for (long r = 0; r < rows; r++) {
            terms.weigh(documents.string(r), row);
            Arrays.fill(sums, 0.0);
            for (int e = 0; e < row.size(); e++) {
                double v = row.value(e);
                long at = row.column(e) * termStride;
                for (int o = 0; o < m; o++) {
                    sums[o] += v * weights.getAtIndex(F64, at + o * outputStride);
                }
            }
            for (int o = 0; o < m; o++) {
                y.setAtIndex(F64, r * m + o, sums[o] + bias.getAtIndex(F64, o));
            }
        }
    }
}
