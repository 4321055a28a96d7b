package org.mleruntime.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The threads a kernel may split its work between during one run: the session's thread count,
 * bound for the run by {@link #within}, the calling thread being one of them. Outside a binding
 * (and inside the tasks themselves, which run on pool threads that do not see it) there is one
 * thread, so work is never split twice.
 *
 * <p>Tasks are claimed from a counter by whichever thread is free, the caller included, so a run
 * never waits for a pool thread that has not started: a busy pool only means the caller does more
 * of the work itself.
 */
public final class Parallel {
    private static final ScopedValue<Parallel> CURRENT = ScopedValue.newInstance();
    /** What tasks see: their own work is not split again. */
    private static final Parallel SEQUENTIAL = new Parallel(1, Runnable::run);
    /**
     * The least work worth a part of its own, in multiply-adds or operations of like cost: about
     * 50 µs of one core, well above what handing a task to another thread costs.
     */
    public static final long MIN_PART = 1L << 21;

    private final int threads;
    private final Executor pool;

    private Parallel(int threads, Executor pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /** Runs {@code body} with up to {@code threads} threads (the caller's and the pool's) for the kernels it calls. */
    public static void within(int threads, Executor pool, Runnable body) {
        if (threads <= 1) {
            body.run();
        } else {
            ScopedValue.where(CURRENT, new Parallel(threads, pool)).run(body);
        }
    }

    /** Whether this much work (as for {@link #MIN_PART}) is worth splitting between the threads at all. */
    public static boolean worthSplitting(long work) {
        return threads() > 1 && work >= 2 * MIN_PART;
    }

    /** The threads work may be split between here. */
    public static int threads() {
        return CURRENT.isBound() ? CURRENT.get().threads : 1;
    }

    /**
     * Runs {@code task} for 0 … {@code tasks} − 1, on up to {@link #threads()} threads when their
     * {@code work} in all (as for {@link #MIN_PART}) is worth it, else on this one, and returns when
     * all have finished; the first failure is rethrown.
     */
    public static void forEach(int tasks, long work, IntConsumer task) {
        int workers = worthSplitting(work) ? Math.min(threads(), tasks) : 1;
        if (workers <= 1) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(tasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            }
        };
        Executor pool = CURRENT.get().pool;
        for (int w = 1; w < workers; w++) {
            pool.execute(worker);
        }
        ScopedValue.where(CURRENT, SEQUENTIAL).run(worker);
        awaitUninterruptibly(finished);
        switch (failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable t -> throw new IllegalStateException(t);
        }
    }

    /** A run of units [from, to) done by one thread. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * [0, {@code units}) cut into one contiguous run per thread (as {@link #forEach} decides, their
     * {@code work} in all), each done by {@code range} on its thread: for work that needs scratch of
     * its own per thread, allocated once per run of units.
     */
    public static void forRanges(int units, long work, Range range) {
        int parts = worthSplitting(work) ? Math.max(1, Math.min(threads(), units)) : 1;
        forEach(parts, work, part -> range.run((int) ((long) part * units / parts), (int) ((long) (part + 1) * units / parts)));
    }

    /** Every task still to finish runs on a started thread, so the wait is short; an interrupt is kept for the caller. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * [0, n) cut into at most {@link #threads()} ranges, each a multiple of {@code granule} long (but
     * the last) and each with at least {@link #MIN_PART} of work ({@code workPerUnit} per element of
     * the range) where there is that much: part i is [bounds[i], bounds[i + 1]).
     */
    public static int[] ranges(int n, int granule, long workPerUnit) {
        int parts = (int) Math.max(1, Math.min(threads(), Math.min((long) n * workPerUnit / MIN_PART, (n + granule - 1) / granule)));
        int step = (n + parts - 1) / parts;
        step = (step + granule - 1) / granule * granule;
        parts = Math.max(1, (n + step - 1) / step);
        int[] bounds = new int[parts + 1];
        for (int i = 0; i <= parts; i++) {
            bounds[i] = Math.min(n, i * step);
        }
        return bounds;
    }
}
