package org.mleruntime.operators.tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/** GatherColumns: runs of consecutive source columns are copied as one block per row. */
public final class GatherColumnsKernel implements Kernel {
    /** Output columns [to, to + length) come from input columns [from, from + length). */
    private record Run(int from, int to, int length) {}

    private final Run[] runs;
    private final int width;

    public GatherColumnsKernel(Node node) {
        long[] indices = node.intsAttr("indices");
        List<Run> found = new ArrayList<>();
        int j = 0;
        while (j < indices.length) {
            int start = j;
            while (j + 1 < indices.length && indices[j + 1] == indices[j] + 1) {
                j++;
            }
            found.add(new Run((int) indices[start], start, j - start + 1));
            j++;
        }
        runs = found.toArray(Run[]::new);
        width = indices.length;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        long rows = y.shape().dim(0);
        long columns = x.shape().dim(1);
        if (x.dtype() == DType.STRING) {
            for (long r = 0; r < rows; r++) {
                for (Run run : runs) {
                    for (int k = 0; k < run.length; k++) {
                        y.setString(r * width + run.to + k, x.string(r * columns + run.from + k));
                    }
                }
            }
            return;
        }
        long size = x.dtype().byteSize();
        MemorySegment from = x.data();
        MemorySegment to = y.data();
        for (long r = 0; r < rows; r++) {
            for (Run run : runs) {
                MemorySegment.copy(from, (r * columns + run.from) * size, to, (r * width + run.to) * size, run.length * size);
            }
        }
    }
}
