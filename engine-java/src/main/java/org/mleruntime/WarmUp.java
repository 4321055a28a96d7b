package org.mleruntime;

import java.util.HashMap;
import java.util.Map;
import org.mleruntime.executor.Session;
import org.mleruntime.ir.DType;
import org.mleruntime.ir.Shape;
import org.mleruntime.ir.Tensor;
import org.mleruntime.ir.Tensors;
import org.mleruntime.ir.ValueInfo;

/** How {@link MleModel#warmUpInBackground(long, int)} runs a session: synthetic inputs, mostly one row. */
public final class WarmUp {
    /** Rows of the occasional batch run, which takes the kernels' batch paths: at most this many. */
    static final int BATCH_ROWS = 16;
    /** And at most as many as fit, inputs and outputs together, in this many bytes. */
    static final long BATCH_BYTES = 1L << 20;
    /** One run in this many is a batch. */
    static final int BATCH_EVERY = 64;

    /** The one daemon thread every model's warm-up queues on. */
    static final java.util.concurrent.ExecutorService QUEUE = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mle-warm-up");
        t.setDaemon(true);
        return t;
    });

    /** The kinds of model whose warm-up has settled in this process. */
    static final java.util.Set<String> SETTLED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private WarmUp() {}

    /** What a warm-up compiles: the operators a session runs and the dtypes and shapes of its inputs. */
    static String kind(Session session) {
        return session.operatorCounts().keySet() + " " + session.inputs();
    }

    /** The batch runs' rows: {@link #BATCH_ROWS}, fewer for wide rows, at least 1. */
    public static long batchRows(java.util.List<ValueInfo> inputs, java.util.List<ValueInfo> outputs) {
        long bytesPerRow = 0;
        for (ValueInfo v : java.util.stream.Stream.concat(inputs.stream(), outputs.stream()).toList()) {
            if (v.shape().isBatched()) {
                bytesPerRow += v.shape().withRows(1).elementCount() * (v.dtype() == DType.STRING ? 8 : v.dtype().byteSize());
            }
        }
        return Math.max(1, Math.min(BATCH_ROWS, BATCH_BYTES / Math.max(1, bytesPerRow)));
    }

    /** Zeros, or empty strings, in each input's dtype and shape with {@code rows} rows. */
    static Map<String, Tensor> syntheticInputs(Session session, long rows) {
        Map<String, Tensor> inputs = new HashMap<>();
        for (ValueInfo v : session.inputs()) {
            Shape shape = v.shape().isBatched() ? v.shape().withRows(rows) : v.shape();
            if (v.dtype() == DType.STRING) {
                String[] values = new String[Math.toIntExact(shape.elementCount())];
                java.util.Arrays.fill(values, "");
                inputs.put(v.name(), Tensor.strings(shape, values, 0));
            } else {
                inputs.put(v.name(), Tensors.zeros(v.dtype(), shape));
            }
        }
        return inputs;
    }

    /**
     * When a warm-up has done its work: runs are timed in windows of {@link #WINDOW}, and once at
     * least {@link #MIN_RUNS} have run, a window whose total is no better than 90% of the one before
     * means the JIT has compiled what the runs use.
     */
    static final class Progress {
        static final int WINDOW = 512;
        static final int MIN_RUNS = 4096;

        private int runs;
        private long window;
        private long previous = Long.MAX_VALUE;
        private boolean settled;

        void ran(long nanos) {
            runs++;
            window += nanos;
            if (runs % WINDOW == 0) {
                settled = runs >= MIN_RUNS && window > 0.9 * previous;
                previous = window;
                window = 0;
            }
        }

        boolean settled() {
            return settled;
        }
    }
}
