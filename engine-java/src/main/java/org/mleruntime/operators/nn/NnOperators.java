package org.mleruntime.operators.nn;

import org.mleruntime.backend.CpuKernelFactory;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.backend.KernelRegistry;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.SchemaRegistry;

/** Neural-network layers with ONNX's names and meaning: convolution, pooling, normalisation, recurrent cells and attention. */
public final class NnOperators implements OperatorFamily, CpuKernelProvider {
    private static final String[] RECURRENT = {"LSTM", "GRU", "RNN"};

    @Override
    public void addSchemas(SchemaRegistry schemas) {
        schemas.add("Conv", ConvSchema::conv);
        schemas.add("ConvTranspose", ConvTransposeSchema::convTranspose);
        schemas.add("MaxPool", PoolSchema::pool);
        schemas.add("AveragePool", PoolSchema::pool);
        schemas.add("GlobalMaxPool", PoolSchema::global);
        schemas.add("GlobalAveragePool", PoolSchema::global);
        schemas.add("BatchNormalization", NormalizationSchema::batchNormalization);
        schemas.add("LayerNormalization", NormalizationSchema::layerNormalization);
        schemas.add("Attention", AttentionSchema::attention);
        for (String rnn : RECURRENT) {
            schemas.addAcrossRows(rnn, RecurrentSchema::recurrent);
        }
    }

    @Override
    public void addCpuKernels(KernelRegistry<CpuKernelFactory> kernels) {
        kernels.add("Conv", (node, in, c, math) -> new ConvKernel(node, math, c.get(1)));
        kernels.add("ConvTranspose", (node, in, c, math) -> new ConvTransposeKernel(node, math.floatGemm()));
        for (String pool : new String[] {"MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool"}) {
            kernels.add(pool, (node, in, c, math) -> new PoolKernel(node));
        }
        kernels.add("BatchNormalization", (node, in, c, math) -> NormalizationKernels.batchNormalization(node));
        kernels.add("LayerNormalization", (node, in, c, math) -> NormalizationKernels.layerNormalization(node));
        kernels.add("Attention", (node, in, c, math) -> new AttentionKernel(node, math));
        for (String rnn : RECURRENT) {
            kernels.add(rnn, (node, in, c, math) -> new RecurrentKernel(node, math, c.get(2)));
        }
    }
}
