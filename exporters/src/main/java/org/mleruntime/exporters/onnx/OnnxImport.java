package org.mleruntime.exporters.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mleruntime.InvalidModelException;
import org.mleruntime.exporters.UnsupportedModelException;
import org.mleruntime.exporters.common.ModelDescription;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.Model;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.ValueInfo;

/**
 * Translates a read ONNX model into the engine's IR. The first dimension of every graph input,
 * a number or a symbol, becomes the batch; any other dimension must be a number. Nodes are
 * translated in file order (ONNX requires it topological) after a check that every operator has
 * a mapping; declared outputs are checked against what the engine infers.
 */
public final class OnnxImport {
    private OnnxImport() {}

    public static Model toModel(OnnxModel model) {
        try {
            return translate(model);
        } catch (ArithmeticException e) {
            // Shape arithmetic, here and in the operator schemas, is multiplyExact throughout: an
            // overflow means dimensions no tensor could have.
            throw new InvalidModelException("the ONNX model's dimensions overflow 64-bit arithmetic (" + e.getMessage() + ")", e);
        }
    }

    private static Model translate(OnnxModel model) {
        OperatorMappings.checkSupported(model);
        OnnxGraph graph = model.graph();
        List<ValueInfo> inputs = new ArrayList<>();
        for (OnnxValue in : graph.inputs()) {
            inputs.add(new ValueInfo(in.name(), in.dtype(), batched(in)));
        }
        GraphTranslation translation = new GraphTranslation(graph, model.opsetVersion(), inputs);
        for (OnnxNode n : graph.nodes()) {
            OperatorMappings.of(n, model.opsetVersion()).translator().translate(n, translation);
        }
        translation.computeConstantOutputs(graph.outputs().stream().map(OnnxValue::name).toList());
        List<ValueInfo> outputs = new ArrayList<>();
        for (OnnxValue out : graph.outputs()) {
            outputs.add(checked(out, translation.graphOutput(out.name())));
        }
        Graph g = translation.graph(outputs);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("onnx.ir_version", Long.toString(model.irVersion()));
        properties.put("onnx.opset", Long.toString(model.opsetVersion()));
        properties.put("onnx.producer_name", model.producerName());
        properties.put("onnx.producer_version", model.producerVersion());
        String producer = model.producerName().isEmpty() ? "an unnamed producer"
                : model.producerName() + (model.producerVersion().isEmpty() ? "" : " " + model.producerVersion());
        return ModelDescription.model(g, "onnx", Long.toString(model.opsetVersion()), "onnx:" + graph.name(),
                "ONNX graph '" + graph.name() + "' from " + producer + ", operator set " + model.opsetVersion(),
                List.of(), List.of(), null, Map.of(), properties);
    }

    /** The engine shape of a graph input: its first dimension the batch, the others numbers. */
    private static Shape batched(OnnxValue in) {
        if (in.dims().isEmpty()) {
            throw new UnsupportedModelException("graph input '" + in.name() + "' is a scalar (rank 0); the engine's graph inputs are "
                    + "batches of rows, with the batch dimension first");
        }
        long[] dims = new long[in.dims().size()];
        for (int i = 0; i < dims.length; i++) {
            OnnxDim d = in.dims().get(i);
            if (i == 0) {
                dims[i] = Shape.BATCH;
            } else if (d instanceof OnnxDim.Fixed f) {
                dims[i] = f.size();
            } else {
                throw new UnsupportedModelException("graph input '" + in.name() + "' has the symbolic dimension '" + d + "' at axis " + i + " of "
                        + in.dims() + "; the engine takes one dynamic dimension, the first (the batch)");
            }
        }
        return new Shape(dims);
    }

    /** The inferred output, after checking it against what the file declares. */
    private static ValueInfo checked(OnnxValue declared, ValueInfo inferred) {
        if (declared.dtype() != inferred.dtype()) {
            throw new InvalidModelException("graph output '" + declared.name() + "' is declared " + declared.dtype().label()
                    + " but computes " + inferred.dtype().label());
        }
        if (declared.dims() == null) {
            return inferred;
        }
        Shape s = inferred.shape();
        boolean fits = declared.dims().size() == s.rank();
        for (int i = 0; fits && i < s.rank(); i++) {
            if (declared.dims().get(i) instanceof OnnxDim.Fixed f && s.dim(i) != Shape.BATCH && s.dim(i) != f.size()) {
                fits = false;
            }
        }
        if (!fits) {
            throw new InvalidModelException("graph output '" + declared.name() + "' is declared with shape " + declared.dims()
                    + " but computes " + s);
        }
        return inferred;
    }
}
