package org.mleruntime.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.InputField;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.jpmml.evaluator.OutputField;

/**
 * JPMML-Evaluator: the PMML file (from sklearn2pmml, with the active fields named {@code f0..fN-1}
 * after the columns) loaded into an {@link Evaluator}, then one {@code evaluate} call per row with
 * arguments prepared by each input field, as its documentation shows. The evaluator scores row by
 * row; with two threads the rows of a batch are split between two workers.
 */
final class JpmmlContender implements Contender {
    @Override
    public String name() {
        return "jpmml";
    }

    @Override
    public Loaded open(Path model, int threads) throws Exception {
        Evaluator evaluator = new LoadingModelEvaluatorBuilder().load(model.toFile()).build();
        List<InputField> inputs = evaluator.getInputFields();
        int[] columns = new int[inputs.size()];
        for (int i = 0; i < columns.length; i++) {
            String name = inputs.get(i).getName();
            if (!name.matches("f\\d+")) {
                throw new IllegalArgumentException(model + ": input field '" + name + "' is not named f<column>");
            }
            columns[i] = Integer.parseInt(name.substring(1));
        }
        List<String> probabilities = new ArrayList<>();
        for (OutputField f : evaluator.getOutputFields()) {
            if (f.getName().startsWith("probability(")) {
                probabilities.add(f.getName());
            }
        }
        if (probabilities.isEmpty()) {
            throw new IllegalArgumentException(model + " has no probability output fields");
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        return new Loaded() {
            private void score(Data data, int from, int count, double[] out) {
                int k = probabilities.size();
                Map<String, Object> arguments = new HashMap<>();
                for (int r = 0; r < count; r++) {
                    int base = (from + r) * data.cols();
                    for (int i = 0; i < columns.length; i++) {
                        InputField field = inputs.get(i);
                        arguments.put(field.getName(), field.prepare(data.values()[base + columns[i]]));
                    }
                    Map<String, ?> results = evaluator.evaluate(arguments);
                    for (int c = 0; c < k; c++) {
                        out[r * k + c] = ((Number) EvaluatorUtil.decode(results.get(probabilities.get(c)))).doubleValue();
                    }
                }
            }

            @Override
            public double[] probabilities(Data data, int from, int count) throws Exception {
                int k = probabilities.size();
                double[] out = new double[count * k];
                if (pool == null || count < threads) {
                    score(data, from, count, out);
                    return out;
                }
                int chunk = (count + threads - 1) / threads;
                List<Future<double[]>> parts = new ArrayList<>();
                for (int start = 0; start < count; start += chunk) {
                    int first = start;
                    int size = Math.min(chunk, count - start);
                    parts.add(pool.submit(() -> {
                        double[] part = new double[size * k];
                        score(data, from + first, size, part);
                        return part;
                    }));
                }
                int offset = 0;
                for (Future<double[]> part : parts) {
                    double[] values = part.get();
                    System.arraycopy(values, 0, out, offset, values.length);
                    offset += values.length;
                }
                return out;
            }

            @Override
            public void close() {
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
        };
    }
}
