package org.mleruntime.spark.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mleruntime.MleModel;
import org.mleruntime.executor.Session;
import org.mleruntime.executor.SessionOptions;

/**
 * The models open in this JVM, one per file and key set however many tasks score with it: the file
 * is mapped once per executor and its tasks share the mapping and one session. Tasks lease a model
 * for the length of a partition; a model no task has leased for {@link #IDLE_CLOSE_MILLIS} is closed
 * (not at once, so that the tasks of the next stage do not map and validate the file again).
 */
public final class SharedModels {
    /** How long an unleased model stays open; the system property {@code mle.spark.idleCloseMillis} sets it. */
    public static final long IDLE_CLOSE_MILLIS = Long.getLong("mle.spark.idleCloseMillis", 30_000);

    private static final Map<Key, Entry> OPEN = new HashMap<>();
    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mle-spark-model-closer");
        t.setDaemon(true);
        return t;
    });

    private SharedModels() {
    }

    /**
     * An open model of the file: the file's real path, when it was last written (a model exported
     * again over the same path is a new model) and the keys it is opened with.
     */
    private record Key(Path file, long modified, ModelSource source) {
    }

    /** One file's open model and its single-threaded session (a task is one core of Spark's). */
    public record Model(MleModel model, Session session, ColumnSignature signature) {
    }

    private static final class Entry {
        final Model model;
        int leases;
        ScheduledFuture<?> pendingClose;

        Entry(Model model) {
            this.model = model;
        }
    }

    /** A model held open until {@link #close}: closing twice releases it once. */
    public static final class Lease implements AutoCloseable {
        private final Key key;
        private final Model model;
        private boolean released;

        private Lease(Key key, Model model) {
            this.key = key;
            this.model = model;
        }

        public Model model() {
            return model;
        }

        @Override
        public void close() {
            synchronized (OPEN) {
                if (released) {
                    return;
                }
                released = true;
                release(key);
            }
        }
    }

    public static Lease acquire(ModelSource source) {
        Path file = realPath(source.localModel());
        Key key = new Key(file, file.toFile().lastModified(), source);
        synchronized (OPEN) {
            Entry entry = OPEN.get(key);
            if (entry == null) {
                entry = new Entry(open(key));
                OPEN.put(key, entry);
            }
            if (entry.pendingClose != null) {
                entry.pendingClose.cancel(false);
                entry.pendingClose = null;
            }
            entry.leases++;
            return new Lease(key, entry.model);
        }
    }

    /** How many model files this JVM has open (mapped) now. */
    public static int openCount() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static Model open(Key key) {
        MleModel model = MleModel.open(key.file(), key.source().openOptions(), SessionOptions.defaults());
        try {
            Session session = model.newSession(SessionOptions.defaults().withThreads(1));
            return new Model(model, session, ColumnSignature.of(model));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void release(Key key) {
        Entry entry = OPEN.get(key);
        if (entry == null || --entry.leases > 0) {
            return;
        }
        entry.pendingClose = CLOSER.schedule(() -> {
            synchronized (OPEN) {
                if (entry.leases == 0 && OPEN.get(key) == entry) {
                    OPEN.remove(key);
                    entry.model.model().close();
                }
            }
        }, IDLE_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model file " + file + ": " + e.getMessage(), e);
        }
    }
}
