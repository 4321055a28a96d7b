package org.mleruntime.ops;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/**
 * The contract of one operator: how many inputs it takes, which attributes and dtypes it accepts,
 * and the dtype and shape of each output given those of the inputs. docs/OPERATORS.md is its prose.
 */
public interface OpSchema {
    String name();

    /**
     * The outputs' types for these inputs; throws {@link org.mleruntime.InvalidModelException} naming
     * the node when the inputs or attributes do not fit the operator.
     *
     * @param constants for each input, its value when the input is a constant, else null
     */
    List<ValueInfo> infer(Node node, List<ValueInfo> inputs, List<Tensor> constants);

    /**
     * Whether each output row of this node depends only on the same input row, so a batch may be
     * split by rows (a reduction is, unless it reduces the first axis).
     */
    default boolean rowIndependent(Node node, List<ValueInfo> inputs) {
        return true;
    }

    /**
     * The outputs' values where the inputs' types alone decide them (the Shape of a value whose shape
     * is known), else null; such nodes are folded into constants, so that shape computations need not
     * run with the model.
     */
    default List<Tensor> knownValues(Node node, List<ValueInfo> inputs) {
        return null;
    }
}
