package org.mleruntime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(3);
    private static final long ENOUGH = 4 * Parallel.MIN_PART;

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void everyTaskRunsOnceAndTheCallerTakesPart() {
        AtomicIntegerArray runs = new AtomicIntegerArray(100);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Parallel.within(4, POOL, () -> Parallel.forEach(100, ENOUGH, i -> {
            runs.incrementAndGet(i);
            threads.add(Thread.currentThread());
            assertEquals(1, Parallel.threads(), "a task's own work is not split again");
        }));
        for (int i = 0; i < 100; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
        assertEquals(true, threads.size() <= 4);
    }

    @Test
    void outsideABindingOrBelowTheWorthOfSplittingWorkStaysOnTheCaller() {
        Thread caller = Thread.currentThread();
        Parallel.forEach(8, ENOUGH, i -> assertSame(caller, Thread.currentThread()));
        Parallel.within(4, POOL, () -> Parallel.forEach(8, Parallel.MIN_PART, i -> assertSame(caller, Thread.currentThread())));
        assertEquals(1, Parallel.threads());
    }

    @Test
    void aFailingTaskFailsTheCallAfterTheOthersFinish() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.within(4, POOL,
                () -> Parallel.forEach(16, ENOUGH, i -> {
                    if (i == 5) {
                        throw new IllegalStateException("task 5");
                    }
                })));
        assertEquals("task 5", thrown.getMessage());
    }

    /** A pool whose threads are all busy does not hold a run up: the caller does the tasks nobody took. */
    @Test
    void aBusyPoolDoesNotBlockTheRun() throws Exception {
        ExecutorService busy = Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        busy.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        Parallel.within(2, busy, () -> Parallel.forEach(10, ENOUGH, runs::incrementAndGet));
        release.countDown();
        busy.shutdown();
        assertEquals(true, busy.awaitTermination(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            assertEquals(1, runs.get(i));
        }
    }

    @Test
    void rangesCoverEachUnitOnceInWholeGranules() {
        Parallel.within(3, POOL, () -> {
            int[] bounds = Parallel.ranges(1000, 64, Parallel.MIN_PART);
            assertEquals(0, bounds[0]);
            assertEquals(1000, bounds[bounds.length - 1]);
            assertEquals(4, bounds.length, "three parts");
            for (int i = 1; i < bounds.length - 1; i++) {
                assertEquals(0, bounds[i] % 64);
            }
            assertArrayEquals(new int[] {0, 1000}, Parallel.ranges(1000, 64, 1), "too little work for more than one part");
        });
        int[] covered = new int[50];
        Parallel.within(4, POOL, () -> Parallel.forRanges(50, ENOUGH, (from, to) -> {
            for (int i = from; i < to; i++) {
                covered[i]++;
            }
        }));
        for (int c : covered) {
            assertEquals(1, c);
        }
    }
}
