package org.mleruntime.backend;

import java.util.List;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.kernels.Kernel;

/**
 * An execution provider: turns a node, whose input and output types are already inferred, into a
 * kernel that runs on its device. The executor asks a backend for kernels and nothing else; a
 * backend never sees the graph as a whole or the file it came from.
 */
public interface Backend {
    String name();

    boolean supports(Node node);

    /**
     * @param constants for each input, its value when the input is a constant (weights), else null
     */
    Kernel kernel(Node node, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Tensor> constants);
}
