package org.mleruntime.kernels;

import java.lang.foreign.MemorySegment;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Tensor;

/** Copies elements unchanged: the kernel of Identity and Reshape, and the bulk copy other kernels share. */
public final class CopyKernel implements Kernel {
    public static final CopyKernel INSTANCE = new CopyKernel();

    private CopyKernel() {}

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        copy(inputs[0], 0, outputs[0], 0, inputs[0].elementCount());
    }

    /** {@code count} elements of {@code from} from {@code fromIndex} into {@code to} from {@code toIndex}, bit for bit. */
    public static void copy(Tensor from, long fromIndex, Tensor to, long toIndex, long count) {
        if (from.dtype() == DType.STRING) {
            for (long i = 0; i < count; i++) {
                to.setString(toIndex + i, from.string(fromIndex + i));
            }
        } else {
            long size = from.dtype().byteSize();
            MemorySegment.copy(from.data(), fromIndex * size, to.data(), toIndex * size, count * size);
        }
    }
}
