package org.mleruntime.bench;

import java.nio.file.Path;

/** A runtime under test: opens a model file the way its users do and scores rows with it. */
public interface Contender {
    String name();

    /** Opens the model for calls that may use up to {@code threads} threads. */
    Loaded open(Path model, int threads) throws Exception;

    /** An opened model. */
    interface Loaded extends AutoCloseable {
        /**
         * The class probabilities of rows {@code from .. from + count} of {@code data}, row-major in a
         * Java array: what a caller gets back and would use.
         */
        double[] probabilities(Data data, int from, int count) throws Exception;

        @Override
        void close() throws Exception;
    }

    static Contender named(String name) {
        return switch (name) {
            case "mle" -> new MleContender();
            case "onnxruntime" -> new OnnxRuntimeContender();
            case "jpmml" -> new JpmmlContender();
            default -> throw new IllegalArgumentException("unknown runtime '" + name + "'; known: mle, onnxruntime, jpmml");
        };
    }
}
