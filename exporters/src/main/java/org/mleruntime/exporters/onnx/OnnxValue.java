package org.mleruntime.exporters.onnx;

import java.util.List;
import org.mleruntime.ir.DType;

/**
 * A graph input or output: its name, element type and dimensions; {@code dims} is null when the
 * file leaves the shape out (allowed for outputs, whose shape the importer infers).
 */
public record OnnxValue(String name, DType dtype, List<OnnxDim> dims) {
    public OnnxValue {
        dims = dims == null ? null : List.copyOf(dims);
    }
}
