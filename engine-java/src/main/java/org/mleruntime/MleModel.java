package org.mleruntime;

import java.nio.file.Path;
import java.util.Map;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;
import org.mleruntime.format.ModelFile;
import org.mleruntime.format.OpenOptions;
import org.mleruntime.ir.Graph;
import org.mleruntime.ir.ModelMetadata;
import org.mleruntime.ir.Tensor;

/**
 * The engine's entry point for Java users: a model file opened (memory-mapped and validated) with a
 * session built for it. Thread-safe; close it when no run is in flight, which unmaps the file.
 *
 * <pre>{@code
 * try (MleModel model = MleModel.open(Path.of("m.mle"))) {
 *     Map<String, Tensor> out = model.session().run(Map.of("input", Tensors.of(rows)));
 * }
 * }</pre>
 */
public final class MleModel implements AutoCloseable {
    private final ModelFile file;
    private final long constantLimit;
    private final Session session;
    private volatile boolean closing;
    private WarmUpState warmUp = WarmUpState.NONE;

    private MleModel(ModelFile file, long constantLimit, SessionOptions options) {
        this.file = file;
        this.constantLimit = constantLimit;
        this.session = newSession(options);
    }

    public static MleModel open(Path path) {
        return open(path, OpenOptions.defaults(), SessionOptions.defaults());
    }

    /**
     * Opens, validates and builds a session. Every failure is an {@link MleException}: whatever else
     * a file makes the reader or the session builder throw is a declaration no check caught, and it
     * comes out as {@link InvalidModelException} naming the file and the internal error (I/O errors stay
     * what they are).
     */
    public static MleModel open(Path path, OpenOptions openOptions, SessionOptions sessionOptions) {
        try {
            ModelFile file = ModelFile.open(path, openOptions);
            try {
                return new MleModel(file, openOptions.maxMemoryBytes() - file.decodedBytes(), sessionOptions);
            } catch (RuntimeException | OutOfMemoryError e) {
                file.close();
                throw e;
            }
        } catch (MleException | java.io.UncheckedIOException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new InvalidModelException(path + " needs more memory to open than the JVM has: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new InvalidModelException(path + " declares something this reader cannot use (internal error " + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
    }

    /**
     * A further session over the same mapped file, with other options (thread count, say); the
     * constants it derives stay within what the file's memory limit left after decoding.
     */
    public Session newSession(SessionOptions options) {
        SessionOptions bounded = options.withMaxConstantBytes(Math.min(options.maxConstantBytes(), constantLimit));
        return new Session(file.model().graph(), CpuBackend.defaultBackend(), bounded, file::ensureIntact);
    }

    public Session session() {
        return session;
    }

    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return session.run(inputs);
    }

    public ModelMetadata metadata() {
        return file.model().metadata();
    }

    public Graph graph() {
        return file.model().graph();
    }

    public ModelFile file() {
        return file;
    }

    /**
     * Starts running the session on synthetic rows (zeros, empty strings) in a daemon thread, for at
     * most {@code maxNanos} or {@code maxRuns} runs, mostly one row and now and then a batch, so that
     * the JIT compiles the kernels before the first requests need them: in a fresh JVM a one-row
     * prediction takes ten times its steady time for the first hundreds of calls. It stops sooner
     * once runs no longer get faster ({@link WarmUp.Progress}), so it spends what compiling takes. A run the model
     * refuses (zeros outside its categories, say) ends the warm-up early; it is never reported.
     * {@link #close} stops it. At most one warm-up per model; they run one at a time. A model planned
     * per shape of inputs is not warmed up: no synthetic shape stands for the ones it will be given.
     */
    public void warmUpInBackground(long maxNanos, int maxRuns) {
        if (!session.plannedByRows()) {
            return;
        }
        long batchRows = WarmUp.batchRows(session.inputs(), session.outputs());
        Map<String, Tensor> one = WarmUp.syntheticInputs(session, 1);
        Map<String, Tensor> batch = WarmUp.syntheticInputs(session, batchRows);
        warmUpInBackground(maxNanos, maxRuns, batchRows, rows -> session.run(rows == 1 ? one : batch), () -> { });
    }

    /**
     * As {@link #warmUpInBackground(long, int)}, each run made by {@code run} with the number of
     * rows it should score (1, or now and then {@code batchRows}), and {@code finished} run when it
     * ends or is dropped: for callers whose own path to the session should be compiled too, with
     * buffers of their own to free. Warm-ups queue on one daemon thread for the whole process, so a
     * process loading many models spends one core on them, not one per model; a model closed before
     * its turn is skipped, and so is one whose operators and inputs are those of a model already
     * warmed up in this process ({@link WarmUp#kind}), whose code the JIT has compiled.
     */
    public synchronized void warmUpInBackground(long maxNanos, int maxRuns, long batchRows, java.util.function.LongConsumer run,
                                                Runnable finished) {
        if (warmUp != WarmUpState.NONE || closing) {
            finished.run();
            return;
        }
        warmUp = WarmUpState.QUEUED;
        String kind = WarmUp.kind(session);
        WarmUp.QUEUE.execute(() -> {
            synchronized (this) {
                if (closing || WarmUp.SETTLED.contains(kind)) {
                    warmUp = WarmUpState.DONE;
                    finished.run();
                    return;
                }
                warmUp = WarmUpState.RUNNING;
            }
            long deadline = System.nanoTime() + maxNanos;
            WarmUp.Progress progress = new WarmUp.Progress();
            try {
                for (int i = 0; i < maxRuns && !closing && System.nanoTime() < deadline && !progress.settled(); i++) {
                    long start = System.nanoTime();
                    run.accept(i % WarmUp.BATCH_EVERY == WarmUp.BATCH_EVERY - 1 ? batchRows : 1);
                    progress.ran(System.nanoTime() - start);
                }
                if (progress.settled()) {
                    WarmUp.SETTLED.add(kind);
                }
            } catch (RuntimeException refused) {
                // Synthetic rows are a guess at what the model reads; a refusal only ends the warm-up.
            } finally {
                finished.run();
                synchronized (this) {
                    warmUp = WarmUpState.DONE;
                    notifyAll();
                }
            }
        });
    }

    private enum WarmUpState { NONE, QUEUED, RUNNING, DONE }

    /** Whether a warm-up of this model is queued or running. */
    public synchronized boolean warmingUp() {
        return warmUp == WarmUpState.QUEUED || warmUp == WarmUpState.RUNNING;
    }

    /** Stops a warm-up (waiting for its current run), then unmaps the file. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            boolean interrupted = false;
            while (warmUp == WarmUpState.RUNNING) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        file.close();
    }
}
