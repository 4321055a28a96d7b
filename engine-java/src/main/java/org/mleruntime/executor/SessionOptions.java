package org.mleruntime.executor;

/**
 * How a session runs.
 *
 * @param threads the most threads one run may use; a batch is split by rows across them
 * @param minRowsPerThread a batch is split only into parts of at least this many rows
 * @param optimize whether to run the graph optimiser at build time
 */
public record SessionOptions(int threads, int minRowsPerThread, boolean optimize) {
    public SessionOptions {
        if (threads < 1 || minRowsPerThread < 1) {
            throw new IllegalArgumentException("threads and minRowsPerThread must be at least 1");
        }
    }

    public static SessionOptions defaults() {
        return new SessionOptions(Runtime.getRuntime().availableProcessors(), 1024, true);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(n, minRowsPerThread, optimize);
    }
}
