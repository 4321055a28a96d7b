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

    /** All cores (or the system property {@code mle.threads}), parts of at least 1024 rows, optimised. */
    public static SessionOptions defaults() {
        return new SessionOptions(Integer.getInteger("mle.threads", Runtime.getRuntime().availableProcessors()), 1024, true);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(n, minRowsPerThread, optimize);
    }
}
