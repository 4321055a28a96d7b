package org.mleruntime.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives a kernel class one private copy per variant (say, float32 or float64 inputs), as a hidden
 * class defined from the same bytecode. The JIT profiles and compiles each copy on its own, so a
 * process that serves several kinds of model does not run one model with code shaped by another's
 * branch and type profile — which, measured on tree walks, cost up to three times the time.
 */
public final class KernelSpecializer {
    private static final Map<String, Class<?>> COPIES = new ConcurrentHashMap<>();

    private KernelSpecializer() {}

    /** The copy of {@code kernelClass} for {@code variant}, defined on first use. */
    static Class<?> copyFor(Class<?> kernelClass, String variant) {
        return copyFor(MethodHandles.lookup(), kernelClass, variant);
    }

    /** As {@link #copyFor(Class, String)}, for a class of the package {@code lookup} belongs to. */
    public static Class<?> copyFor(MethodHandles.Lookup lookup, Class<?> kernelClass, String variant) {
        return COPIES.computeIfAbsent(kernelClass.getName() + "/" + variant, key -> define(lookup, kernelClass));
    }

    /**
     * A new kernel from the copy of {@code kernelClass} for {@code variant}, built with its
     * (Node, List of constants, long features, boolean float32 input, MathKernels) constructor.
     */
    static Object instantiate(Class<?> kernelClass, String variant, org.mleruntime.ir.Node node,
                              java.util.List<org.mleruntime.ir.Tensor> constants, long features, boolean floatInput, MathKernels math) {
        try {
            return copyFor(kernelClass, variant).getDeclaredConstructor(org.mleruntime.ir.Node.class, java.util.List.class, long.class,
                            boolean.class, MathKernels.class)
                    .newInstance(node, constants, features, floatInput, math);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a " + kernelClass.getSimpleName() + ": " + e, e);
        }
    }

    private static Class<?> define(MethodHandles.Lookup lookup, Class<?> kernelClass) {
        String resource = kernelClass.getSimpleName() + ".class";
        try (InputStream in = kernelClass.getResourceAsStream(resource)) {
            if (in == null) {
                return kernelClass;
            }
            return lookup.defineHiddenClass(in.readAllBytes(), true).lookupClass();
        } catch (IOException | IllegalAccessException | LinkageError e) {
            // Sharing the one class is slower for mixed workloads but just as correct.
            return kernelClass;
        }
    }
}
