package org.mleruntime.operators.preprocessing;

import org.mleruntime.ir.DType;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * Monomials: term t of a row is {@code term[previous[t]] · x[factors[t]]} (either factor 1 when its
 * index is −1), so each product is formed in the order scikit-learn's PolynomialFeatures forms it
 * and float64 results agree to the bit; the terms listed in {@code keep} are written out.
 */
public final class MonomialsKernel implements Kernel {
    private final int[] factors;
    private final int[] previous;
    private final int[] outputs;

    public MonomialsKernel(Node node) {
        factors = java.util.Arrays.stream(node.intsAttr("factors")).mapToInt(Math::toIntExact).toArray();
        previous = java.util.Arrays.stream(node.intsAttr("previous")).mapToInt(Math::toIntExact).toArray();
        outputs = java.util.Arrays.stream(node.intsAttr("keep")).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] results) {
        Tensor x = inputs[0];
        Tensor y = results[0];
        long rows = y.shape().dim(0);
        long features = x.shape().dim(1);
        boolean f32 = x.dtype() == DType.FLOAT32;
        double[] terms = new double[factors.length];
        for (long r = 0; r < rows; r++) {
            for (int t = 0; t < factors.length; t++) {
                double left = previous[t] < 0 ? 1.0 : terms[previous[t]];
                double right = factors[t] < 0 ? 1.0 : x.getDouble(r * features + factors[t]);
                double product = left * right;
                terms[t] = f32 ? (float) product : product;
            }
            for (int k = 0; k < outputs.length; k++) {
                y.setDouble(r * outputs.length + k, terms[outputs[k]]);
            }
        }
    }
}
