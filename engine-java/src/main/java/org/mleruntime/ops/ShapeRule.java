package org.mleruntime.ops;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * An operator's shape rule: the outputs' dtypes and shapes for these inputs, or an
 * {@link org.mleruntime.InvalidModelException} naming the node when inputs or attributes do not fit.
 */
@FunctionalInterface
public interface ShapeRule {
    /** @param constants for each input, its value when the input is a constant, else null */
    List<ValueInfo> infer(Node node, List<ValueInfo> inputs, List<Tensor> constants);
}
