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
 * inside the input ranges it records. It reports the first calls, before the JIT has compiled the
 * model's kernels, and how long warm-up took until timings settled; the timings after it are
 * medians, in this JVM.
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
            Tensor batch = Calibration.random(model.graph(), model.metadata(), input, rows).values().get(input.name());
            Map<String, Tensor> one = Map.of(input.name(), batch.rows(0, 1));
            Map<String, Tensor> all = Map.of(input.name(), batch);
            long coldRow = timed(s, one);
            long coldBatch = timed(s, all);
            WarmUp warm = warmUp(s, one, all, p);
            long[] single = new long[SINGLE_ROWS];
            for (int i = 0; i < SINGLE_ROWS; i++) {
                p.step("timing one row", i, SINGLE_ROWS);
                single[i] = timed(s, one);
            }
            long[] batches = new long[repeat];
            for (int i = 0; i < repeat; i++) {
                p.step("timing " + rows + " rows", i, repeat);
                batches[i] = timed(s, all);
            }
            p.clear();
            double batchMedian = median(batches);
            t.out().printf(Locale.ROOT, "%s: %s, backend %s, %s%n", file, Table.bytes(Files.size(file)), s.backendName(),
                    args.option("threads") == null ? "all cores" : args.option("threads") + " thread(s)");
            new Table("MEASURE", "VALUE")
                    .row("open + session (median of " + OPENS + ")", Table.duration(median(opens)))
                    .row("first row, before warm-up", Table.duration(coldRow))
                    .row("first " + rows + " rows, before warm-up", Table.duration(coldBatch))
                    .row("warm-up until steady (" + warm.rounds() + " rounds" + (warm.steady() ? "" : ", stopped unsteady") + ")",
                            Table.duration(warm.nanos()))
                    .row("1 row, median of " + SINGLE_ROWS, Table.duration(median(single)))
                    .row("1 row, 99th percentile", Table.duration(percentile(single, 0.99)))
                    .row(rows + " rows (median of " + repeat + ")", Table.duration(batchMedian))
                    .row("throughput", String.format(Locale.ROOT, "%,.0f rows/s", rows / (batchMedian / 1e9)))
                    .print(t.out());
        }
        return 0;
    }

    /** How long the JIT took to settle: rounds of one-row calls and a batch until both stop improving. */
    private record WarmUp(long nanos, int rounds, boolean steady) {}

    private static final int WARM_ROUND_ROWS = 500;
    private static final int MIN_WARM_ROUNDS = 3;
    private static final long WARM_LIMIT_NANOS = 30_000_000_000L;

    /**
     * Runs rounds of {@value #WARM_ROUND_ROWS} one-row calls and one batch until a round's median
     * row and its batch are both within 10% of the previous round's (at least {@value
     * #MIN_WARM_ROUNDS} rounds, at most 30 s): timings taken before then measure the JIT, not the model.
     */
    private static WarmUp warmUp(Session s, Map<String, Tensor> one, Map<String, Tensor> all, ConsoleProgress p) {
        long start = System.nanoTime();
        double previousRow = Double.NaN;
        double previousBatch = Double.NaN;
        long[] round = new long[WARM_ROUND_ROWS];
        for (int rounds = 1; ; rounds++) {
            p.step("warming up", rounds, rounds + 1);
            for (int i = 0; i < round.length; i++) {
                round[i] = timed(s, one);
            }
            double row = median(round);
            double batch = timed(s, all);
            boolean settled = Math.abs(row - previousRow) <= 0.1 * previousRow && Math.abs(batch - previousBatch) <= 0.1 * previousBatch;
            long elapsed = System.nanoTime() - start;
            if (rounds >= MIN_WARM_ROUNDS && settled || elapsed > WARM_LIMIT_NANOS) {
                return new WarmUp(elapsed, rounds, settled);
            }
            previousRow = row;
            previousBatch = batch;
        }
    }

    private static long timed(Session s, Map<String, Tensor> inputs) {
        long start = System.nanoTime();
        s.run(inputs);
        return System.nanoTime() - start;
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
