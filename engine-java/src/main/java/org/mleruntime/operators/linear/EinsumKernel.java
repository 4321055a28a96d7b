package org.mleruntime.operators.linear;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Einsum by its definition: for each output element, the sum over the summed letters of the
 * product of the operands' elements, in double. Meant for the small contractions exporters emit
 * (attention scores, a batched bilinear form), not for large matrix products, which MatMul runs.
 */
final class EinsumKernel implements Kernel {
    private final EinsumSchema equation;

    EinsumKernel(Node node, int inputs) {
        this.equation = EinsumSchema.parse(node, inputs);
    }

    @Override
    public void compute(Tensor[] in, Tensor[] out) {
        Map<Character, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < in.length; i++) {
            String letters = equation.operands().get(i);
            for (int a = 0; a < letters.length(); a++) {
                sizes.put(letters.charAt(a), in[i].shape().dim(a));
            }
        }
        String output = equation.output();
        StringBuilder all = new StringBuilder(output);
        sizes.keySet().stream().filter(l -> output.indexOf(l) < 0).forEach(all::append);
        String letters = all.toString();
        int count = letters.length();
        long[] dims = new long[count];
        for (int k = 0; k < count; k++) {
            dims[k] = sizes.get(letters.charAt(k));
        }
        long[][] strides = new long[in.length][count];
        for (int i = 0; i < in.length; i++) {
            String operand = equation.operands().get(i);
            long stride = 1;
            for (int a = operand.length() - 1; a >= 0; a--) {
                strides[i][letters.indexOf(operand.charAt(a))] += stride;
                stride *= in[i].shape().dim(a);
            }
        }
        long summed = 1;
        for (int k = output.length(); k < count; k++) {
            summed *= dims[k];
        }
        long[] index = new long[count];
        long[] offsets = new long[in.length];
        for (long o = 0; o < out[0].elementCount(); o++) {
            double sum = 0;
            for (long s = 0; s < summed; s++) {
                double product = 1;
                for (int i = 0; i < in.length; i++) {
                    product *= in[i].getDouble(offsets[i]);
                }
                sum += product;
                advance(index, dims, strides, offsets, output.length(), count);
            }
            out[0].setDouble(o, sum);
            advance(index, dims, strides, offsets, 0, output.length());
        }
    }

    /** Moves the odometer of letters [from, to) one step, carrying, and the operands' offsets with it. */
    private static void advance(long[] index, long[] dims, long[][] strides, long[] offsets, int from, int to) {
        for (int k = to - 1; k >= from; k--) {
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] += strides[i][k];
            }
            if (++index[k] < dims[k]) {
                return;
            }
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] -= strides[i][k] * dims[k];
            }
            index[k] = 0;
        }
    }
}
