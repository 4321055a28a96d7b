package org.mleruntime.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ONNX Runtime's Java API: a session with {@code threads} intra-op threads; each call wraps the rows
 * in an {@link OnnxTensor} (the model takes float32, as skl2onnx and onnxmltools convert it) and
 * reads back only the probabilities output.
 */
final class OnnxRuntimeContender implements Contender {
    @Override
    public String name() {
        return "onnxruntime";
    }

    @Override
    public Loaded open(Path model, int threads) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        OrtSession session;
        try {
            session = env.createSession(model.toString(), options);
        } catch (Exception e) {
            options.close();
            throw e;
        }
        {
            String input = session.getInputNames().iterator().next();
            String output = session.getOutputNames().stream().filter(n -> n.contains("prob")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(model + " has no probabilities output: " + session.getOutputNames()));
            return new Loaded() {
                @Override
                public double[] probabilities(Data data, int from, int count) throws Exception {
                    FloatBuffer rows = FloatBuffer.wrap(data.floats(), from * data.cols(), count * data.cols()).slice();
                    try (OnnxTensor x = OnnxTensor.createTensor(env, rows, new long[] {count, data.cols()});
                         OrtSession.Result result = session.run(Map.of(input, x), Set.of(output))) {
                        Optional<OnnxValue> value = result.get(output);
                        float[][] p = (float[][]) value.orElseThrow().getValue();
                        int classes = p.length == 0 ? 0 : p[0].length;
                        double[] out = new double[count * classes];
                        for (int r = 0; r < count; r++) {
                            for (int c = 0; c < classes; c++) {
                                out[r * classes + c] = p[r][c];
                            }
                        }
                        return out;
                    }
                }

                @Override
                public void close() throws Exception {
                    session.close();
                    options.close();
                }
            };
        }
    }
}
