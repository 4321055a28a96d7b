package org.mleruntime.executor;

/**
 * How a session runs.
 *
 * @param threads the most threads one run may use; a batch is split by rows across them
 * @param minRowsPerThread a batch is split only into parts of at least this many rows
 * @param optimize whether to run the graph optimiser at build time
 * @param maxConstantBytes the most memory the session may allocate for constants it derives from
 *     the graph's (dequantized weights, folded nodes); a model asking for more is refused
 */
public record SessionOptions(int threads, int minRowsPerThread, boolean optimize, long maxConstantBytes) {
    public SessionOptions {
        if (threads < 1 || minRowsPerThread < 1) {
            throw new IllegalArgumentException("threads and minRowsPerThread must be at least 1");
        }
        if (maxConstantBytes < 0) {
            throw new IllegalArgumentException("maxConstantBytes must not be negative, got " + maxConstantBytes);
        }
    }

    public SessionOptions(int threads, int minRowsPerThread, boolean optimize) {
        this(threads, minRowsPerThread, optimize, Long.MAX_VALUE);
    }

    /**
     * All cores (or the system property {@code mle.threads}), parts of at least 1024 rows, optimised,
     * derived constants unbounded (a model opened from a file gets what is left of its file's limit).
     */
    public static SessionOptions defaults() {
        return new SessionOptions(Integer.getInteger("mle.threads", Runtime.getRuntime().availableProcessors()), 1024, true);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(n, minRowsPerThread, optimize, maxConstantBytes);
    }

    public SessionOptions withMaxConstantBytes(long bytes) {
        return new SessionOptions(threads, minRowsPerThread, optimize, bytes);
    }
}
