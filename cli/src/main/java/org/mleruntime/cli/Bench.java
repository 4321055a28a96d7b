package org.mleruntime.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mleruntime.MleModel;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.ValueInfo;
import org.mleruntime.quantize.Calibration;

/**
 * {@code mle bench}: how fast a model opens, answers one row and scores a batch, on random rows
 * inside the input ranges it records. Timings are medians after a warm-up, in this JVM.
 */
final class Bench extends Command {
    Bench() {
        super("bench", "FILE [--rows N] [--threads T] [--repeat R] [--key AES_KEY] [--verify-key PUBLIC_KEY]",
                "time opening a model, one-row latency and batch throughput (N rows, default 10000) on T threads",
                Set.of("rows", "threads", "repeat", "key", "verify-key"), Set.of());
    }

    private static final int OPENS = 5;
    private static final int SINGLE_ROWS = 2000;

    @Override
    int run(Args args, Terminal t) throws java.io.IOException {
        Path file = Path.of(args.positional(1, 1, "FILE").getFirst());
        int rows = args.integer("rows", 10_000, 1);
        int repeat = args.integer("repeat", 5, 1);
        SessionOptions session = args.option("threads") == null ? SessionOptions.defaults()
                : SessionOptions.defaults().withThreads(args.integer("threads", 1, 1));
        OpenOptions open = Keys.reading(args, true);
        ConsoleProgress p = t.progress();
        long[] opens = new long[OPENS];
        for (int i = 0; i < OPENS; i++) {
            p.step("opening", i, OPENS);
            long start = System.nanoTime();
            MleModel.open(file, open, session).close();
            opens[i] = System.nanoTime() - start;
        }
        try (MleModel model = MleModel.open(file, open, session)) {
            Session s = model.session();
            if (s.inputs().size() != 1 || !s.inputs().getFirst().dtype().isFloating() || s.inputs().getFirst().shape().rank() != 2) {
                throw new UsageException("bench needs a model with one float matrix input; this one takes " + s.inputs());
            }
            ValueInfo input = s.inputs().getFirst();
            Tensor batch = Calibration.random(model.graph(), model.metadata(), input, rows).rows();
            Map<String, Tensor> one = Map.of(input.name(), batch.rows(0, 1));
            Map<String, Tensor> all = Map.of(input.name(), batch);
            long[] single = new long[SINGLE_ROWS];
            for (int i = 0; i < 2 * SINGLE_ROWS; i++) {
                p.step(i < SINGLE_ROWS ? "warming up" : "timing one row", i % SINGLE_ROWS, SINGLE_ROWS);
                long start = System.nanoTime();
                s.run(one);
                if (i >= SINGLE_ROWS) {
                    single[i - SINGLE_ROWS] = System.nanoTime() - start;
                }
            }
            s.run(all);
            long[] batches = new long[repeat];
            for (int i = 0; i < repeat; i++) {
                p.step("timing " + rows + " rows", i, repeat);
                long start = System.nanoTime();
                s.run(all);
                batches[i] = System.nanoTime() - start;
            }
            p.clear();
            double batchMedian = median(batches);
            t.out().printf(Locale.ROOT, "%s: %s, backend %s, %s%n", file, Table.bytes(Files.size(file)), s.backendName(),
                    args.option("threads") == null ? "all cores" : args.option("threads") + " thread(s)");
            new Table("MEASURE", "VALUE")
                    .row("open + session (median of " + OPENS + ")", Table.duration(median(opens)))
                    .row("1 row, median of " + SINGLE_ROWS, Table.duration(median(single)))
                    .row("1 row, 99th percentile", Table.duration(percentile(single, 0.99)))
                    .row(rows + " rows (median of " + repeat + ")", Table.duration(batchMedian))
                    .row("throughput", String.format(Locale.ROOT, "%,.0f rows/s", rows / (batchMedian / 1e9)))
                    .print(t.out());
        }
        return 0;
    }

    private static double median(long[] v) {
        return percentile(v, 0.5);
    }

    private static double percentile(long[] v, double q) {
        long[] sorted = v.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
