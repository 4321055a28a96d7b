package org.mleruntime.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mleruntime.TestModels;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.ir.Attribute;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.ops.OperatorSet;

/**
 * Runs one node as a session would: its schema infers the output from the inputs' types (the first
 * input batched, the others constants, a null input left out), the CPU backend builds its kernel,
 * and the kernel computes the output for concrete rows.
 */
final class OperatorHarness {
    private OperatorHarness() {}

    static Tensor run(String op, Map<String, Attribute> attributes, Tensor x, Tensor... constants) {
        List<String> names = new ArrayList<>(List.of("x"));
        List<ValueInfo> types = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        long[] batched = x.shape().dims();
        if (batched.length > 0) {
            batched[0] = Shape.BATCH;
        }
        types.add(new ValueInfo("x", x.dtype(), new Shape(batched)));
        values.add(null);
        for (int i = 0; i < constants.length; i++) {
            Tensor c = constants[i];
            names.add(c == null ? "" : "c" + i);
            types.add(c == null ? null : new ValueInfo("c" + i, c.dtype(), c.shape()));
            values.add(c);
        }
        Node node = TestModels.node("n", op, names, List.of("y"), attributes);
        ValueInfo out = OperatorSet.schema(node).infer(node, types, values).getFirst();
        Kernel kernel = CpuBackend.defaultBackend().kernel(node, types, List.of(out), values);
        Tensor[] in = new Tensor[values.size()];
        in[0] = x;
        for (int i = 1; i < in.length; i++) {
            in[i] = values.get(i);
        }
        Tensor y = Tensors.zeros(out.dtype(), out.shape().isBatched() ? out.shape().withRows(x.shape().dim(0)) : out.shape());
        kernel.compute(in, new Tensor[] {y});
        return y;
    }
}
