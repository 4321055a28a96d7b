package org.mleruntime.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Warm load time, one-row latency and batch throughput (1, 100 and 10 000 rows; 1 and 2 threads) of
 * each runtime on each model of a manifest, all in this one JVM.
 *
 * <pre>
 * java ... org.mleruntime.bench.ModelBench manifest.tsv results.tsv warmup-seconds budget-seconds
 * </pre>
 *
 * Manifest lines: {@code case, runtime, model file, data file, rows, cols} (tab-separated; the data
 * is raw little-endian float64). Result lines: {@code case, runtime, metric, samples, median, p10,
 * p90, p99} in seconds per call, or {@code case, runtime, error, message}. The probabilities of the
 * first batch of every size are written next to the results ({@code <results>.<case>.<runtime>.f64})
 * so that the caller can compare them with the framework's own.
 */
public final class ModelBench {
    static final int[] BATCH_ROWS = {1, 100, 10_000};
    static final int[] THREADS = {1, 2};
    private static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ModelBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ModelBench manifest.tsv results.tsv warmup-seconds budget-seconds");
            System.exit(2);
        }
        Path results = Path.of(args[1]);
        double warmup = Double.parseDouble(args[2]);
        double budget = Double.parseDouble(args[3]);
        Map<String, Data> dataByFile = new HashMap<>();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results))) {
            for (String line : Files.readAllLines(Path.of(args[0]))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                String caseId = f[0];
                Contender contender = Contender.named(f[1]);
                Data data = dataByFile.computeIfAbsent(f[3], file -> read(file, f[4], f[5]));
                System.err.println("[jvm] " + caseId + " / " + contender.name());
                try {
                    run(out, caseId, contender, Path.of(f[2]), data, results, warmup, budget);
                } catch (Exception | LinkageError e) {
                    out.println(caseId + "\t" + contender.name() + "\terror\t" + String.valueOf(e).replace('\t', ' ').replace('\n', ' '));
                }
                out.flush();
            }
        }
    }

    private static Data read(String file, String rows, String cols) {
        try {
            return Data.read(Path.of(file), Integer.parseInt(rows), Integer.parseInt(cols));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void run(PrintWriter out, String caseId, Contender contender, Path model, Data data, Path results,
                            double warmup, double budget) throws Exception {
        String prefix = caseId + "\t" + contender.name() + "\t";
        Samples.Stats load = Samples.measure(() -> contender.open(model, 1), Contender.Loaded::close, warmup, budget, 5, 2000);
        out.println(prefix + "load\t" + load.tsv());
        for (int threads : THREADS) {
            try (Contender.Loaded m = contender.open(model, threads)) {
                if (threads == 1) {
                    int[] next = {0};
                    Samples.Stats latency = Samples.measure(() -> m.probabilities(data, next[0]++ % data.rows(), 1),
                            warmup, budget, 200, 200_000);
                    out.println(prefix + "latency\t" + latency.tsv());
                    writeProbabilities(results, caseId, contender.name(), m.probabilities(data, 0, data.rows()));
                }
                for (int rows : BATCH_ROWS) {
                    int size = Math.min(rows, data.rows());
                    int[] next = {0};
                    Samples.Stats batch = Samples.measure(() -> m.probabilities(data, (next[0]++ * size) % (data.rows() - size + 1), size),
                            warmup, budget, 5, 200_000);
                    out.println(prefix + "batch:" + size + ":" + threads + "\t" + batch.tsv());
                }
            }
        }
    }

    private static void writeProbabilities(Path results, String caseId, String runtime, double[] p) throws IOException {
        byte[] bytes = new byte[p.length * Double.BYTES];
        MemorySegment.copy(p, 0, MemorySegment.ofArray(bytes), LE_DOUBLE, 0, p.length);
        Files.write(results.resolveSibling(results.getFileName() + "." + caseId + "." + runtime + ".f64"), bytes);
    }
}
