package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/** What the text passes look for: a linear model by constant weights, what feeds it, and vectorizers' counts. */
final class LinearInputs {
    private static final Set<String> COUNTING = Set.of("TokenCounts", "HashedTokenCounts");

    private LinearInputs() {}

    static boolean isCounting(Node node) {
        return node != null && COUNTING.contains(node.opType());
    }

    /** True for a Gemm or MatMul by float64 constant weights of rank 2, with a float64 constant bias if it has one. */
    static boolean byConstantWeights(Node product, Map<String, Tensor> constants) {
        if (!(product.opType().equals("Gemm") || product.opType().equals("MatMul")) || product.inputs().size() < 2) {
            return false;
        }
        Tensor weights = constants.get(product.inputs().get(1));
        Tensor bias = product.inputs().size() > 2 ? constants.get(product.inputs().get(2)) : null;
        return weights != null && weights.dtype() == DType.FLOAT64 && weights.shape().rank() == 2
                && (product.inputs().size() == 2 || (bias != null && bias.dtype() == DType.FLOAT64));
    }

    /**
     * The node producing the product's first input and, after it, the RequireFinite between them if
     * there is one, each read by the next alone; null when that producer is not of {@code opType}.
     */
    static List<Node> feeding(Node product, String opType, Uses uses) {
        List<Node> chain = new ArrayList<>();
        String read = product.inputs().getFirst();
        Node producer = uses.producer(read);
        if (producer != null && producer.opType().equals("RequireFinite") && uses.privateTo(read)) {
            chain.add(producer);
            read = producer.inputs().getFirst();
            producer = uses.producer(read);
        }
        boolean wanted = producer != null && (opType == null ? isCounting(producer) : producer.opType().equals(opType));
        if (!wanted || !uses.privateTo(read)) {
            return null;
        }
        chain.addFirst(producer);
        return chain;
    }
}
