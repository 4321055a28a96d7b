package org.mleruntime.optimizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;

/**
 * Fuses a vectorizer into the linear model that reads it: {@code TokenCounts → Gemm} (or MatMul,
 * with a RequireFinite between them or not) becomes {@code TokenCountsGemm}, and the same for
 * HashedTokenCounts, when B and C are float64 constants and the counts are read by that model
 * alone. The counts row, as wide as the vocabulary (a million columns for a hashing vectorizer),
 * is then never written: each document costs its own terms. RequireFinite has nothing left to
 * check, since the fused kernel refuses a weighted term that is not finite itself. Gemm's bias,
 * whatever shape it broadcasts from, becomes one value per output; MatMul gets zeros.
 */
public final class TextProductFusion implements GraphPass {
    private static final Map<String, String> FUSED = Map.of("TokenCounts", "TokenCountsGemm", "HashedTokenCounts", "HashedTokenCountsGemm");

    @Override
    public String name() {
        return "text-product-fusion";
    }

    @Override
    public Graph apply(Graph graph) {
        Uses uses = new Uses(graph);
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.constants());
        FreshNames names = new FreshNames(graph);
        Set<Node> absorbed = new HashSet<>();
        List<Node> result = new ArrayList<>();
        for (Node product : graph.nodes()) {
            List<Node> chain = LinearInputs.byConstantWeights(product, constants) ? LinearInputs.feeding(product, null, uses) : null;
            if (chain == null) {
                result.add(product);
                continue;
            }
            Node counts = chain.getFirst();
            Tensor weights = constants.get(product.inputs().get(1));
            boolean transB = product.intAttr("transB", 0) != 0;
            int outputs = Math.toIntExact(weights.shape().dim(transB ? 0 : 1));
            String bias = names.fresh(product.name() + "/bias");
            constants.put(bias, biasVector(product, constants, outputs));
            List<String> inputs = new ArrayList<>(counts.inputs());
            inputs.add(product.inputs().get(1));
            inputs.add(bias);
            Map<String, Attribute> attributes = new LinkedHashMap<>(counts.attributes());
            attributes.put("transB", new Attribute.Int(transB ? 1 : 0));
            result.add(new Node(names.fresh(counts.name() + "+" + product.name()), FUSED.get(counts.opType()), 1, inputs, product.outputs(),
                    attributes));
            absorbed.addAll(chain);
        }
        if (absorbed.isEmpty()) {
            return graph;
        }
        result.removeIf(absorbed::contains);
        return graph.withNodes(result, constants);
    }

    /** Gemm's bias as one value per output (a scalar, [1], [M] or [1, M] broadcast), or zeros for MatMul. */
    private static Tensor biasVector(Node product, Map<String, Tensor> constants, int outputs) {
        double[] values = new double[outputs];
        if (product.inputs().size() > 2) {
            Tensor c = constants.get(product.inputs().get(2));
            for (int o = 0; o < outputs; o++) {
                values[o] = c.getDouble(c.elementCount() == 1 ? 0 : o);
            }
        }
        return Tensors.of(DType.FLOAT64, Shape.of(outputs), values);
    }
}
