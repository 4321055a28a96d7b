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

    @Override
    public void close() {
        file.close();
    }
}
