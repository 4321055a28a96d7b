package org.mleruntime.backend;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * One backend's kernel factories by operator name, filled by the providers found on the class path,
 * as ONNX Runtime gives each execution provider a kernel registry of its own.
 *
 * @param <F> the backend's kernel factory type
 */
public final class KernelRegistry<F> {
    private final Map<String, F> factories = new TreeMap<>();

    private KernelRegistry() {}

    /** The registry every provider of type {@code provider} adds its factories to through {@code register}. */
    static <P, F> KernelRegistry<F> load(Class<P> provider, BiConsumer<P, KernelRegistry<F>> register) {
        KernelRegistry<F> registry = new KernelRegistry<>();
        for (P p : ServiceLoader.load(provider, provider.getClassLoader())) {
            register.accept(p, registry);
        }
        if (registry.factories.isEmpty()) {
            throw new IllegalStateException("no kernel provider found: META-INF/services/" + provider.getName()
                    + " is missing from the engine's jar");
        }
        return registry;
    }

    public void add(String operator, F factory) {
        if (factories.putIfAbsent(operator, factory) != null) {
            throw new IllegalStateException("two kernel providers add operator '" + operator + "'");
        }
    }

    F get(String operator) {
        return factories.get(operator);
    }

    /** The operators with a kernel here. */
    public Set<String> operators() {
        return Set.copyOf(factories.keySet());
    }
}
