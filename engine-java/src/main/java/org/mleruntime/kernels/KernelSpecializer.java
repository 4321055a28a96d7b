package org.mleruntime.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;

/**
 * Gives a kernel class one private copy per variant (say, float32 or float64 inputs), as a hidden
 * class defined from the same bytecode. The JIT profiles and compiles each copy on its own, so a
 * process that serves several kinds of model does not run one model with code shaped by another's
 * branch and type profile — which, measured on tree walks, cost up to three times the time.
 */
public final class KernelSpecializer {
    private static final Map<String, Class<?>> COPIES = new ConcurrentHashMap<>();

    private KernelSpecializer() {}

    /** The copy of {@code kernelClass}, a class of the package {@code lookup} belongs to, for {@code variant}, defined on first use. */
    public static Class<?> copyFor(MethodHandles.Lookup lookup, Class<?> kernelClass, String variant) {
        return COPIES.computeIfAbsent(kernelClass.getName() + "/" + variant, key -> define(lookup, kernelClass));
    }

    /**
     * A new kernel from the copy of {@code kernelClass} (of {@code lookup}'s package) for {@code variant}, built with its
     * (Node, List of constants, long features, boolean float32 input, MathKernels) constructor.
     */
    public static Object instantiate(MethodHandles.Lookup lookup, Class<?> kernelClass, String variant, Node node,
                                     List<Tensor> constants, long features, boolean floatInput, MathKernels math) {
        Class<?> copy = copyFor(lookup, kernelClass, variant);
        MethodType constructor = MethodType.methodType(void.class, Node.class, List.class, long.class, boolean.class, MathKernels.class);
        try {
            // Through the caller's lookup: the kernel's constructor is package-private to its family.
            return lookup.findConstructor(copy, constructor).invoke(node, constants, features, floatInput, math);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a " + kernelClass.getSimpleName() + ": " + e, e);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
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
