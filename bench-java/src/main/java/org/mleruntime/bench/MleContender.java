package org.mleruntime.bench;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mleruntime.MleModel;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;

/**
 * MLE Runtime's Java API: {@code MleModel.open}, then the session's predict_proba outputs for a batch
 * on the heap, in the input dtype the model declares (float64, or float32 for CatBoost's models).
 */
final class MleContender implements Contender {
    @Override
    public String name() {
        return "mle";
    }

    @Override
    public Loaded open(Path model, int threads) {
        MleModel opened = MleModel.open(model, OpenOptions.defaults(), SessionOptions.defaults().withThreads(threads));
        Session session = opened.session();
        String input = session.inputs().getFirst().name();
        DType dtype = session.inputs().getFirst().dtype();
        List<String> wanted = opened.metadata().methods().get("predict_proba");
        if (wanted == null) {
            opened.close();
            throw new IllegalArgumentException(model + " binds no predict_proba method");
        }
        return new Loaded() {
            @Override
            public double[] probabilities(Data data, int from, int count) {
                MemorySegment all = dtype == DType.FLOAT32 ? MemorySegment.ofArray(data.floats()) : MemorySegment.ofArray(data.values());
                long rowBytes = data.cols() * dtype.byteSize();
                Tensor x = Tensor.numeric(dtype, Shape.of(count, data.cols()), all.asSlice(from * rowBytes, count * rowBytes));
                Tensor p = session.run(Map.of(input, x), Map.of(), wanted).get(wanted.getFirst());
                return p.data().toArray(Tensor.F64);
            }

            @Override
            public void close() {
                opened.close();
            }
        };
    }
}
