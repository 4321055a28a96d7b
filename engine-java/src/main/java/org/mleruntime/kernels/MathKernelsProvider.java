package org.mleruntime.kernels;

/**
 * Chooses, once per JVM, the {@link MathKernels} implementation: the Vector API one when the
 * runtime has the {@code jdk.incubator.vector} module (and {@code mle.kernels} is not "plain"),
 * else the plain-Java one. The vector class is loaded by name so that no other class links
 * against the incubator module.
 */
public final class MathKernelsProvider {
    private static final String VECTOR_IMPLEMENTATION = "org.mleruntime.kernels.vector.VectorMathKernels";
    private static final MathKernels SELECTED = select();

    private MathKernelsProvider() {}

    public static MathKernels selected() {
        return SELECTED;
    }

    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static MathKernels select() {
        if (!"plain".equals(System.getProperty("mle.kernels")) && vectorApiAvailable()) {
            try {
                return (MathKernels) Class.forName(VECTOR_IMPLEMENTATION).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.getLogger("org.mleruntime").log(System.Logger.Level.WARNING,
                        "Vector API present but its kernels failed to load; using plain Java: " + e);
            }
        }
        return new PlainMathKernels();
    }
}
