package org.mleruntime.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * The whole life of a fresh JVM that serves a model: start, open the model, score one row. Prints
 * {@code ready <ms from JVM start to main> <ms to open the model> <ms for the first row>} once the first
 * prediction is back; the caller times the process from its own clock.
 *
 * <pre>java ... org.mleruntime.bench.FreshLoad runtime model-file row-file cols</pre>
 */
public final class FreshLoad {
    private FreshLoad() {}

    public static void main(String[] args) throws Exception {
        double sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        Contender contender = Contender.named(args[0]);
        Data row = Data.read(Path.of(args[2]), 1, Integer.parseInt(args[3]));
        long openStart = System.nanoTime();
        try (Contender.Loaded model = contender.open(Path.of(args[1]), 1)) {
            long scoreStart = System.nanoTime();
            double[] p = model.probabilities(row, 0, 1);
            long end = System.nanoTime();
            Samples.sink = p;
            System.out.println("ready " + sinceJvmStart + " " + (scoreStart - openStart) / 1e6 + " " + (end - scoreStart) / 1e6);
            System.out.flush();
        }
    }
}
