package org.mleruntime.exporters.onnx;

import java.nio.file.Path;
import java.util.Map;
import org.mleruntime.exporters.ModelConverter;
import org.mleruntime.ir.Model;

/**
 * The registry's converter for ONNX model files ({@code .onnx}). A file is read with its folder,
 * so tensors kept in external data files beside it are found; bytes alone have no folder.
 */
public final class OnnxConverter implements ModelConverter {
    @Override
    public String framework() {
        return "onnx";
    }

    @Override
    public String description() {
        return "ONNX model files (.onnx, ModelProto; weights inline or in external data files beside the model), operator sets "
                + OnnxReader.MIN_OPSET + " to " + OnnxReader.MAX_OPSET;
    }

    @Override
    public Model convert(Path file, Map<String, String> options) {
        checkOptions(options);
        return OnnxImport.toModel(OnnxReader.read(file));
    }

    @Override
    public Model convert(String source, byte[] content, Map<String, String> options) {
        checkOptions(options);
        return OnnxImport.toModel(OnnxReader.read(content, source));
    }
}
