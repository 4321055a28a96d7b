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
 * Translates a read ONNX model into the engine's IR. Graph inputs keep their shapes: numbers,
 * and symbols by their names (format 1.2 keeps them in the file's signature). Nodes are
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
            inputs.add(new ValueInfo(in.name(), in.dtype(), declared(in)));
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
                List.of(), List.of(), null, Map.of("predict", outputs.stream().map(ValueInfo::name).toList()), properties);
    }

    /**
     * The engine shape of a graph input: fixed sizes as they are, each symbolic one ({@code dim_param})
     * under its name, an unnamed one as {@link Shape#UNKNOWN} (the batch's default name when first).
     */
    private static Shape declared(OnnxValue in) {
        if (in.dims() == null) {
            throw new UnsupportedModelException("graph input '" + in.name() + "' declares no shape; the engine needs at least its rank");
        }
        long[] dims = new long[in.dims().size()];
        String[] names = new String[dims.length];
        for (int i = 0; i < dims.length; i++) {
            OnnxDim d = in.dims().get(i);
            if (d instanceof OnnxDim.Fixed f) {
                dims[i] = f.size();
            } else {
                String name = ((OnnxDim.Symbolic) d).name();
                dims[i] = Shape.BATCH;
                names[i] = !name.isEmpty() ? symbol(in, name) : i == 0 ? Shape.ROWS : Shape.UNKNOWN;
            }
        }
        return new Shape(dims, names);
    }

    /** A dim_param as the file format can keep it: printable, without spaces, at most 64 characters. */
    private static String symbol(OnnxValue in, String name) {
        if (name.length() > 64 || !name.chars().allMatch(ch -> ch > ' ' && ch < 0x7F)) {
            throw new UnsupportedModelException("graph input '" + in.name() + "' names a dimension '" + name
                    + "'; dimension names are 1 to 64 printable ASCII characters without spaces");
        }
        return name;
    }

    /**
     * The output as the file declares it where it says more than inference (a sequence length the
     * engine infers as unknown keeps its declared name, or its declared size, checked per run), after
     * checking the two agree.
     */
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
        long[] dims = s.dims();
        String[] names = s.symbols();
        for (int i = 0; fits && i < s.rank(); i++) {
            OnnxDim d = declared.dims().get(i);
            if (d instanceof OnnxDim.Fixed f) {
                fits = s.isSymbolic(i) || s.dim(i) == f.size();
                dims[i] = f.size();
                names[i] = null;
            } else if (s.isSymbolic(i) && d instanceof OnnxDim.Symbolic named && !named.name().isEmpty()
                    && named.name().length() <= 64 && named.name().chars().allMatch(ch -> ch > ' ' && ch < 0x7F)) {
                names[i] = named.name();
            }
        }
        if (!fits) {
            throw new InvalidModelException("graph output '" + declared.name() + "' is declared with shape " + declared.dims()
                    + " but computes " + s);
        }
        return new ValueInfo(inferred.name(), inferred.dtype(), new Shape(dims, names));
    }
}
