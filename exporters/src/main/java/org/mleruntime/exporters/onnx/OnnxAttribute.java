package org.mleruntime.exporters.onnx;

import java.util.List;
import org.mleruntime.ir.Tensor;

/**
 * A node attribute as read. Kinds the importer maps nowhere (graphs, sparse tensors, type protos)
 * are kept as {@link Other} so that a mapping that meets one can name it.
 */
public sealed interface OnnxAttribute {
    record Int(long value) implements OnnxAttribute {}

    record Float(float value) implements OnnxAttribute {}

    record Str(String value) implements OnnxAttribute {}

    record Ints(long[] values) implements OnnxAttribute {}

    record Floats(float[] values) implements OnnxAttribute {}

    record Strs(List<String> values) implements OnnxAttribute {}

    record TensorValue(Tensor value) implements OnnxAttribute {}

    record Other(String kind) implements OnnxAttribute {}
}
