package org.mleruntime.ops;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;

/** An operator's outputs computed from its inputs' types alone, or null where the types do not decide them (see {@link OpSchema#knownValues}). */
@FunctionalInterface
public interface ValueRule {
    List<Tensor> values(Node node, List<ValueInfo> inputs);
}
