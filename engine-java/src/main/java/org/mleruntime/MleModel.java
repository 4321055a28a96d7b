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
    private final Session session;

    private MleModel(ModelFile file, SessionOptions options) {
        this.file = file;
        this.session = new Session(file.model().graph(), CpuBackend.defaultBackend(), options, file::ensureIntact);
    }

    public static MleModel open(Path path) {
        return open(path, OpenOptions.defaults(), SessionOptions.defaults());
    }

    public static MleModel open(Path path, OpenOptions openOptions, SessionOptions sessionOptions) {
        ModelFile file = ModelFile.open(path, openOptions);
        try {
            return new MleModel(file, sessionOptions);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** A further session over the same mapped file, with other options (thread count, say). */
    public Session newSession(SessionOptions options) {
        return new Session(file.model().graph(), CpuBackend.defaultBackend(), options, file::ensureIntact);
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

    @Override
    public void close() {
        file.close();
    }
}
