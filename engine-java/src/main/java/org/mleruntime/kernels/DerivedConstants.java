package org.mleruntime.kernels;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.mleruntime.ir.Tensor;

/**
 * Forms of constant tensors that kernels prepare once (weights packed for the GEMM, a matrix
 * transposed), shared by every kernel built over the same constant: a session builds a kernel per
 * node for each shape of inputs it plans, and these forms cost as much memory as the weights. Each
 * is kept while its tensor is reachable (a constant is held by the graph, the tensor object is the
 * key, never its address), so closing a model releases them.
 */
public final class DerivedConstants {
    private static final Map<Tensor, Map<Object, Object>> FORMS = new WeakHashMap<>();

    private DerivedConstants() {}

    /**
     * The form of {@code constant} that {@code purpose} names (a record of what the form depends on:
     * the operator, the GEMM, the groups), made by {@code derive} on first request. The form must not
     * refer to the tensor object itself, or it would never be released.
     */
    public static <T> T of(Tensor constant, Object purpose, Function<Tensor, T> derive) {
        synchronized (FORMS) {
            Map<Object, Object> forms = FORMS.computeIfAbsent(constant, t -> new HashMap<>());
            @SuppressWarnings("unchecked")
            T form = (T) forms.computeIfAbsent(purpose, p -> derive.apply(constant));
            return form;
        }
    }
}
