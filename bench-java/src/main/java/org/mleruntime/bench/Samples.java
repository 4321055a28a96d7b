package org.mleruntime.bench;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Timing by repetition: calls after a warm-up, sampled until a time budget is spent (within a
 * minimum and maximum number of samples; calls slower than the budget stop at three samples once
 * five budgets have passed); the statistics are of seconds per call. The same method as
 * bench/mlebench/timing.py.
 */
final class Samples {
    /** Keeps results reachable so that the JIT cannot drop the calls that made them. */
    static volatile Object sink;

    record Stats(int n, double median, double p10, double p90, double p99) {
        String tsv() {
            return n + "\t" + median + "\t" + p10 + "\t" + p90 + "\t" + p99;
        }
    }

    private Samples() {}

    /** What is done with a call's result after the call, outside the timed region. */
    @FunctionalInterface
    interface Teardown<T> {
        void accept(T result) throws Exception;
    }

    static Stats measure(Callable<?> call, double warmupSeconds, double budgetSeconds, int minSamples, int maxSamples) throws Exception {
        return measure(call, result -> sink = result, warmupSeconds, budgetSeconds, minSamples, maxSamples);
    }

    static <T> Stats measure(Callable<T> call, Teardown<? super T> teardown, double warmupSeconds, double budgetSeconds,
                             int minSamples, int maxSamples) throws Exception {
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            teardown.accept(call.call());
        } while (System.nanoTime() < warmupEnd);
        long[] nanos = new long[maxSamples];
        int n = 0;
        long budgetEnd = System.nanoTime() + (long) (budgetSeconds * 1e9);
        long giveUp = budgetEnd + (long) (4 * budgetSeconds * 1e9);
        while (n < maxSamples && (n < minSamples || System.nanoTime() < budgetEnd)) {
            if (n >= 3 && System.nanoTime() > giveUp) {
                break;
            }
            long start = System.nanoTime();
            T result = call.call();
            nanos[n++] = System.nanoTime() - start;
            teardown.accept(result);
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return new Stats(n, percentile(sorted, 0.5), percentile(sorted, 0.1), percentile(sorted, 0.9), percentile(sorted, 0.99));
    }

    /** The q-quantile in seconds, by linear interpolation between the closest ranks. */
    private static double percentile(long[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, sorted.length - 1);
        double fraction = position - low;
        return (sorted[low] * (1 - fraction) + sorted[high] * fraction) / 1e9;
    }
}
